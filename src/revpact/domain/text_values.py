"""The one rule for text values revpact stores, and the one way it shows a bad value back.

Every text that arrives — a CSV cell, a webhook field, an API body — is held to the same
rule before anything is stored:

* no NUL character (PostgreSQL cannot store one in text) and no lone surrogate (``\\ud800``
  is not a character; it cannot be written as UTF-8);
* at most as many characters as its kind allows:

  ========  =====================  ==================================================
  kind      at most (characters)   for
  ========  =====================  ==================================================
  id        :data:`MAX_ID` (256)   lead, deal and event ids — each one index entry
  key       :data:`MAX_KEY` (512)  a webhook event's identity (HubSpot's is composed)
  name      :data:`MAX_NAME` (320) owners, stages, lead types, e-mails, column names
  value     :data:`MAX_VALUE`      a lead's or deal's attribute (an extra CSV column)
  text      :data:`MAX_TEXT`       free text: feedback, reasons, decisions
  ========  =====================  ==================================================

An id of 256 characters is at most 1 KiB of UTF-8, a name of 320 at most 1.25 KiB and a key
of 512 at most 2 KiB, so each fits in a PostgreSQL index entry (about 2.7 KiB) whatever the
characters.

:func:`shown` is how a bad value is quoted in an error: JSON-quoted, control characters and
lone surrogates escaped, cut at 60 characters — so an error message is always valid UTF-8
and short, whatever was sent.
"""

from __future__ import annotations

import json
from typing import Final

__all__ = [
    "MAX_ID",
    "MAX_KEY",
    "MAX_NAME",
    "MAX_TEXT",
    "MAX_VALUE",
    "escaped",
    "shown",
    "text_problem",
]

MAX_ID: Final = 256
"""The longest id (a lead, deal or event id), in characters."""
MAX_KEY: Final = 512
"""The longest identity of a webhook event (the sender's id, or HubSpot's composed one)."""
MAX_NAME: Final = 320
"""The longest name (an owner, a stage, a lead type, an e-mail), in characters."""
MAX_VALUE: Final = 2_000
"""The longest attribute value (an extra column of a data file), in characters."""
MAX_TEXT: Final = 10_000
"""The longest free text (feedback, a reason, a decision), in characters."""

_SHOWN: Final = 60


def text_problem(value: str, limit: int) -> str | None:
    """What is wrong with ``value`` as a text of at most ``limit`` characters (None: nothing).

    The answer reads after the field's name: ``owner: contains a NUL character ...``."""
    if "\x00" in value:
        return f"contains a NUL character (at position {value.index(chr(0)) + 1}); remove it"
    if len(value) > limit:
        return f"has {len(value)} characters; at most {limit}"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"contains a lone surrogate (at position {exc.start + 1}), which is not text"
    return None


def shown(value: object) -> str:
    """``value`` quoted for an error message: JSON, cut at 60 characters, with control
    characters and lone surrogates escaped (``"a\\u0000b"``, ``"\\ud800"``)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 3] + "..."
    return escaped(text)


def escaped(text: str) -> str:
    """``text`` with each lone surrogate written as its escape (``\\ud800``): valid UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
