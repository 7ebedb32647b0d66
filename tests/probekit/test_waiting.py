"""Drop files against the imported alias inventory: an unknown alias is named only when an inventory says so."""

from __future__ import annotations

import tomllib
from pathlib import Path

from wizard.probekit.waiting import unknown_aliases
from wizard.results import CheckResult, Status
from wizard.session import Session, StepProgress

PLAN = Path(__file__).parents[1] / "data" / "nlb.toml"
WAITING = (
    r"\\wfe1\Drop: 3 files, the oldest 305 min old",
    "for docs@mossmail.foo.local: 2 file(s), the oldest 305 min",
    "for minutes@mossmail.foo.local: 1 file(s), the oldest 2 min",
)


def _session(inventory: tuple[str, ...] | None) -> Session:
    data = tomllib.loads(PLAN.read_text(encoding="utf-8"))
    data.pop("schema")
    data["sharepoint_servers"] = ["sp1.foo.local"]
    session = Session(name="t", plan_data=data)
    drop = CheckResult(
        "central_admin",
        "drop-folder",
        "wfe1.foo.local",
        Status.WARN,
        "3 wait",
        origin="wfe1.foo.local",
        transcript=WAITING,
    )
    session.progress["central_admin"] = StepProgress(results=[drop])
    if inventory is not None:
        lists = CheckResult(
            "library_test",
            "sp-list-alias",
            "sp1.foo.local",
            Status.PASS,
            "lists",
            origin="sp1.foo.local",
            transcript=inventory,
        )
        session.progress["library_test"] = StepProgress(results=[lists])
    return session


def test_an_address_no_list_has_is_named_with_its_files_age_and_the_24_hour_deletion() -> None:
    session = _session(("minutes: http://sp/Lists/Minutes (security 0)",))
    (found,) = unknown_aliases(session.plan(), session)
    assert (found.node, found.address, found.files) == ("wfe1.foo.local", "docs@mossmail.foo.local", 2)
    assert found.sentence() == (
        "2 file(s) for docs@mossmail.foo.local wait in the Drop folder of wfe1.foo.local, the oldest 5 h 5 min: "
        "no SharePoint list has the alias docs, so SharePoint deletes them after about 24 hours without telling "
        "anyone (in about 19 h)"
    )


def test_without_an_inventory_or_with_a_cut_one_nothing_is_called_unknown() -> None:
    assert unknown_aliases(_session(None).plan(), _session(None)) == ()
    cut = _session(("minutes: http://sp/Lists/Minutes", "... [40 lines, 3,000 characters cut]"))
    assert unknown_aliases(cut.plan(), cut) == ()
    known = _session(("docs: http://sp/Shared Documents", "minutes: http://sp/Lists/Minutes"))
    assert unknown_aliases(known.plan(), known) == ()
