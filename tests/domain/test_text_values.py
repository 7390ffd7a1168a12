"""The text rule: no NUL, no lone surrogate, a length per kind; bad values shown short and
escaped."""

from __future__ import annotations

from revpact.domain.text_values import MAX_ID, escaped, shown, text_problem


def test_the_text_rule() -> None:
    assert text_problem("Ana Kowalska", MAX_ID) is None
    assert text_problem("é" * MAX_ID, MAX_ID) is None
    assert text_problem("a\x00b", MAX_ID) == "contains a NUL character (at position 2); remove it"
    assert text_problem("x" * (MAX_ID + 1), MAX_ID) == f"has {MAX_ID + 1} characters; at most 256"
    assert text_problem("ok\ud800", MAX_ID) == (
        "contains a lone surrogate (at position 3), which is not text"
    )


def test_a_bad_value_is_shown_short_and_as_valid_utf8() -> None:
    assert shown("a\x00b") == '"a\\u0000b"'
    assert shown("\ud800") == '"\\ud800"'
    assert shown("x" * 1_000_000) == '"' + "x" * 56 + "..."
    assert escaped("a\udfffb") == "a\\udfffb"
    shown({"k": "\ud800"}).encode("utf-8")
