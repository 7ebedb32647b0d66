"""The runbook: Markdown and HTML for the change board, PowerShell per host, files written atomically."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from wizard.atomicfile import write_text_atomic
from wizard.errors import StoreError
from wizard.model import Checklist
from wizard.plan import Plan
from wizard.planfile import dump_plan
from wizard.results import utc_now
from wizard.runbook.environments import render
from wizard.runbook.scripts import farm_line, host_scripts
from wizard.runbook.view import build_view
from wizard.session import Session

__all__ = [
    "EXPORT_FORMATS",
    "default_output",
    "render_html",
    "render_markdown",
    "render_scripts",
    "write_export",
]

EXPORT_FORMATS = ("md", "html", "ps1", "plan", "probe", "monitor")
"""What ``write_export`` can write."""

_SUFFIXES = {
    "md": "-runbook.md",
    "html": "-runbook.html",
    "plan": "-plan.toml",
    "ps1": "-scripts",
    "probe": "-probe-kit",
    "monitor": "-monitor",
}
# Windows PowerShell 5.1 reads a .ps1 without a byte order mark as the ANSI code
# page, where UTF-8 bytes of an ordinary character can turn into a curly quote
# that ends a string early; with the mark every version reads UTF-8.
_BOM = "\ufeff"


def render_markdown(
    plan: Plan, checklist: Checklist, session: Session | None = None, *, generated_at: datetime | None = None
) -> str:
    """The runbook as Markdown (GitHub and VS Code flavoured)."""
    view = build_view(plan, checklist, session, generated_at or utc_now())
    return render("md", "runbook.md.j2", rb=view)


def render_html(
    plan: Plan, checklist: Checklist, session: Session | None = None, *, generated_at: datetime | None = None
) -> str:
    """The runbook as one self-contained HTML page that prints well."""
    view = build_view(plan, checklist, session, generated_at or utc_now())
    return render("html", "runbook.html.j2", rb=view)


def render_scripts(
    plan: Plan, checklist: Checklist, session: Session | None = None, *, generated_at: datetime | None = None
) -> dict[str, str]:
    """One PowerShell script per host, by file name, in the order the hosts are visited."""
    moment = generated_at or utc_now()
    return {
        script.file_name: render(
            "ps1",
            "host.ps1.j2",
            script=script,
            farm=farm_line(plan),
            generated_at=moment,
            session_name=session.name if session else "",
        )
        for script in host_scripts(plan, checklist, session)
    }


def default_output(fmt: str, plan: Plan, session: Session | None) -> Path:
    """Where an export goes when no path is given: named after the session or the mail host."""
    base = session.name if session else plan.mail_host
    return Path(base + _SUFFIXES[fmt])


def write_export(
    fmt: str, plan: Plan, checklist: Checklist, session: Session | None, output: Path | None
) -> list[Path]:
    """Write one export format and return the files written.

    md, html and plan go to the file ``output``; ps1 and probe (one script
    per host) and monitor (blackbox_exporter, Prometheus and Nagios files) go
    into the folder ``output``. Without ``output``, a name from
    :func:`default_output` in the current folder is used. Every file is
    written atomically.

    Raises:
        ValueError: an unknown format.
        StoreError: the output cannot be written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    target = output if output is not None else default_output(fmt, plan, session)
    if fmt == "ps1":
        return _write_scripts(render_scripts(plan, checklist, session), target)
    if fmt == "probe":
        from wizard.probekit.kit import render_kit

        if target.exists() and not target.is_dir():
            raise StoreError(
                f"{target}: is a file; the probe kit is one script per host, written into a folder"
            )
        return _write_scripts(render_kit(plan, generated_at=utc_now()), target)
    if fmt == "monitor":
        from wizard.runbook.monitor import monitoring_files

        return _write_folder(monitoring_files(plan), target, fmt)
    if target.is_dir():
        raise StoreError(f"{target}: is a folder; give a file name for the {fmt} export")
    if fmt == "md":
        text = render_markdown(plan, checklist, session)
    elif fmt == "html":
        text = render_html(plan, checklist, session)
    else:
        text = dump_plan(plan.to_data())
    write_text_atomic(target, text)
    return [target]


def _write_folder(files: dict[str, str], folder: Path, fmt: str) -> list[Path]:
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder}: is a file; {fmt} export writes its files into a folder")
    written = []
    for name, text in files.items():
        write_text_atomic(folder / name, text)
        written.append(folder / name)
    return written


def _write_scripts(scripts: dict[str, str], folder: Path) -> list[Path]:
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder}: is a file; ps1 export writes one script per host into a folder")
    written = []
    for name, text in scripts.items():
        path = folder / name
        # CRLF: the Notepad of older Windows Server releases shows LF-only files as one line.
        write_text_atomic(path, _BOM + text.replace("\r\n", "\n").replace("\n", "\r\n"))
        written.append(path)
    return written
