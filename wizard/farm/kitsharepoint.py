"""The SharePoint script's results file on the practice farm: settings, instances, job, lists, ULS log.

Judged as the script judges them (same check names, same statuses for the
same facts); the unified log is read from the files the practice SharePoint
wrote, in the ULS layout, as the script reads the real ones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.checks.delivery import SENDER_LOCAL_PART
from wizard.farm.sharepoint import (
    EVENT_CANNOT_DELIVER,
    EVENT_UNKNOWN_ALIASES,
    UNKNOWN_ALIAS_LIFETIME,
    MailList,
    read_drop_file,
)
from wizard.probekit.kit import LOG_HOURS, TEST_ATTACHMENT, TEST_SUBJECT
from wizard.record import record
from wizard.results import CheckResult, Status, utc_now

if TYPE_CHECKING:
    from wizard.farm.farm import Farm


@record
class UlsEvent:
    at: datetime
    event_id: str
    message: str


def read_uls(folder: Path, since: datetime) -> list[UlsEvent]:
    """E-Mail events from ULS files (tab-separated, header line first), newer than ``since``."""
    events = []
    for path in sorted(folder.glob("*.log")):
        for line in path.read_text("utf-8", "replace").splitlines()[1:]:
            cells = [cell.strip() for cell in line.split("\t")]
            if len(cells) < 8 or cells[4] != "E-Mail":
                continue
            try:
                at = datetime.strptime(cells[0], "%m/%d/%Y %H:%M:%S.%f")
            except ValueError:
                continue
            if at >= since:
                events.append(UlsEvent(at, cells[5], cells[7]))
    return events


def _fact(
    server: str,
    step: str,
    check: str,
    status: Status,
    summary: str,
    hint: str = "",
    lines: tuple[str, ...] = (),
) -> CheckResult:
    return CheckResult(step, check, server, status, summary, hint=hint, origin=server, transcript=lines)


def _inventory(lists: list[MailList]) -> tuple[str, ...]:
    """Every mail-enabled list as the SharePoint script lists it: ``alias: URL (settings)``."""
    return tuple(
        f"{item.alias}: {item.url} (security {1 if item.members_only else 0}, attachments "
        f"{1 if item.save_attachments else 0} in {item.attachment_folders}, original {1 if item.save_original else 0})"
        for item in lists
    )


def _waiting(farm: Farm, alias: str) -> tuple[int, float]:
    """Drop files for ``alias`` on every node, and the oldest one's age in hours."""
    count, oldest = 0, 0.0
    now = datetime.now().timestamp()
    for index in range(farm.count):
        for path in farm.drop_dir(index).glob("*.eml"):
            try:
                drop = read_drop_file(path.read_bytes())
                age = (now - path.stat().st_mtime) / 3600
            except OSError:
                continue
            if any(r.partition("@")[0].lower() == alias for r in drop.receivers):
                count, oldest = count + 1, max(oldest, age)
    return count, oldest


def _central_admin(farm: Farm, server: str) -> list[CheckResult]:
    assert farm.sharepoint is not None and farm.timer is not None
    sp, plan = farm.sharepoint.setup, farm.plan
    settings_ok = sp.enabled and sp.domain.lower() == plan.mail_host.lower()
    mode = "automatic" if sp.automatic else "advanced"
    if not sp.enabled:
        summary = "incoming e-mail is turned off for the farm"
    elif not settings_ok:
        summary = f"the e-mail server display address is {sp.domain}, not {plan.mail_host}"
    else:
        summary = f"incoming e-mail is on ({mode} settings), display address {sp.domain}, drop folder {sp.drop_folder}"
    results = [
        _fact(
            server,
            "central_admin",
            "sp-incoming-settings",
            Status.PASS if settings_ok else Status.FAIL,
            summary + ("; Directory Management Service in use" if sp.use_directory_management else ""),
            ""
            if settings_ok
            else f"Central Administration > Configure incoming e-mail settings: enable it, "
            f"e-mail server display address {plan.mail_host}.",
        )
    ]
    for name in sp.servers:
        running = farm.sharepoint.instance_running(name)
        results.append(
            _fact(
                name,
                "central_admin",
                "sp-service-instance",
                Status.PASS if running else Status.FAIL,
                f"the Incoming E-Mail service instance on {name} is "
                + ("Online" if running else "stopped: the messages IIS drops there are never taken"),
                ""
                if running
                else f"Central Administration > Manage services on server > {name}: start "
                "Microsoft SharePoint Foundation Incoming E-Mail.",
            )
        )
    history = farm.sharepoint.history
    failures = [run for run in history if run.failed]
    if not farm.timer.running:
        job = (
            Status.FAIL,
            "the incoming e-mail timer job has not run: the SharePoint Timer service is stopped",
        )
    elif failures:
        job = (
            Status.FAIL,
            f"the incoming e-mail timer job failed {len(failures)} time(s) in its recent runs "
            f"(last: {failures[-1].note})",
        )
    else:
        last = history[-1].at.strftime("%H:%M:%S") if history else "no file handled yet"
        job = (
            Status.PASS,
            f"the incoming e-mail timer job runs without failures (last file handled: {last})",
        )
    results.append(_fact(server, "central_admin", "sp-timer-job", *job))
    results.append(
        _fact(
            server,
            "central_admin",
            "sp-timer-account",
            Status.PASS if sp.timer_modify else Status.FAIL,
            f"the timer account {sp.timer_account} has Modify on the drop folder {sp.drop_folder}"
            if sp.timer_modify
            else f"the timer account {sp.timer_account} lacks Modify on the drop folder {sp.drop_folder}: "
            "SharePoint stores each message but cannot delete its file, so the items are duplicated",
            "" if sp.timer_modify else f"Give {sp.timer_account} Modify on {sp.drop_folder} on every server.",
        )
    )
    results.append(_fact(server, "central_admin", "sp-farm-build", Status.PASS, f"farm build {sp.build}"))
    return results


