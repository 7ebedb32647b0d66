"""Every module is imported: none outside the full-screen front end loads Textual, only the checks and the farm load the DNS library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent.parent / "wizard"


def every_module(outside: tuple[str, ...]) -> list[str]:
    """Every module of the package, read from the files (no list to keep), but those in ``outside``."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue  # running it starts the program
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if not any(name == package or name.startswith(f"{package}.") for package in outside):
            names.append(name)
    return names


def loaded_by(modules: list[str], candidates: tuple[str, ...]) -> dict[str, list[str]]:
    """Which of ``modules``, imported one after another in one interpreter, loaded which candidate."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        f"    found = [m for m in {candidates!r} if m in sys.modules and m not in before]\n"
        "    if found:\n"
        "        print(name, ','.join(found))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {line.split()[0]: line.split()[1].split(",") for line in result.stdout.splitlines()}


def test_only_the_full_screen_front_end_loads_textual() -> None:
    modules = every_module(("wizard.tui",))
    assert len(modules) > 100
    assert loaded_by(modules, ("textual", "rich")) == {}


def test_only_the_checks_and_the_farm_load_network_libraries() -> None:
    # The rehearsal runs the practice farm, so its modules load what the farm does.
    modules = every_module(
        ("wizard.checks", "wizard.farm", "wizard.rehearse", "wizard.plain.rehearsal", "wizard.tui.rehearsal")
    )
    assert "wizard.plan.model" in modules and "wizard.cli" in modules
    assert loaded_by(modules, ("dns", "smtplib", "questionary")) == {}


def test_a_module_that_loads_a_library_is_named() -> None:
    assert loaded_by(["wizard.errors", "wizard.checks.dnscheck"], ("dns",)) == {
        "wizard.checks.dnscheck": ["dns"]
    }


def loaded_after_import(module: str, candidates: tuple[str, ...]) -> list[str]:
    code = f"import sys, {module}; print(','.join(m for m in {candidates!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [name for name in result.stdout.strip().split(",") if name]


HEAVY = ("jinja2", "textual", "dns", "rich", "questionary")
NOT_FOR_CHECK = ("wizard.exportnames", "wizard.checklist.platforms", "wizard.farm.states")
"""Modules a headless `check` (of a plan naming no Windows release) and `--version` never need:
the export formats, the platform table, the practice farm's states (only `rehearse`'s help)."""


def test_version_loads_no_heavy_library() -> None:
    """`--version` answers from the command line module alone, so it stays instant."""
    code = (
        "import sys\n"
        "from wizard.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(','.join(m for m in {HEAVY + NOT_FOR_CHECK!r} if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("spmail-wizard ")
    assert result.stderr.strip() == ""


def test_headless_smtp_check_loads_no_template_or_dns_library(tmp_path: Path) -> None:
    """`check` of the SMTP steps renders no page and asks no DNS server: jinja2 and dnspython stay out."""
    plan = tmp_path / "farm.toml"
    plan.write_text(
        'schema = 1\nmode = "single"\nmail_host = "mossmail.foo.local"\nexchange_servers = ["127.0.0.20"]\n'
        'sharepoint_version = "2016"\nexchange_version = "2016"\nsmtp_port = 9\n'
        '[[nodes]]\nname = "wfe1.foo.local"\naddress = "127.0.0.1"\n'
    )
    code = (
        "import sys\n"
        "from wizard.cli import main\n"
        f"code = main(['check', {str(plan)!r}, '--step', 'relay', '--step', 'alias', '--json', '--timeout', '5'])\n"
        f"print(code, ','.join(m for m in {HEAVY + NOT_FOR_CHECK!r} if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert '"check": "relay-refused"' in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "1"


def test_start_screen_path_loads_no_domain_library() -> None:
    """The full-screen wizard's modules paint the start screen before jinja2 or the checklist load."""
    loaded = loaded_after_import(
        "wizard.cli, wizard.tui.app", ("jinja2", "wizard.checklist.loader", "wizard.store", "dns")
    )
    assert loaded == []
