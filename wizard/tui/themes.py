"""The wizard's two themes, dark and light, and remembering the one chosen.

Textual's own themes colour text with the same green, amber and red as the
buttons; on the light background that left PASS and WARN at under 2:1. These
themes keep Textual's colours and give text its own darker (light theme) or
lighter (dark theme) shades, so every text and mark meets WCAG AA (4.5:1) on
the backgrounds it is drawn on. The stylesheet colours text with the
``$text-*`` variables and marks likewise; a test computes the ratios.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.theme import Theme

if TYPE_CHECKING:
    from textual.app import App

DARK = Theme(
    name="spmail-dark",
    primary="#0178D4",
    secondary="#004578",
    accent="#ffa62b",
    warning="#ffa62b",
    error="#ba3c5b",
    success="#4EBF71",
    foreground="#e0e0e0",
    dark=True,
    variables={
        "text-success": "#8AD4A1",
        "text-warning": "#FFC473",
        "text-error": "#F08FA6",
        "text-accent": "#FFC473",
    },
)
LIGHT = Theme(
    name="spmail-light",
    primary="#004578",
    secondary="#0178D4",
    accent="#ffa62b",
    warning="#ffa62b",
    error="#ba3c5b",
    success="#4EBF71",
    surface="#D8D8D8",
    panel="#D0D0D0",
    background="#E0E0E0",
    dark=False,
    variables={
        "text-success": "#185C2D",
        "text-warning": "#6E4300",
        "text-error": "#9B1C3A",
        "text-accent": "#7A3800",
        "footer-key-foreground": "#004578",
    },
)
THEMES = (DARK, LIGHT)
DEFAULT = DARK.name


def install_themes(app: App[Any], home: Path | None) -> None:
    """Offer the wizard's themes and start with the one chosen last; call before the app runs.

    Setting ``app.theme`` runs Textual's watcher, which reparses the whole stylesheet: from
    ``on_mount`` (as Textual's examples do) that made the first screen a third slower, and even
    from here it queues the reparse for the first message. A theme as dark as the default one maps
    ANSI colours the same way, so it only needs its variables and classes, set here before the
    stylesheet's first parse; the other kind goes through the watcher and pays the reparse.
    """
    from textual.app import App as TextualApp

    from wizard.settings import saved_theme

    for theme in THEMES:
        app.register_theme(theme)
    name = saved_theme(home)
    chosen = app.available_themes.get(name or DEFAULT) or app.available_themes[DEFAULT]
    if chosen.dark != app.current_theme.dark:
        app.theme = chosen.name
        return
    old = app.current_theme.name
    app.set_reactive(TextualApp.theme, chosen.name)
    app.set_class(False, f"-theme-{old}", update=False)
    app.set_class(True, f"-theme-{chosen.name}", update=False)
    app.stylesheet.set_variables(app.get_css_variables())


def remember_theme(app: App[Any], home: Path | None) -> None:
    """Save each theme the operator picks from now on; call once the app is mounted."""
    from wizard.settings import save_theme

    def remember(theme: Theme) -> None:
        save_theme(theme.name, home)

    app.theme_changed_signal.subscribe(app, remember)
