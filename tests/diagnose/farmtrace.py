"""Sending one message through a practice farm and waiting until the farm is done with it."""

from __future__ import annotations

import asyncio
import time

from wizard.farm import Farm
from wizard.farm.exchange import send
from wizard.farm.farm import TEST_RECIPIENT

SETTLE_SECONDS = 10.0
"""A safety net only: each wait ends on the farm's own record of the relay and the pickup."""


def deliver(farm: Farm) -> None:
    """Send one message through Exchange and wait until the farm has done with it."""
    assert farm.exchange is not None and farm.timer is not None
    relayed = len(farm.exchange.relayed)

    async def submit() -> None:
        await send(
            farm.addresses.exchange,
            farm.port,
            "127.0.0.1",
            "client",
            "user@foo.local",
            [TEST_RECIPIENT],
            b"Subject: t\r\n\r\nhi\r\n",
        )

    asyncio.run(submit())
    deadline = time.monotonic() + SETTLE_SECONDS
    while len(farm.exchange.relayed) == relayed and time.monotonic() < deadline:
        time.sleep(0.02)
    while farm.timer.running and waiting(farm) and time.monotonic() < deadline:
        time.sleep(0.02)


def waiting(farm: Farm) -> bool:
    """Whether a message file still waits in a Drop folder for the timer job."""
    return any(any(farm.drop_dir(index).glob("*.eml")) for index in range(farm.count))


def fresh_logs(farm: Farm) -> None:
    """Forget every earlier message: empty the logs and folders, as a new day's logs would be."""
    for path in farm.root.rglob("*"):
        if path.is_file() and path.suffix.lower() in (".log", ".eml", ".bad", ".bdr", ".bdp"):
            path.unlink()
