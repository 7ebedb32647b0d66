"""Live checks: the registry of check types and :func:`run_checks`, which runs a sweep of them at once.

The names here are loaded on first use, so that :mod:`wizard.checks.dialogue`
(the written SMTP dialogue, plain data) can be imported without the network
code of the checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.checks.runner import CHECKS, CheckType, run_checks

__all__ = ["CHECKS", "CheckType", "run_checks"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from wizard.checks import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
