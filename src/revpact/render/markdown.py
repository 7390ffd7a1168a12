"""Text made safe to put in Markdown: it shows as written and never turns into markup.

Characters CommonMark (and GitHub's tables and strikethrough) read as markup anywhere in a
line are backslash-escaped — ``\\ ` * _ [ ] < > | ~`` — so emphasis, links, code, raw HTML
and table cells cannot be opened by a user's text; ``&`` is escaped where it would start an
entity. What only means something at the start of a line (``#``, ``-``, ``+``, ``=``, ``>``,
``1.``) is escaped there. Runs of spaces, tabs and newlines become one space: a user's text is
one paragraph, and a table cell cannot hold a line break. No-break spaces are kept.
"""

from __future__ import annotations

import re

__all__ = ["escape_markdown"]

_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LEADING = re.compile(r"^([#\-+=>])")
_ORDERED = re.compile(r"^(\d+)([.)])")


def escape_markdown(text: str) -> str:
    """``text`` for Markdown: ``"<b>*x*</b>"`` → ``"\\<b\\>\\*x\\*\\</b\\>"``."""
    flat = _WHITESPACE.sub(" ", text).strip()
    escaped = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", flat))
    escaped = _ORDERED.sub(r"\1\\\2", escaped)
    return _LEADING.sub(r"\\\1", escaped)
