"""Fixtures for the probe kit tests: a PowerShell parser."""

from __future__ import annotations

import pytest
import tree_sitter
import tree_sitter_powershell


@pytest.fixture(scope="session")
def ps_parser() -> tree_sitter.Parser:
    """A tree-sitter parser for PowerShell."""
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
