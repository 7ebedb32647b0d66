"""Node facts of the practice farm's kit files that read the node's files: Drop and the SMTP protocol log.

Each is made the way the node script makes it, from what the practice node
really wrote: the ``.eml`` files waiting in Drop with their ``x-receiver``
lines, and the W3C protocol log of the last hour counted per client and
reply code.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from wizard.diagnose.bounded import Tally, UnreadableLog
from wizard.diagnose.w3c import parse
from wizard.farm.sharepoint import read_drop_file
from wizard.probekit.kit import OLD_MINUTES
from wizard.results import CheckResult, Status

LOG_HINT = (
    "Default SMTP Virtual Server > Properties > General: Enable logging, W3C Extended Log File Format "
    "(with Date, Time, Client IP Address, Method and Protocol Status among its fields)."
)


def _fact(
    node: str, step: str, check: str, status: Status, summary: str, hint: str, lines: list[str]
) -> CheckResult:
    return CheckResult(step, check, node, status, summary, hint=hint, origin=node, transcript=tuple(lines))


def drop_fact(name: str, drop: Path | None) -> CheckResult:
    """The Drop folder as the node script judges it: files, the oldest, and who they wait for."""
    files = sorted(drop.glob("*.eml")) if drop and drop.is_dir() else []
    now = time.time()
    waiting: dict[str, tuple[int, int]] = {}
    oldest = 0
    for path in files:
        try:
            minutes = int((now - path.stat().st_mtime) // 60)
            receivers = read_drop_file(path.read_bytes()).receivers
        except OSError:
            continue
        oldest = max(oldest, minutes)
        for receiver in receivers:
            count, most = waiting.get(receiver.lower(), (0, 0))
            waiting[receiver.lower()] = (count + 1, max(most, minutes))
    per_receiver = [f"for {r}: {c} file(s), the oldest {m} min" for r, (c, m) in sorted(waiting.items())]
    lines = [f"{drop}: {len(files)} files, the oldest {oldest} min old", *per_receiver]
    if files and oldest >= OLD_MINUTES:
        return _fact(
            name,
            "central_admin",
            "drop-folder",
            Status.WARN,
            f"{len(files)} messages wait in the Drop folder of {name}, the oldest for {oldest} min: the timer job "
            f"does not pick them up ({'; '.join(per_receiver)})",
            "Check that the incoming e-mail service instance runs on a server that reads this folder, that the "
            "timer account may delete files there, and the library addresses (mail for an unknown alias waits "
            "about 24 hours, then is deleted).",
            lines,
        )
    return _fact(
        name,
        "central_admin",
        "drop-folder",
        Status.SKIP,
        f"the Drop folder of {name} holds {len(files)} files, none waiting long; only a test message proves the pickup",
        "Run the Exchange kit with -SendTest, then this kit again.",
        lines,
    )


def smtp_log_fact(name: str, folder: Path | None, exchange: Sequence[str]) -> CheckResult:
    """The last hour of the node's W3C protocol log, per client and reply code, as the node script counts it."""
    lines = [f"protocol log folder: {folder}"]
    since = datetime.now(UTC) - timedelta(hours=1)
    files = (
        sorted(
            (path for path in folder.glob("ex*.log") if path.stat().st_mtime >= since.timestamp()),
            key=lambda path: path.stat().st_mtime,
        )
        if folder is not None and folder.is_dir()
        else []
    )
    if not files:
        return _fact(
            name,
            "connector",
            "smtp-log",
            Status.SKIP,
            f"no W3C protocol log of {name} was written in the last hour ({folder})",
            LOG_HINT,
            lines,
        )
    counts: Counter[tuple[str, str]] = Counter()
    skipped = 0
    for path in files:
        tally = Tally(str(path))
        try:
            entries = parse(path, tally)
        except UnreadableLog:
            skipped += 1
            continue
        skipped += tally.damaged
        for entry in entries:
            if entry.at is not None and entry.at >= since:
                counts[(entry.client, "-" if entry.status is None else str(entry.status))] += 1
    lines += [f"from {client}: reply {code} x{n}" for (client, code), n in sorted(counts.items())]
    if skipped:
        lines.append(f"{skipped} damaged line(s) skipped")
    total = sum(counts.values())
    clients = len({client for client, _ in counts})
    summary = f"the protocol log of {name} holds {total} command(s) of the last hour from {clients} client(s)"
    refused = sorted(
        (client, code) for client, code in counts if client in exchange and len(code) == 3 and code[0] in "45"
    )
    if refused:
        named = ", ".join(f"{client} got {code} x{counts[(client, code)]}" for client, code in refused)
        return _fact(
            name,
            "connector",
            "smtp-log",
            Status.WARN,
            f"{summary}; an Exchange server's commands were refused: {named}",
            "Read those lines in the log: a 550 to RCPT names a missing alias or a closed relay, a 4xx a node "
            "that was busy or stopping.",
            lines,
        )
    if not total:
        return _fact(
            name,
            "connector",
            "smtp-log",
            Status.SKIP,
            f"{summary}: nothing reached it in that hour",
            "Send a test message (the Exchange kit with -SendTest), then run this kit again.",
            lines,
        )
    return _fact(name, "connector", "smtp-log", Status.PASS, summary, "", lines)


def badmail_reasons(folder: Path | None) -> list[str]:
    """The newest ten ``.bdr`` files' reasons, as the node script lists them (``name: reason``)."""
    if folder is None or not folder.is_dir():
        return []
    files = sorted(folder.glob("*.bdr"), key=lambda path: path.stat().st_mtime, reverse=True)[:10]
    reasons = []
    for path in files:
        with path.open("r", encoding="utf-8", errors="replace") as reason:
            reasons.append(f"{path.name}: {' '.join(reason.read(2000).split())}")
    return reasons
