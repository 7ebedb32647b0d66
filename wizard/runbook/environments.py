"""The jinja2 environments of the runbook: one per output kind, all with the same filters."""

from __future__ import annotations

from functools import cache

import jinja2

from wizard.runbook.filters import FILTERS, html_value

KINDS = ("md", "html", "ps1")
"""Output kinds; only HTML escapes values itself, the others use explicit filters."""


@cache
def environment(kind: str) -> jinja2.Environment:
    """The environment for one output kind, built once.

    Raises:
        ValueError: an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"no runbook environment for {kind!r}")
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("wizard", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=kind == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=html_value if kind == "html" else None,
    )
    env.filters.update(FILTERS)
    return env


def render(kind: str, template: str, **context: object) -> str:
    """Render one template of an output kind."""
    return environment(kind).get_template(template).render(**context)
