"""Durations as people write them in the agreement file: ``45s``, ``30m``, ``1h``, ``1h30m``.

A duration is an integer number of seconds everywhere inside revpact; these two functions are
the only place that knows the written form. Units are ``h``, ``m`` and ``s``, largest first,
each at most once (``90m`` and ``1h30m`` are both fine). There are no days: write ``24h``.
"""

from __future__ import annotations

import re

__all__ = ["format_duration", "parse_duration"]

_WRITTEN = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_HINT = "write 60m or 1h"


def parse_duration(value: str | int) -> int:
    """Seconds in ``value``: a written duration such as ``"1h30m"``, or an int of seconds.

    Raises ``ValueError`` with a message a user can act on, e.g.
    ``"1 hour" is not a duration; write 60m or 1h``.
    """
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a duration; {_HINT}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is not a duration; {_HINT}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a duration; {_HINT}")
    compact = re.sub(r"(?<=[hms])\s+(?=\d)", "", value.strip())
    match = _WRITTEN.fullmatch(compact)
    if not compact or match is None:
        raise ValueError(f'"{value}" is not a duration; {_HINT}')
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def format_duration(seconds: int) -> str:
    """The shortest written form: ``3600 -> "1h"``, ``5400 -> "1h30m"``, ``0 -> "0s"``."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise ValueError(f"{seconds!r} is not a number of seconds")
    if seconds == 0:
        return "0s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(
        f"{amount}{unit}" for amount, unit in ((hours, "h"), (minutes, "m"), (secs, "s")) if amount
    )
