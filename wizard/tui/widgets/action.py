"""The wizard's button: Textual's Button, drawn by the wizard's own stylesheet.

Button's built-in stylesheet has some sixty rules (three looks, every variant,
ANSI colour fallbacks); parsing it and matching against it was a visible part of
the time to the first screen. The wizard uses one look, compact, so it keeps
Button's behaviour (keys, clicks, focus, variants as classes) and styles it in
``wizard.tcss`` under ``Action``.
"""

from __future__ import annotations

from textual.widgets import Button


class Action(Button, inherit_css=False):
    """A compact button (``variant`` becomes the class ``-primary``, ``-success``, ...)."""
