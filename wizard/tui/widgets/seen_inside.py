"""A step's "Seen inside": per node and SharePoint server, what the probe kit saw on that host itself.

The rows come from the runbook's own selection (``seen_inside``): the unknown
aliases with the files waiting for them and their age, the timer account's
rights on Drop, the hop headroom, each as that host reported it. They sit at
the end of the step's check panel, under the results seen from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from wizard.runbook.inside import InsideHost
from wizard.untrusted import neutral


class SeenInside(Vertical):
    """Each host's own reports for the step on show; hidden when no host reported any."""

    def __init__(self) -> None:
        super().__init__(id="seen-inside")
        self._shown: tuple[InsideHost, ...] = ()
        self.display = False

    def show(self, hosts: Sequence[InsideHost]) -> None:
        """Show these hosts' rows (nothing is rebuilt when they are the ones on show)."""
        hosts = tuple(hosts)
        if hosts == self._shown:
            return
        self._shown = hosts
        self.remove_children()
        self.display = bool(hosts)
        lines: list[Static] = []
        for host in hosts:
            heading = f"Seen inside {neutral(host.name)} ({host.role}), as it reported itself:"
            lines.append(Static(Content(heading), classes="inside-host"))
            for row in host.rows:
                found = row.evidence
                text = f"{found.label} {neutral(row.check)}: {neutral(found.summary)} · {neutral(found.seen)}"
                lines.append(Static(Content(text), classes=f"inside-row -{found.status}"))
                if found.hint:
                    lines.append(Static(Content(f"  ↳ {neutral(found.hint)}"), classes="inside-hint"))
            for sentence in host.unknown:
                lines.append(
                    Static(Content(f"Unknown alias: {neutral(sentence)}"), classes="inside-row -fail")
                )
        self.mount_all(lines)
