"""Break and fix the practice farm's SharePoint side and the nodes' hop limit: the palette's SharePoint actions.

Kept apart from :mod:`wizard.farm.actions` (the SMTP side), which lists
these after its own and takes their remedies into its table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from wizard.farm import badmail
from wizard.farm.farm import TEST_RECIPIENT
from wizard.farm.node import HOP_LIMIT
from wizard.farm.sharepoint import MailList, SharePoint
from wizard.farm.states import LOW_HOP_LIMIT

if TYPE_CHECKING:
    from wizard.farm.actions import Action
    from wizard.farm.farm import Farm

TEST_ALIAS = TEST_RECIPIENT.partition("@")[0]
DAY_HOURS = 24


def _sharepoint(farm: Farm) -> SharePoint:
    assert farm.sharepoint is not None
    return farm.sharepoint


def _on_loop(farm: Farm, change: Callable[[], str]) -> str:
    async def work() -> str:
        return change()

    return farm.run(work)


def _test_list(farm: Farm) -> MailList | None:
    return _sharepoint(farm).find_list(TEST_RECIPIENT)


def alias(on: bool) -> Callable[[Farm], str]:
    """Give the test library its alias back, or take it away (its list stays, without an address)."""

    def apply(farm: Farm) -> str:
        def change() -> str:
            setup = _sharepoint(farm).setup
            if on:
                site = f"http://sp.{farm.plan.zone}/sites/team"
                setup.lists.insert(0, MailList(TEST_ALIAS, f"{site}/Shared Documents", "Documents"))
                return f"The library Documents has the alias {TEST_ALIAS} again."
            setup.lists = [item for item in setup.lists if item.alias.lower() != TEST_ALIAS]
            return f"No list has the alias {TEST_ALIAS}: its mail now waits in Drop."

        return _on_loop(farm, change)

    return apply


def modify(on: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        def change() -> str:
            setup = _sharepoint(farm).setup
            setup.timer_modify = on
            if on:
                return f"{setup.timer_account} has Modify on the Drop folders again."
            return f"{setup.timer_account} lost Modify on the Drop folders: each message is imported again and again."

        return _on_loop(farm, change)

    return apply


def instance(server: str, on: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        def change() -> str:
            stopped = _sharepoint(farm).setup.stopped_instances
            (stopped.discard if on else stopped.add)(server)
            short = server.split(".")[0]
            return f"The Incoming E-Mail service instance on {short} is {'started' if on else 'stopped'}."

        return _on_loop(farm, change)

    return apply


def hop_limit(low: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        def change() -> str:
            value = LOW_HOP_LIMIT if low else HOP_LIMIT
            for node in farm.nodes:
                node.setup.hop_limit = value
            return f"The nodes' maximum hop count is {value}."

        return _on_loop(farm, change)

    return apply


def block_exe(on: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        def change() -> str:
            blocked = _sharepoint(farm).setup.blocked_extensions
            (blocked.add if on else blocked.discard)("exe")
            return f".exe is {'a blocked file type now' if on else 'no longer blocked'}."

        return _on_loop(farm, change)

    return apply


def policy(members_only: bool) -> Callable[[Farm], str]:
    def apply(farm: Farm) -> str:
        def change() -> str:
            target = _test_list(farm)
            if target is None:
                return f"No list has the alias {TEST_ALIAS}."
            target.members_only = members_only
            if members_only:
                return "The library now takes mail only from its members."
            return "The library takes mail from any sender."

        return _on_loop(farm, change)

    return apply


def partner_mail(farm: Farm) -> str:
    farm.run(farm.partner_mail)
    return "A partner's message to the library went through Exchange."


def day_passes(farm: Farm) -> str:
    moved = _on_loop(farm, lambda: str(farm.age_drop(DAY_HOURS)))
    return f"A day of farm time passed for {moved} file(s) in Drop."


def queue_expires(farm: Farm) -> str:
    """Every node's relayed mail given up: IIS's expiration time (2 days by default) has passed."""

    def change() -> str:
        count = sum(
            badmail.expire_queue(node.setup.queue_dir, node.setup.drop_dir.parent / "Badmail")
            for node in farm.nodes
            if node.setup.queue_dir is not None and node.setup.drop_dir is not None
        )
        return str(count)

    given_up = _on_loop(farm, change)
    return f"{given_up} message(s) waiting in Queue were given up: their reports could not be delivered, so each lies in Badmail."


def available(farm: Farm, make: Callable[..., Action]) -> list[Action]:
    """The SharePoint side's changes, in the palette's order."""
    sharepoint = farm.sharepoint
    if sharepoint is None:
        return []
    setup = sharepoint.setup
    actions: list[Action] = []
    has_alias = _test_list(farm) is not None
    actions.append(
        make(
            "list-alias-remove" if has_alias else "list-alias-restore",
            f"{'Remove' if has_alias else 'Restore'} the library alias {TEST_ALIAS}",
            ("library_test",),
            alias(not has_alias),
        )
    )
    actions.append(
        make(
            "timer-modify-take" if setup.timer_modify else "timer-modify-give",
            f"{'Take Modify on Drop from' if setup.timer_modify else 'Give Modify on Drop to'} {setup.timer_account}",
            ("central_admin", "library_test"),
            modify(not setup.timer_modify),
        )
    )
    low = any(node.setup.hop_limit < HOP_LIMIT for node in farm.nodes)
    actions.append(
        make(
            "hop-limit-restore" if low else "hop-limit-lower",
            f"Set the nodes' hop limit to {HOP_LIMIT}"
            if low
            else f"Lower the nodes' hop limit to {LOW_HOP_LIMIT}",
            ("library_test",),
            hop_limit(not low),
        )
    )
    blocked = "exe" in setup.blocked_extensions
    actions.append(
        make(
            "exe-unblock" if blocked else "exe-block",
            "Unblock the .exe file type" if blocked else "Block the .exe file type",
            ("library_test",),
            block_exe(not blocked),
        )
    )
    target = _test_list(farm)
    if target is not None:
        actions.append(
            make(
                "list-policy-open" if target.members_only else "list-policy-members",
                "Let the library take mail from any sender"
                if target.members_only
                else "Let the library take mail only from its members",
                ("library_test",),
                policy(not target.members_only),
            )
        )
    for server in setup.servers:
        running = sharepoint.instance_running(server)
        short = server.split(".")[0]
        actions.append(
            make(
                f"instance-{'stop' if running else 'start'}:{short}",
                f"{'Stop' if running else 'Start'} the Incoming E-Mail service instance on {short}",
                ("central_admin", "library_test"),
                instance(server, not running),
            )
        )
    actions.append(
        make(
            "partner-mail",
            "Have a partner send the library a message through Exchange",
            ("library_test",),
            partner_mail,
        )
    )
    actions.append(
        make("day-passes", "Let a day of farm time pass for the files in Drop", ("library_test",), day_passes)
    )
    actions.append(
        make(
            "queue-expires",
            "Let the expiration time pass for the mail waiting in Queue",
            ("restart",),
            queue_expires,
        )
    )
    return actions


def fix_central_admin(farm: Farm) -> list[str]:
    if farm.sharepoint is None:
        return []
    setup = farm.sharepoint.setup
    done = [modify(True)(farm)] if not setup.timer_modify else []
    done += [instance(server, True)(farm) for server in sorted(setup.stopped_instances)]
    return done


def fix_library(farm: Farm) -> list[str]:
    if farm.sharepoint is None:
        return []
    done = [] if _test_list(farm) is not None else [alias(True)(farm)]
    target = _test_list(farm)
    if target is not None and target.members_only:
        done.append(policy(False)(farm))
    if any(node.setup.hop_limit < HOP_LIMIT for node in farm.nodes):
        done.append(hop_limit(False)(farm))
    return done
