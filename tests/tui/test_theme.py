"""Both themes meet WCAG AA for text and marks, computed from the stylesheet; the theme chosen is kept for the next start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.app import App
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.widgets import Static

import wizard.tui
from tests.tui.helpers import settle
from tests.tui.sample import sample_app, sample_session
from wizard.checklist.model import Checklist
from wizard.proof import Verdict
from wizard.session import StepStatus
from wizard.settings import settings_path
from wizard.tui.app import WizardApp
from wizard.tui.themes import DARK, LIGHT, THEMES
from wizard.tui.widgets.sidebar import StepEntry

AA = 4.5
STYLESHEET = Path(wizard.tui.__file__).parent / "wizard.tcss"
TEXT_BACKGROUNDS = ("background", "surface", "panel")
"""What text without a background of its own may sit on: the screen, a dialog, a panel."""


def _luminance(colour: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(one: Color, other: Color) -> float:
    """The WCAG contrast ratio of two opaque colours."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _variables(theme: str) -> dict[str, str]:
    # As Textual resolves them for a running app: the theme's colour system, then its own variables.
    app: App[None] = App()
    for each in THEMES:
        app.register_theme(each)
    app.theme = theme
    return app.get_css_variables()


def _variable_colour(value: str, background: Color) -> Color:
    """A theme variable's colour on a background; ``auto 60%`` is black or white at that opacity."""
    if value.startswith("auto"):
        percent = value.removeprefix("auto").strip().removesuffix("%") or "100"
        return background.get_contrast_text(float(percent) / 100)
    return Color.parse(value)


def _low_contrast(theme: str) -> list[str]:
    variables = _variables(theme)
    sheet = Stylesheet(variables=variables)
    sheet.add_source(STYLESHEET.read_text(encoding="utf-8"), read_from=(str(STYLESHEET), ""))
    sheet.parse()
    bases = {name: Color.parse(variables[name]) for name in TEXT_BACKGROUNDS}
    low = []
    for rule in sheet.rules:
        styles = rule.styles
        for key in ("color", "border_title_color"):
            if not styles.has_rule(key):
                continue
            declared = styles.get_rule(key, None)
            own = styles.get_rule("background", None)
            assert isinstance(declared, Color)
            for name, base in bases.items():
                background = base + own if isinstance(own, Color) else base
                colour = declared
                if key == "color" and styles.get_rule("auto_color", None):
                    # "auto": black or white, whichever stands out on the background (as Textual draws it).
                    colour = background.get_contrast_text(declared.a)
                ratio = contrast(background + colour, background)
                if ratio < AA:
                    low.append(f"{rule.selectors} {key} on {name}: {ratio:.2f}")
    # The marks beside the steps, each in its theme colour, on the screen's background.
    marks = {
        StepEntry("s", 1, "t", status, verdict).mark for status in StepStatus for verdict in (*Verdict, None)
    }
    for glyph, variable in marks:
        value = variables[variable.removeprefix("$")]
        for name, base in bases.items():
            colour = _variable_colour(value, base)
            ratio = contrast(base + colour, base)
            if ratio < AA:
                low.append(f"mark {glyph} ({variable}) on {name}: {ratio:.2f}")
    return low


@pytest.mark.parametrize("theme", [DARK.name, LIGHT.name])
def test_text_and_marks_meet_wcag_aa(theme: str) -> None:
    assert _low_contrast(theme) == []


def test_pass_and_warn_text_in_the_light_theme_reach_4_5() -> None:
    variables = _variables(LIGHT.name)
    background = Color.parse(variables["background"])
    for name in ("text-success", "text-warning", "text-error"):
        assert contrast(Color.parse(variables[name]), background) >= AA, name


async def test_the_theme_chosen_is_restored_on_the_next_start(
    checklist: Checklist, wizard_home: Path
) -> None:
    first = sample_app(checklist, sample_session("relay"))
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert first.theme == DARK.name, "the wizard's dark theme unless one was chosen"
        # Through the palette, as an operator would: Theme, then the light one.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme", "enter")
        await pilot.pause()
        await pilot.press(*LIGHT.name, "enter")
        await settle(pilot)
        assert first.theme == LIGHT.name
        await pilot.press("ctrl+q")
    # Kept with the wizard's settings, not in the session (a session file carries a farm, and may be shared).
    assert json.loads(settings_path().read_text(encoding="utf-8")) == {"theme": LIGHT.name}
    assert "theme" not in (wizard_home / "sessions" / "foo-farm.json").read_text(encoding="utf-8")

    again = WizardApp(checklist)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.theme == LIGHT.name
        await pilot.press("ctrl+q")


def test_a_damaged_settings_file_is_ignored_and_left_as_it_is(
    checklist: Checklist, wizard_home: Path
) -> None:
    from wizard.settings import saved_theme

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"{\x00 not json")
    assert saved_theme() is None
    assert path.read_bytes() == b"{\x00 not json"


@pytest.mark.parametrize("saved", [None, DARK.name, LIGHT.name])
async def test_the_first_screen_is_drawn_in_the_theme_it_starts_with(
    checklist: Checklist, wizard_home: Path, saved: str | None
) -> None:
    # The theme is chosen before the stylesheet's first parse (a reparse after mounting cost the
    # first screen a third of its time): its own text colours must still be the ones in force.
    if saved:
        settings_path().parent.mkdir(parents=True, exist_ok=True)
        settings_path().write_text(json.dumps({"theme": saved}), encoding="utf-8")
    theme = LIGHT if saved == LIGHT.name else DARK
    app = WizardApp(checklist)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == theme.name
        # A failure's reason: the red that Textual's own dark theme draws at under 4.5:1.
        reason = Static("refused", classes="reason")
        await app.screen.mount(reason)
        await settle(pilot)
        assert reason.styles.color.hex == theme.variables["text-error"].upper()
        await pilot.press("ctrl+q")
