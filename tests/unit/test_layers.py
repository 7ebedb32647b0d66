"""The layers, read from every module's imports: the domain knows no front end, neither front end the other.

Every module under ``wizard/`` is parsed (no list to keep up to date), and
every import counts: at the top, inside a function, or for type checking
only. The launchers (the command line's hand-over in ``wizard.cli.shared``,
``python -m wizard`` and the rehearsal) are the only modules that may pick a
front end; the rest of the command line (its commands, the check report) is
held to the domain's rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent.parent / "wizard"

TUI = ("wizard.tui",)
PLAIN = ("wizard.plain",)
LAUNCHERS = frozenset({"wizard.cli.shared", "wizard.__main__", "wizard.rehearse"})
"""The modules that open a front end: the command line's hand-over, and the rehearsal's."""
LIBRARIES: dict[str, tuple[str, ...]] = {
    # library: the only packages that may import it
    "textual": TUI,
    "rich": TUI,
    "questionary": PLAIN,
    "prompt_toolkit": PLAIN,
    "dns": ("wizard.checks", "wizard.farm"),
    "textual_serve": ("wizard.serve",),
}


def within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(source: str, package: str) -> set[str]:
    """Every module ``source`` imports, anywhere in it; ``from a import b`` counts as ``a`` and ``a.b``.

    ``package`` is the package the source is in, which relative imports start from.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def breaches(module: str, imported: set[str]) -> list[str]:
    """What ``module`` imports that its layer may not."""
    wrong = []
    for name in sorted(imported):
        if module not in LAUNCHERS:
            if within(name, TUI) and not within(module, TUI):
                wrong.append(f"{module} imports {name}: only the full-screen front end may")
            if within(name, PLAIN) and not within(module, PLAIN):
                wrong.append(f"{module} imports {name}: only the plain front end may")
        top = name.split(".")[0]
        allowed = LIBRARIES.get(top)
        if allowed is not None and not within(module, allowed):
            wrong.append(f"{module} imports {name}: {top} belongs to {', '.join(allowed)}")
    return wrong


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_walked() -> None:
    names = {module_name(path) for path in MODULES}
    assert {
        "wizard.cli",
        "wizard.cli.report",
        "wizard.plan.questions",
        "wizard.checklist.loader",
        "wizard.plain.flow",
        "wizard.plaintext",
        "wizard.runbook.scripts",
        "wizard.tui.app",
    } <= names
    assert len(names) == len(MODULES) > 90


@pytest.mark.parametrize("path", MODULES, ids=[module_name(path) for path in MODULES])
def test_module_keeps_to_its_layer(path: Path) -> None:
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    assert breaches(module, imports(path.read_text(encoding="utf-8"), package)) == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("wizard.runbook.scripts", "from wizard.plain.plaintext import plain_text\n"),
        ("wizard.tui.app", "def f():\n    from wizard.plain import launch\n"),
        (
            "wizard.plain.flow",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import wizard.tui.app\n",
        ),
        ("wizard.session", "import textual.app\n"),
        ("wizard.runbook.view", "from rich.markdown import Markdown\n"),
        ("wizard.jobs", "import questionary\n"),
        ("wizard.runbook.view", "from ..tui import app\n"),
        ("wizard.plan.model", "import dns.resolver\n"),
        ("wizard.plan.questions", "import wizard.tui.widgets.form_field\n"),
        ("wizard.plan.asking", "import questionary\n"),
        ("wizard.checklist.loader", "from wizard.plain import flow\n"),
        ("wizard.checklist.vantages", "import dns.name\n"),
        ("wizard.cli.report", "def f():\n    from wizard.tui import running\n"),
        ("wizard.cli.check", "import rich.console\n"),
    ],
)
def test_the_rule_finds_a_planted_breach(module: str, source: str) -> None:
    assert breaches(module, imports(source, module.rpartition(".")[0]))


def test_the_launchers_and_the_front_ends_own_packages_are_allowed() -> None:
    assert breaches("wizard.cli.shared", {"wizard.tui.running", "wizard.plain.launch"}) == []
    assert breaches("wizard.tui.app", {"wizard.tui.screens.step", "textual.app", "wizard.plaintext"}) == []
    assert breaches("wizard.plain.flow", {"wizard.plain.asker", "wizard.session"}) == []
