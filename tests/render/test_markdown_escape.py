"""Text put into Markdown shows as written."""

from __future__ import annotations

import pytest

from revpact.render.markdown import escape_markdown


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Plain text, 25% (by June 30).", "Plain text, 25% (by June 30)."),
        ("<b>*x*</b>", "\\<b\\>\\*x\\*\\</b\\>"),
        ("a_b `c` [d](e) | f ~g~", "a\\_b \\`c\\` \\[d\\](e) \\| f \\~g\\~"),
        ("Tom &amp; Jerry & co", "Tom \\&amp; Jerry & co"),
        ("# title", "\\# title"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("> quote", "\\> quote"),
        ("=== underline", "\\=== underline"),
        ("1. first", "1\\. first"),
        ("2) second", "2\\) second"),
        ("C# and e-mail and 1.5", "C# and e-mail and 1.5"),
        ("one\n\n  two\tthree ", "one two three"),
        ("1\u00a0250\u00a0000\u00a0USD", "1\u00a0250\u00a0000\u00a0USD"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_escape_markdown(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped
