"""Writing the documents: the runbook in Markdown and HTML, PowerShell per host, files written atomically.

The package's own ``__init__`` imports nothing, so a leaf of it (the filters, which the
step renderer uses for PowerShell quoting) can be imported without the whole runbook.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from wizard.atomicfile import RefusedFile, write_folder_atomic, write_text_atomic
from wizard.checklist.model import Checklist
from wizard.errors import StoreError
from wizard.exportnames import NAMES, default_export_path, export_format
from wizard.plan.model import Plan
from wizard.plan.tomlfile import dump_plan
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

EXPORT_FORMATS = NAMES
"""What ``write_export`` can write: the names of :data:`wizard.exportnames.FORMATS`."""
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


def render_plan(
    plan: Plan, checklist: Checklist, session: Session | None = None, *, generated_at: datetime | None = None
) -> str:
    """The plan as a TOML file."""
    return dump_plan(plan.to_data())


def render_probe_kit(
    plan: Plan, checklist: Checklist, session: Session | None = None, *, generated_at: datetime | None = None
) -> dict[str, str]:
    """The probe kit: one read-only script per Exchange server and node, by file name."""
    from wizard.probekit.kit import render_kit

    return render_kit(plan, generated_at=generated_at or utc_now())


def render_monitoring(
    plan: Plan, checklist: Checklist, session: Session | None = None, *, generated_at: datetime | None = None
) -> dict[str, str]:
    """The monitoring files (blackbox_exporter, Prometheus, Nagios), by file name."""
    from wizard.runbook.monitor import monitoring_files

    return monitoring_files(plan)


def default_output(fmt: str, plan: Plan, session: Session | None) -> Path:
    """Where an export goes when no path is given: named after the session or the mail host."""
    base = session.name if session else plan.mail_host
    return Path(default_export_path(base, fmt))


def write_export(
    fmt: str, plan: Plan, checklist: Checklist, session: Session | None, output: Path | None
) -> list[Path]:
    """Write one export format and return the files written.

    The format's row in :data:`wizard.exportnames.FORMATS` says whether it is
    one file or a folder of files, and how it is written. Without ``output``,
    a name from :func:`default_output` in the current folder is used. A file
    is written atomically; a folder's files all or none.

    Raises:
        ValueError: an unknown format.
        StoreError: the output cannot be written; nothing was.
    """
    row = export_format(fmt)
    target = output if output is not None else default_output(fmt, plan, session)
    rendered = row.render(plan, checklist, session, utc_now())
    if not row.folder:
        if target.is_dir():
            raise StoreError(f"{target}: is a folder; give a file name for the {fmt} export")
        assert isinstance(rendered, str)
        write_text_atomic(target, rendered)
        return [target]
    assert isinstance(rendered, dict)
    if target.exists() and not target.is_dir():
        raise StoreError(f"{target}: is a file; {fmt} export writes its files into a folder")
    files = {name: _encoded(text, windows=row.windows_text) for name, text in rendered.items()}
    try:
        return write_folder_atomic(target, files, private=row.private)
    except RefusedFile as exc:
        raise StoreError(f"{target}: {exc}") from None
    except OSError as exc:
        name = f" ({Path(exc.filename).name})" if exc.filename else ""
        raise StoreError(
            f"{target}: cannot write{name}: {exc.strerror or exc}; nothing was written"
        ) from None


def _encoded(text: str, *, windows: bool) -> bytes:
    if windows:
        # CRLF: the Notepad of older Windows Server releases shows LF-only files as one line.
        text = _BOM + text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text.encode("utf-8")
