"""STARTTLS: offered or not, and the certificate's names and dates, read from a real farm over TLS.

One practice farm in the ``starttls`` state for the module: its first node's certificate names the
mail host, its last node's names only the node itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.checks.helpers import one, steps
from wizard.checks import run_checks
from wizard.checks.starttls import Certificate, cannot_work, names_host
from wizard.farm import Farm
from wizard.results import Status

TIMEOUT = 3.0
HOST = "mossmail.foo.local"


@pytest.fixture(scope="module")
def tls_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    running = Farm("starttls", 2, root=tmp_path_factory.mktemp("starttls"))
    running.start()
    yield running
    running.stop()


async def test_each_node_says_whether_it_offers_starttls_and_what_its_certificate_names(
    tls_farm: Farm,
) -> None:
    results = await run_checks(tls_farm.plan, steps("mode"), timeout=TIMEOUT)
    good = one(results, "mode", "wfe1.foo.local", "smtp-starttls")
    assert good.status == Status.PASS, good.headline
    assert f"offers STARTTLS; its certificate names {HOST}, wfe1.foo.local, valid until" in good.summary
    assert "self-signed" in good.summary
    assert any(line.startswith("-- TLS TLSv1.") for line in good.transcript)
    wrong = one(results, "mode", "wfe2.foo.local", "smtp-starttls")
    assert wrong.status == Status.WARN, wrong.headline
    assert f"a certificate that does not name {HOST} (names: wfe2.foo.local" in wrong.summary
    assert "Access > Certificate" in wrong.hint


async def test_the_handshake_sends_no_mail(tls_farm: Farm) -> None:
    await run_checks(tls_farm.plan, steps("mode"), timeout=TIMEOUT)
    for node in tls_farm.nodes:
        assert "STARTTLS" in node.commands()
        assert "DATA" not in node.commands()
        assert not node.delivered


async def test_a_node_without_starttls_is_noted_not_failed(tls_farm: Farm) -> None:
    node = tls_farm.nodes[1]
    context = node.setup.tls

    async def set_tls(value: object) -> None:
        node.setup.tls = value  # type: ignore[assignment]

    tls_farm.run(lambda: set_tls(None))
    try:
        results = await run_checks(tls_farm.plan, steps("mode"), timeout=TIMEOUT)
    finally:
        tls_farm.run(lambda: set_tls(context))
    plain = one(results, "mode", "wfe2.foo.local", "smtp-starttls")
    assert plain.status == Status.PASS, plain.headline
    assert "does not offer STARTTLS" in plain.summary
    assert "a Send Connector that requires TLS cannot deliver to it" in plain.summary


NOW = datetime(2026, 12, 3, tzinfo=UTC)


def _cert(names: tuple[str, ...], *, days_left: int = 30, days_since: int = 30) -> Certificate:
    return Certificate(names, NOW - timedelta(days=days_since), NOW + timedelta(days=days_left), "CN=x", True)


@pytest.mark.parametrize(
    ("cert", "problems"),
    [
        (_cert((HOST,)), []),
        (_cert(("*.foo.local",)), []),
        (_cert(("*.local",)), [f"does not name {HOST}"]),
        (_cert(("wfe1.foo.local",)), [f"does not name {HOST}"]),
        (_cert((HOST,), days_left=-1), ["expired on 2026-12-02"]),
        (_cert((HOST,), days_since=-2), ["is not valid before 2026-12-05"]),
    ],
)
def test_only_a_name_or_a_date_that_cannot_work_is_a_problem(cert: Certificate, problems: list[str]) -> None:
    assert cannot_work(cert, HOST, NOW) == problems


def test_a_wildcard_covers_one_label_only() -> None:
    assert names_host(("*.foo.local",), "mossmail.foo.local")
    assert not names_host(("*.foo.local",), "a.mossmail.foo.local")