def _library(farm: Farm, server: str) -> list[CheckResult]:
    assert farm.sharepoint is not None
    sharepoint, plan = farm.sharepoint, farm.plan
    recipient = plan.test_recipient or ""
    alias = recipient.partition("@")[0].lower()
    target = sharepoint.find_list(recipient)
    results = []
    inventory = _inventory(sharepoint.setup.lists)
    if target is None:
        waiting, oldest = _waiting(farm, alias)
        left = max(0.0, UNKNOWN_ALIAS_LIFETIME.total_seconds() / 3600 - oldest)
        results.append(
            _fact(
                server,
                "library_test",
                "sp-list-alias",
                Status.FAIL,
                f"no list has the alias {alias}: mail for {recipient} waits in Drop and SharePoint deletes it "
                f"after about 24 hours without telling anyone; {waiting} file(s) wait now"
                + (f", the oldest {oldest:.0f} h old (deleted in about {left:.0f} h)" if waiting else ""),
                f"Give the library its address again: Library settings > Incoming e-mail settings > "
                f"E-mail address {alias}.",
                inventory,
            )
        )
    else:
        folders = {
            "root": "the library's root folder",
            "subject": "a folder per subject",
            "sender": "a folder per sender",
        }
        attachments = folders[target.attachment_folders] if target.save_attachments else "not saved"
        results.append(
            _fact(
                server,
                "library_test",
                "sp-list-alias",
                Status.PASS,
                f"{target.title} ({target.url}) has the alias {target.alias}; attachments: {attachments}",
                "",
                inventory,
            )
        )
        results.append(
            _fact(
                server,
                "library_test",
                "sp-list-policy",
                Status.FAIL if target.members_only else Status.PASS,
                f"{target.title} accepts e-mail only from senders with rights on it: mail from anyone else, "
                f"such as the wizard's test sender, is dropped without a word"
                if target.members_only
                else f"{target.title} accepts e-mail from any sender",
                "Library settings > Incoming e-mail settings > E-mail security policy: accept e-mail from any "
                "sender, or give the senders rights on the library."
                if target.members_only
                else "",
            )
        )
    blocked = sorted(sharepoint.setup.blocked_extensions)
    test_type = TEST_ATTACHMENT.rpartition(".")[2]
    results.append(
        _fact(
            server,
            "library_test",
            "sp-blocked-types",
            Status.WARN if test_type in blocked else Status.PASS,
            f"blocked file types: {', '.join('.' + b for b in blocked)} (such attachments are not saved)"
            if blocked
            else "no file type is blocked",
        )
    )
    results += _log_facts(farm, server, alias, target)
    return results


def _log_facts(farm: Farm, server: str, alias: str, target: MailList | None) -> list[CheckResult]:
    assert farm.sharepoint is not None
    # The farm's unified log is written in UTC; items are stamped in local time.
    events = read_uls(
        farm.sharepoint.log_folder, datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=LOG_HOURS)
    )
    since = datetime.now() - timedelta(hours=LOG_HOURS)
    unknown: dict[str, int] = {}
    for event in events:
        if event.event_id == EVENT_UNKNOWN_ALIASES:
            for name in event.message.rpartition(":")[2].split(","):
                unknown[name.strip().lower()] = unknown.get(name.strip().lower(), 0) + 1
    refused = [e for e in events if e.event_id == EVENT_CANNOT_DELIVER]
    named = ", ".join(f"{name} ({count})" for name, count in sorted(unknown.items())) or "none"
    summary = (
        f"E-Mail events of the last {LOG_HOURS} h: {len(events)}; unknown aliases: {named}; "
        f"messages not delivered: {len(refused)}"
    )
    status = Status.FAIL if alias in unknown or refused else Status.WARN if unknown else Status.PASS
    results = [_fact(server, "library_test", "sp-uls-email", status, summary)]
    test_id = f"{SENDER_LOCAL_PART}@"
    stored = [
        item
        for item in (target.items if target is not None else [])
        if item.subject.startswith(TEST_SUBJECT) and item.stored_at >= since
    ]
    dropped = [e for e in refused if test_id in e.message]
    if stored:
        newest = stored[-1]
        copies = sum(1 for item in stored if item.message_id == newest.message_id)
        results.append(
            _fact(
                server,
                "library_test",
                "sp-test-delivery",
                Status.PASS if copies == 1 else Status.WARN,
                f"the wizard's test message {newest.message_id} is an item of the test list"
                + (
                    ""
                    if copies == 1
                    else f", stored {copies} times: the timer account cannot delete its file"
                ),
            )
        )
    elif dropped:
        results.append(
            _fact(
                server,
                "library_test",
                "sp-test-delivery",
                Status.FAIL,
                "SharePoint did not store the wizard's test message: " + dropped[-1].message,
            )
        )
    else:
        results.append(
            _fact(
                server,
                "library_test",
                "sp-test-delivery",
                Status.SKIP,
                f"no item from the wizard's test message in the last {LOG_HOURS} h",
                "Run the Exchange kit with -SendTest, wait a minute, then this kit again.",
            )
        )
    return results


def sharepoint_results(farm: Farm, server: str) -> dict[str, Any]:
    """What the SharePoint script writes when run on ``server``."""
    from wizard.farm.kitfiles import document

    started = utc_now()
    results = _central_admin(farm, server) + _library(farm, server)
    if farm.plan.delivery == "foreign_connector":
        from wizard.farm.foreign import drop_share_fact

        results.append(drop_share_fact(farm, server))
    return document(farm.plan, results, started)
