"""Plain mode offers only the versions Microsoft's requirements allow together."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.plain.test_prompt_flow import ScriptedAsker
from wizard import store
from wizard.checklist.model import Checklist
from wizard.plain import launch

PLAN = Path(__file__).parent.parent / "data" / "single.toml"


class RecordingAsker(ScriptedAsker):
    """A scripted asker that also keeps the values each choice question offered."""

    def __init__(self, script: list[tuple[str, str]]) -> None:
        super().__init__(script)
        self.offered: dict[str, list[str]] = {}

    def choose(self, message: str, choices: Sequence[tuple[str, str]], *, default: str | None = None) -> str:
        self.offered[message.split(" (")[0]] = [value for value, _label in choices]
        return super().choose(message, choices, default=default)


def test_plain_mode_offers_only_windows_releases_the_chosen_sharepoint_runs_on(checklist: Checklist) -> None:
    keep = [
        (label, "<keep>")
        for label in (
            "Mail host",
            "DNS zone",
            "Node 1 name",
            "Node 1 address",
            "Node 1 drop folder",
            "Exchange servers",
            "DNS servers",
            "SMTP port",
            "Connection control",
        )
    ]
    script = [
        ("Plan file", str(PLAN)),
        ("Session name", "versions"),
        ("what now", "values"),
        ("Mode", "<keep>"),
        *keep,
        ("SharePoint version", "2019"),
        ("Exchange version", "<keep>"),
        ("Windows version", "2022"),
        # SharePoint 2019 on 2022 leaves two routes (its own SMTP service, or a Foreign connector): asked.
        ("Delivery route", "<keep>"),
        ("Test recipient", "<keep>"),
        ("Outgoing server", "<keep>"),
        ("SharePoint servers", "<keep>"),
        ("Proof age limit", "<keep>"),
        ("what now", "quit"),
    ]
    asker = RecordingAsker(script)
    assert launch.run(checklist, None, asker=asker, timeout=1.0) == 0
    assert not asker.script
    offered = asker.offered["Windows version"]
    assert "2012r2" not in offered and "2003" not in offered and "2022" in offered and "" in offered
    # Asked while the plan still says Windows Server 2016: SE (2019 and later) and 2013 (up to 2012 R2) are not offered.
    sharepoint = asker.offered["SharePoint version"]
    assert (
        "2016" in sharepoint and "2019" in sharepoint and "se" not in sharepoint and "2013" not in sharepoint
    )
    saved = store.load("versions")
    assert saved.plan_data["sharepoint_version"] == "2019" and saved.plan_data["windows_version"] == "2022"


def test_plain_mode_asks_the_route_with_its_tradeoffs_and_then_only_what_that_route_needs(
    checklist: Checklist,
) -> None:
    keep = [
        (label, "<keep>")
        for label in (
            "Mail host",
            "DNS zone",
            "Node 1 name",
            "Node 1 address",
            "Node 1 drop folder",
            "Exchange servers",
            "DNS servers",
            "SMTP port",
            "Connection control",
        )
    ]
    script = [
        ("Plan file", str(PLAN)),
        ("Session name", "routes"),
        ("what now", "values"),
        ("Mode", "<keep>"),
        *keep,
        ("SharePoint version", "2019"),
        ("Exchange version", "<keep>"),
        ("Windows version", "2025"),
        ("Delivery route", "foreign_connector"),
        ("Drop share", r"\\sp1\SPDrop"),
        ("Test recipient", "<keep>"),
        ("Outgoing server", "<keep>"),
        ("SharePoint servers", "<keep>"),
        ("Proof age limit", "<keep>"),
        ("what now", "quit"),
    ]
    asker = RecordingAsker(script)
    assert launch.run(checklist, None, asker=asker, timeout=1.0) == 0
    assert not asker.script
    # On 2025 no server has SMTP: only the Foreign connector and relay hosts are offered.
    assert asker.offered["Delivery route"] == ["foreign_connector", "relay_host"]
    saved = store.load("routes")
    assert saved.plan_data["delivery"] == "foreign_connector" and "nodes" not in saved.plan_data
    assert saved.plan() is not None and [s.id for s in saved.steps(checklist)][:3] == [
        "route",
        "drop_share",
        "foreign_connector",
    ]
