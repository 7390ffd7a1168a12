"""Dates and amounts as CRMs write them, turned into what the canonical files hold.

Timestamps become ISO 8601 text (:func:`to_iso`):

* ISO 8601 as is (``2020-03-02 10:15``, ``2020-03-02T15:15:00.000Z``), with an offset written
  ``+0000`` given its colon (``+00:00``);
* ``3/2/2020 10:15 AM`` (month first, 12- or 24-hour clock; ``day_first`` reads 3 February);
* ``02.03.2020 10:15`` (day first, 24-hour clock);
* 12- or 13-digit numbers: milliseconds since 1970 (UTC), as older HubSpot APIs write them.

A value without an offset stays wall-clock time: the canonical readers read it in the
agreement's zone. Amounts become plain decimals (:func:`plain_amount`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

__all__ = ["ValueProblem", "moment", "plain_amount", "to_iso"]


class ValueProblem(ValueError):
    """What is wrong with one value (the text follows the quoted value in a problem)."""


_ISO: Final = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:([Tt ])(\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_SLASH: Final = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*([AaPp]\.?[Mm]\.?)?)?"
)
_DOT: Final = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_EPOCH_MS: Final = re.compile(r"\d{12,13}")
_EXAMPLES: Final = "2020-03-02 10:15, 2020-03-02T15:15:00Z, 3/2/2020 10:15 AM or 02.03.2020 10:15"


def to_iso(text: str, *, day_first: bool = False) -> str:
    """``text`` (not empty) as ISO 8601 text; :class:`ValueProblem` when it is no date."""
    value = text.strip()
    if match := _ISO.fullmatch(value):
        offset = match.group(4)
        if offset and len(offset) == 5:  # +0000
            return value[: match.start(4)] + offset[:3] + ":" + offset[3:]
        if offset and len(offset) == 3:  # +00
            return value + ":00"
        return value
    if match := _SLASH.fullmatch(value):
        first, second, year, hour, minute, second_s, half = match.groups()
        month, day = (second, first) if day_first else (first, second)
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        return _wall(value, full_year, month, day, hour, minute, second_s, half, day_first)
    if match := _DOT.fullmatch(value):
        day, month, year, hour, minute, second_s = match.groups()
        return _wall(value, int(year), month, day, hour, minute, second_s, None, True)
    if _EPOCH_MS.fullmatch(value):
        at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(value))
        return at.isoformat().replace("+00:00", "Z")
    raise ValueProblem(f"is not a date or time; write it as {_EXAMPLES}")


def _wall(
    text: str,
    year: int,
    month: str,
    day: str,
    hour: str | None,
    minute: str | None,
    second: str | None,
    half: str | None,
    day_first: bool,
) -> str:
    try:
        if hour is None:
            return date(year, int(month), int(day)).isoformat()
        h = int(hour)
        if half is not None:
            if not 1 <= h <= 12:
                raise ValueError
            h = h % 12 + (12 if half[0] in "Pp" else 0)
        at = datetime(year, int(month), int(day), h, int(minute or 0), int(second or 0))
    except ValueError:
        hint = ""
        if "/" in text:
            order = "day/month/year" if day_first else "month/day/year"
            other = "false" if day_first else "true"
            hint = f" (read as {order}; set dates.day_first: {other} in a mapping file if not)"
        raise ValueProblem(f"is not a valid date or time{hint}") from None
    return at.isoformat()


def moment(iso: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 text from :func:`to_iso` as an aware moment (naive ones in ``zone``)."""
    at = datetime.fromisoformat(iso.replace(",", "."))
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)


# ---------------------------------------------------------------------------- amounts

_SYMBOLS: Final = {"€": "EUR", "£": "GBP", "¥": "JPY", "zł": "PLN", "zl": "PLN"}
_MONEY: Final = re.compile(
    r"(?P<pre>[A-Za-z]{3}|[$€£¥]|zł)?\s*(?P<minus>-)?\s*(?P<body>[0-9][0-9 '.,]*)"
    r"\s*(?P<post>[A-Za-z]{3}|[$€£¥]|zł|zl)?"
)
_GROUPED: Final = re.compile(r"[0-9]{1,3}(?:[,.' ][0-9]{3})+")
_SPACES: Final = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


def plain_amount(text: str, currency: str, decimal_separator: str | None = None) -> str:
    """A non-empty amount as a plain decimal (``12 500,00 zł`` -> ``12500.00`` for PLN).

    Accepts ``12500``, ``12,500.00``, ``12.500,00``, ``12 500,00`` and ``12'500.00``, with a
    currency code or symbol before or after. :class:`ValueProblem` for another currency, a
    negative amount, or one that reads two ways (``12,500``: twelve thousand five hundred, or
    twelve and a half?) unless ``decimal_separator`` settles it.
    """
    match = _MONEY.fullmatch(text.strip().translate(_SPACES))
    if match is None:
        raise ValueProblem(f"is not an amount; write e.g. 12500, 12,500.00 or 12 500,00 {currency}")
    for mark in (match["pre"], match["post"]):
        if mark and not _same_currency(mark, currency):
            raise ValueProblem(f"is not in {currency}, the agreement's currency")
    if match["minus"]:
        raise ValueProblem("is negative; an amount is 0 or more")
    body = match["body"].rstrip(" ")
    seps = [ch for ch in body if ch in ".,"]
    kinds = set(seps)
    if not seps:
        decimal = ""
    elif len(kinds) == 2:
        decimal = body[max(body.rfind("."), body.rfind(","))]
    elif len(seps) > 1:
        decimal = ""  # 1,234,567: grouping only
    else:
        sep = seps[0]
        whole, _, fraction = body.partition(sep)
        if decimal_separator is not None:
            decimal = sep if sep == decimal_separator else ""
        elif len(fraction) != 3 or not _may_group(whole):
            decimal = sep
        else:
            raise ValueProblem(
                f"is ambiguous: is {sep} a decimal point or a thousands separator? Write it with "
                "its decimals (12,500.00) or set amounts.decimal_separator in a mapping file"
            )
    whole, _, fraction = body.rpartition(decimal) if decimal else (body, "", "")
    if decimal and not fraction.isdigit():
        raise ValueProblem(f"is not an amount; write e.g. 12500, 12,500.00 or 12 500,00 {currency}")
    grouping = whole.strip()
    if not grouping.isdigit() and not _GROUPED.fullmatch(grouping):
        raise ValueProblem(f"is not an amount; its digit groups are not of three ({grouping})")
    digits = "".join(ch for ch in grouping if ch.isdigit())
    return f"{digits}.{fraction}" if decimal else digits


def _may_group(whole: str) -> bool:
    """Whether the digits before a lone separator can be a first thousands group (1-999)."""
    digits = whole.replace(" ", "").replace("'", "")
    return len(digits) <= 3 and digits.lstrip("0") != ""


def _same_currency(mark: str, currency: str) -> bool:
    if mark == "$":
        return currency.endswith("D")  # USD, CAD, AUD, ...: a dollar
    if mark in _SYMBOLS or mark.casefold() in _SYMBOLS:
        return _SYMBOLS.get(mark, _SYMBOLS.get(mark.casefold())) == currency
    return mark.upper() == currency
