"""Guidance read aloud: Markdown marks are dropped, every word and path is kept."""

from __future__ import annotations

from wizard.plaintext import plain_text


def test_marks_go_words_stay() -> None:
    text = "- **Connection refused:** check *Simple Mail Transfer Protocol (SMTP)* in `services.msc`."
    assert (
        plain_text(text)
        == "- Connection refused: check Simple Mail Transfer Protocol (SMTP) in services.msc."
    )


def test_paths_products_and_links_survive() -> None:
    assert (
        plain_text(r"`\\wfe1\c$\Inetpub\mailroot\Drop` and 2*3*4")
        == r"\\wfe1\c$\Inetpub\mailroot\Drop and 2*3*4"
    )
    assert plain_text("[the guide](https://example.com/x)") == "the guide (https://example.com/x)"
