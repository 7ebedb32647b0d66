"""Every relay form is asked of every node: a node that relays for one form fails, naming it.

One practice farm for the module; each test opens the last node's loophole for one form and checks
that it, and only it, is caught, while the first node, which refuses every form, passes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.checks.helpers import one, steps
from wizard.checks import run_checks
from wizard.checks.relayforms import RELAY_FORMS, RelayForm, final_domain
from wizard.farm import Farm
from wizard.farm.node import RELAY_TRICKS
from wizard.results import Status

TIMEOUT = 3.0
TRICKS = [form for form in RELAY_FORMS if form.name in RELAY_TRICKS]
"""The forms a node can relay for; the percent hack at the mail host ends in the Alias domain."""


@pytest.fixture(scope="module")
def trick_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    running = Farm("relay-trick", 2, root=tmp_path_factory.mktemp("relay-forms"))
    running.start()
    yield running
    running.stop()


def _open_loophole(farm: Farm, form: str) -> None:
    async def change() -> None:
        farm.nodes[1].setup.relay_trick = form

    farm.run(change)


def test_every_form_but_the_local_one_has_a_loophole_in_the_farm() -> None:
    assert {form.name for form in TRICKS} == {form.name for form in RELAY_FORMS} - {"percent-mail-host"}


@pytest.mark.parametrize("form", TRICKS, ids=[form.name for form in TRICKS])
async def test_a_node_relaying_for_one_form_fails_naming_it(trick_farm: Farm, form: RelayForm) -> None:
    _open_loophole(trick_farm, form.name)
    results = await run_checks(trick_farm.plan, steps("relay"), timeout=TIMEOUT)
    tricked = one(results, "relay", "wfe2.foo.local")
    assert tricked.status == Status.FAIL, tricked.headline
    assert f"accepted mail for example.com in the {form.label} <" in tricked.summary
    assert "refused plain relaying (550 5.7.1" in tricked.summary
    # Only that form: every other one is refused.
    others = [other.label for other in TRICKS if other is not form]
    assert not [label for label in others if f"the {label} <" in tricked.summary]
    refusing = one(results, "relay", "wfe1.foo.local")
    assert refusing.status == Status.PASS, refusing.headline
    assert form.label in refusing.summary


async def test_the_percent_hack_at_the_mail_host_is_local_delivery_not_relay(trick_farm: Farm) -> None:
    # nmap counts this as relaying; it ends in the Alias domain, which every node accepts whatever the
    # local part, so it is mail for the library's own domain.
    _open_loophole(trick_farm, "")
    results = await run_checks(trick_farm.plan, steps("relay"), timeout=TIMEOUT)
    for node in ("wfe1.foo.local", "wfe2.foo.local"):
        result = one(results, "relay", node)
        assert result.status == Status.PASS, result.headline
        assert "percent hack at the mail host was accepted as mail for mossmail.foo.local" in result.summary
        assert "local delivery, not relaying" in result.summary


async def test_the_forms_are_read_only_one_conversation_each(trick_farm: Farm) -> None:
    _open_loophole(trick_farm, "percent")
    before = [len(node.sessions) for node in trick_farm.nodes]
    await run_checks(trick_farm.plan, steps("relay"), timeout=TIMEOUT)
    for node, count in zip(trick_farm.nodes, before, strict=True):
        assert len(node.sessions) == count + 1
        assert "DATA" not in node.commands()
        assert not node.delivered


@pytest.mark.parametrize(
    ("address", "domain"),
    [
        ("probe%example.com@[10.0.0.11]", "[10.0.0.11]"),
        ("probe%example.com@mossmail.foo.local", "mossmail.foo.local"),
        ("@wfe1.foo.local:probe@example.com", "example.com"),
        ('"probe@example.com"@[10.0.0.11]', "[10.0.0.11]"),
        ('"probe@example.com"', ""),
        ("example.com!probe", ""),
    ],
)
def test_an_address_is_judged_by_the_domain_it_is_routed_by(address: str, domain: str) -> None:
    assert final_domain(address) == domain
