"""The README's figure tables are written only from a benchmark run, and ratios hold a target."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.__main__ import BLOCKS
from benchmarks.common import README, Report, ratio, write_blocks


def test_the_readme_has_a_block_for_every_benchmark_and_none_that_no_benchmark_writes() -> None:
    text = README.read_text(encoding="utf-8")
    written = {block for blocks in BLOCKS.values() for block in blocks}
    for name in written:
        assert text.count(f"<!-- figures:{name} -->") == 1, name
        assert text.count(f"<!-- /figures:{name} -->") == 1, name
    assert set(re.findall(r"<!-- figures:(\S+) -->", text)) == written


def test_a_run_replaces_only_the_text_between_its_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "intro\n<!-- figures:sweep -->\n| 1 | 50 ms |\n<!-- /figures:sweep -->\nkept prose\n",
        encoding="utf-8",
    )
    assert write_blocks([Report("sweep", block="| 1 | 12 ms |")], readme) == ["sweep"]
    assert readme.read_text(encoding="utf-8") == (
        "intro\n<!-- figures:sweep -->\n| 1 | 12 ms |\n<!-- /figures:sweep -->\nkept prose\n"
    )


def test_a_missing_block_is_refused_and_the_readme_left_alone(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("no markers here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no <!-- figures:tui -->"):
        write_blocks([Report("tui", block="x")], readme)
    assert readme.read_text(encoding="utf-8") == "no markers here\n"


def test_a_ratio_over_a_few_milliseconds_is_refused() -> None:
    assert ratio(0.3, 0.2) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="cannot hold a target"):
        ratio(0.05, 0.023)


def test_a_key_the_wizard_drops_after_the_paint_is_said_at_once_not_waited_out() -> None:
    from benchmarks import tui
    from wizard.tui.screens import shown as guard

    wanted = tui._title(3, 12)
    assert not wanted("Step 2 of 12 · DNS")
    assert wanted("Step 3 of 12 · NLB")
    with pytest.raises(tui.KeyDropped):
        wanted("Step 2 of 12 · DNS\nNext not applied: it was pressed before 'NLB' was on screen.")
    # The benchmark reads the wizard's own notice: the words it looks for are the wizard's.
    assert tui.DROPPED in Path(guard.__file__).read_text(encoding="utf-8")
