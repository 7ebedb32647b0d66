"""PowerShell checks for generated scripts: syntax, and where plan values may appear."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

import tree_sitter

# PowerShell ends a single-quoted string at any of these, not only at U+0027;
# tree-sitter's grammar knows only the ASCII one, so the tests check the rest.
PS_QUOTES = "'\u2018\u2019\u201a\u201b"
INERT_NODES = ("comment", "verbatim_string_characters", "verbatim_here_string_characters")
"""Nodes in which text has no meaning to PowerShell."""


# tree-sitter-powershell splits a parameter name holding a digit (-IPv4Address)
# into a name and a redirection (airbus-cert/tree-sitter-powershell issue 59),
# though PowerShell reads it whole. Digits in such names are swapped for a
# letter before parsing; the length stays, so byte offsets still match.
_PARAMETER_WITH_DIGIT = re.compile(r"(?<![\w$-])-[A-Za-z][A-Za-z]*\d[A-Za-z0-9]*")


def _mask_grammar_gaps(script: str) -> bytes:
    masked = _PARAMETER_WITH_DIGIT.sub(lambda m: re.sub(r"\d", "X", m.group(0)), script)
    return masked.encode("utf-8")


def parse(parser: tree_sitter.Parser, script: str) -> tree_sitter.Tree:
    """Parse a script, working around the grammar's known gap with digits in parameter names."""
    return parser.parse(_mask_grammar_gaps(script))


def walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """Every node of a tree, depth first."""
    yield node
    for child in node.children:
        yield from walk(child)


def syntax_problems(parser: tree_sitter.Parser, script: str) -> list[str]:
    """ERROR and MISSING nodes of a script, each with its line; empty when it parses."""
    tree = parse(parser, script)
    if not tree.root_node.has_error:  # covers ERROR and MISSING nodes, without a walk in Python
        return []
    problems = []
    for node in walk(tree.root_node):
        if node.type == "ERROR" or node.is_missing:
            kind = "MISSING" if node.is_missing else "ERROR"
            line = script.encode("utf-8")[: node.start_byte].count(b"\n") + 1
            problems.append(f"{kind} {node.type} at line {line}")
    return problems


def _verbatim_sound(text: str) -> bool:
    """True when PowerShell ends this single-quoted literal exactly where tree-sitter does.

    Inside the literal, every run of quote characters must have even length:
    PowerShell reads each pair as one literal quote, and a lone one as the end.
    """
    inner = text[1:-1]
    run = 0
    for ch in inner + "x":
        if ch in PS_QUOTES:
            run += 1
            continue
        if run % 2:
            return False
        run = 0
    return True


def _here_string_sound(text: str) -> bool:
    """True when no line inside a verbatim here-string would close it early."""
    lines = text.splitlines()[1:-1]
    return not any(len(line) >= 2 and line[0] in PS_QUOTES and line[1] == "@" for line in lines)


@functools.cache
def _inert_query(language: tree_sitter.Language) -> tree_sitter.Query:
    return tree_sitter.Query(language, " ".join(f"({kind}) @inert" for kind in INERT_NODES))


def _inert_nodes(parser: tree_sitter.Parser, tree: tree_sitter.Tree) -> list[tree_sitter.Node]:
    """Comments and single-quoted strings, found by a query (a walk in Python is slow on long scripts)."""
    assert parser.language is not None
    captures = tree_sitter.QueryCursor(_inert_query(parser.language)).captures(tree.root_node)
    return sorted(captures.get("inert", []), key=lambda node: node.start_byte)


def inert_spans(parser: tree_sitter.Parser, script: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Byte spans of comments and single-quoted strings, and any literal PowerShell would end early."""
    data = script.encode("utf-8")
    tree = parse(parser, script)
    spans, unsound = [], []
    for node in _inert_nodes(parser, tree):
        spans.append((node.start_byte, node.end_byte))
        text = data[node.start_byte : node.end_byte].decode("utf-8")
        if node.type == "verbatim_string_characters" and not _verbatim_sound(text):
            unsound.append(text)
        if node.type == "verbatim_here_string_characters" and not _here_string_sound(text):
            unsound.append(text)
        if node.type == "comment" and ("\n" in text or "\r" in text) and not text.startswith("<#"):
            unsound.append(text)
    return spans, unsound


def exposed_values(parser: tree_sitter.Parser, script: str, values: Iterable[str]) -> list[str]:
    """Values that occur in the script outside comments and single-quoted strings.

    A value is looked for both as written and in its quote-doubled form.
    """
    data = script.encode("utf-8")
    spans, unsound = inert_spans(parser, script)
    exposed = [f"literal PowerShell would end early: {text!r}" for text in unsound]
    for value in values:
        forms = {value}
        doubled = value
        for quote in PS_QUOTES:
            doubled = doubled.replace(quote, quote * 2)
        forms.add(doubled)
        for form in forms:
            needle = form.encode("utf-8")
            start = data.find(needle)
            while start != -1:
                end = start + len(needle)
                if not any(low <= start and end <= high for low, high in spans):
                    line = data[:start].count(b"\n") + 1
                    exposed.append(f"{value!r} outside quotes at line {line}")
                start = data.find(needle, start + 1)
    return exposed


def _condition_text(data: bytes, clause: tree_sitter.Node) -> str:
    pipeline = next((child for child in clause.children if child.type == "pipeline"), None)
    return data[pipeline.start_byte : pipeline.end_byte].decode("utf-8").strip() if pipeline else ""


def dry_run_branch(data: bytes, node: tree_sitter.Node) -> str:
    """Which runs reach a node: ``dry`` (only with -DryRun), ``real`` (only without) or ``both``.

    Only the shape the snippets use is understood: ``if ($DryRun)`` or
    ``elseif ($DryRun)`` for the report, and the ``else`` after it for the change.
    """
    current: tree_sitter.Node | None = node
    while current is not None and current.parent is not None:
        block, owner = current, current.parent
        dry_branch = (
            owner.type in ("if_statement", "elseif_clause") and _condition_text(data, owner) == "$DryRun"
        )
        if block.type == "statement_block" and dry_branch:
            return "dry"
        if block.type == "statement_block" and owner.type == "else_clause":
            statement = owner.parent
            clauses = [statement] if statement is not None else []
            if statement is not None:
                for child in statement.children:
                    if child.type == "elseif_clauses":
                        clauses += [c for c in child.children if c.type == "elseif_clause"]
            if any(_condition_text(data, clause) == "$DryRun" for clause in clauses):
                return "real"
        current = owner
    return "both"


def method_calls(
    parser: tree_sitter.Parser, script: str, variable: str, method: str
) -> list[tuple[int, str, str]]:
    """Calls ``$variable.method(...)`` in the code (not in comments or strings).

    Returns:
        (byte offset, argument text, :func:`dry_run_branch`) for each call, in script order.
    """
    data = script.encode("utf-8")
    tree = parse(parser, script)
    calls = []
    for node in walk(tree.root_node):
        if node.type != "invokation_expression":
            continue
        names = [
            child for child in node.children if child.type in ("variable", "member_name", "argument_list")
        ]
        if len(names) != 3:
            continue
        target, member, arguments = names
        if data[target.start_byte : target.end_byte].decode() != f"${variable}":
            continue
        if data[member.start_byte : member.end_byte].decode() != method:
            continue
        text = data[arguments.start_byte + 1 : arguments.end_byte - 1].decode("utf-8")
        calls.append((node.start_byte, text, dry_run_branch(data, node)))
    return sorted(calls)
