"""Numbers, money, dates, times and durations as a language writes them (Babel / CLDR).

Every function takes ``lang``: ``"en"`` (American English) or ``"pl"`` (Polish), or any locale
identifier Babel knows (``"en_GB"``). The agreement document uses them, and so can anything
else that shows figures to people (a dashboard, an e-mail).

The choices, so that every output of revpact looks the same:

* money: whole amounts without decimals, others with the currency's two digits (or more when
  the amount has more): ``$1,250,000`` and ``$99.50`` in English; ``1 250 000 USD`` and
  ``99,50 USD`` in Polish, where the ISO code always follows the amount (``PLN``, not ``zł``).
  An English amount in a currency without its own sign reads ``PLN 5,000``.
* Babel's separators are kept: Polish groups digits with U+00A0 (no-break space) and English
  times put U+202F (narrow no-break space) before AM/PM, so a figure never breaks across lines.
  Compare with :func:`plain` when ordinary spaces are wanted.
* dates are CLDR's long form (``June 30, 2020`` / ``30 czerwca 2020``), months the stand-alone
  month and year (``June 2020`` / ``czerwiec 2020``).
* a moment is shown in a named IANA zone with the zone's abbreviation when the language has one
  (``EST``), else its offset (``GMT-05:00``).
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units

__all__ = [
    "LOCALES",
    "country_name",
    "format_date",
    "format_days",
    "format_duration",
    "format_moment",
    "format_money",
    "format_month",
    "format_number",
    "format_percent",
    "format_time",
    "locale_of",
    "plain",
    "weekday_name",
]

LOCALES: dict[str, str] = {"en": "en_US", "pl": "pl_PL"}
"""The locale each language of revpact's documents is written in."""

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


@functools.cache
def locale_of(lang: str) -> Locale:
    """The Babel locale of ``lang`` (``"pl"`` → ``pl_PL``); raises ``ValueError`` when Babel
    does not know it."""
    try:
        return Locale.parse(LOCALES.get(lang, lang))
    except (ValueError, TypeError) as exc:
        raise ValueError(f'"{lang}" is not a language revpact can format for') from exc


def plain(text: str) -> str:
    """``text`` with Babel's no-break and narrow spaces turned into ordinary spaces."""
    return text.translate(_SPACES)


def _decimals(value: Decimal, at_least: int) -> int:
    """Digits after the point: none for a whole value, else ``at_least`` or as many as it has."""
    value = value.normalize()
    if value == value.to_integral_value():
        return 0
    exponent = value.as_tuple().exponent
    return max(at_least, -exponent if isinstance(exponent, int) else 0)


def _money_pattern(lang: str, currency: str, decimals: int) -> str:
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    locale = locale_of(lang)
    if locale.language == "pl":
        return f"{digits}\u00a0¤¤"
    if locale.language == "en":
        symbol = babel_numbers.get_currency_symbol(currency, locale=locale)
        return f"¤¤\u00a0{digits}" if symbol.isalpha() else f"¤{digits}"
    standard = str(locale.currency_formats["standard"].pattern).split(";")[0]
    return standard.replace("#,##0.00", digits)


def format_money(amount: Decimal | int, currency: str, lang: str) -> str:
    """``1250000, "USD"`` → ``$1,250,000`` (en), ``1 250 000 USD`` (pl)."""
    value = Decimal(amount)
    digits = babel_numbers.get_currency_precision(currency)
    pattern = _money_pattern(lang, currency, _decimals(value, digits))
    return babel_numbers.format_currency(
        value, currency, format=pattern, locale=locale_of(lang), currency_digits=False
    )


def format_number(value: Decimal | int, lang: str) -> str:
    """A count or amount without a unit, grouped: ``550000`` → ``550,000`` / ``550 000``."""
    return babel_numbers.format_decimal(
        Decimal(value), locale=locale_of(lang), decimal_quantization=False
    )


def format_percent(fraction: Decimal | float, lang: str) -> str:
    """A fraction as a percentage, every digit kept: ``0.35`` → ``35%``, ``0.335`` → ``33.5%``
    (``33,5%`` in Polish)."""
    return babel_numbers.format_percent(
        Decimal(str(fraction)), locale=locale_of(lang), decimal_quantization=False
    )


def format_date(day: date, lang: str) -> str:
    """``June 30, 2020`` / ``30 czerwca 2020``."""
    return babel_dates.format_date(day, format="long", locale=locale_of(lang))


def format_month(day: date, lang: str) -> str:
    """The month ``day`` falls in: ``June 2020`` / ``czerwiec 2020``."""
    return babel_dates.format_date(day, format="LLLL y", locale=locale_of(lang))


def format_time(moment: time, lang: str) -> str:
    """A wall-clock time: ``9:30 AM`` / ``09:30``."""
    return babel_dates.format_time(moment, format="short", locale=locale_of(lang))


def _zone_label(local: datetime, lang: str) -> str:
    short = babel_dates.format_datetime(local, "z", locale=locale_of(lang))
    if short.isalpha():
        return short
    return babel_dates.format_datetime(local, "OOOO", locale=locale_of(lang))


def format_moment(moment: datetime, zone: str, lang: str) -> str:
    """An aware moment as a wall clock in ``zone`` shows it, with the zone:
    ``March 3, 2020, 10:15 AM EST`` / ``3 marca 2020, 10:15 GMT-05:00``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no UTC offset; pass an aware datetime")
    local = moment.astimezone(ZoneInfo(zone))
    wall = local.replace(tzinfo=None)
    day = babel_dates.format_date(wall.date(), format="long", locale=locale_of(lang))
    clock = babel_dates.format_time(wall.time(), format="short", locale=locale_of(lang))
    return f"{day}, {clock} {_zone_label(local, lang)}"


_UNITS = (("hour", 3600), ("minute", 60), ("second", 1))


def format_duration(seconds: int, lang: str) -> str:
    """Seconds in words, largest unit first: ``3600`` → ``1 hour`` / ``1 godzina``;
    ``5400`` → ``1 hour 30 minutes`` / ``1 godzina 30 minut``; ``0`` → ``0 minutes``."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise ValueError(f"{seconds!r} is not a number of seconds")
    locale = locale_of(lang)
    parts: list[str] = []
    rest = seconds
    for unit, size in _UNITS:
        amount, rest = divmod(rest, size)
        if amount:
            parts.append(babel_units.format_unit(amount, f"duration-{unit}", locale=locale))
    if not parts:
        return babel_units.format_unit(0, "duration-minute", locale=locale)
    return " ".join(parts)


def format_days(days: int, lang: str) -> str:
    """``45`` → ``45 days`` / ``45 dni``; ``1`` → ``1 day`` / ``1 dzień``."""
    return babel_units.format_unit(days, "duration-day", locale=locale_of(lang))


def weekday_name(index: int, lang: str) -> str:
    """The day's name, Monday = 0: ``Monday`` / ``poniedziałek``."""
    names = babel_dates.get_day_names("wide", context="format", locale=locale_of(lang))
    return str(names[index])


def country_name(code: str, lang: str) -> str:
    """An ISO 3166 code's name (``US`` → ``United States`` / ``Stany Zjednoczone``); the code
    itself when the locale has no name for it."""
    return str(locale_of(lang).territories.get(code.upper(), code))
