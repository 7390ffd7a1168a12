"""How a meeting pack writes its figures: money, ratios and days, their changes, moments and
months, in English or Polish — and the pack's texts (``labels_pack/{en,pl}.yaml``).

Money as :func:`~revpact.render.formatting.format_money` writes it; a ratio as a percentage
rounded half-up to one decimal (``56.4%``), its change in percentage points (``+2.4 pp``); days
rounded half-up to one decimal (``28 days``, ``30.2 days``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources

import yaml

from revpact.errors import RevpactError
from revpact.render.formatting import (
    format_moment,
    format_money,
    format_number,
    format_percent,
    locale_of,
)
from revpact.render.texts import LANGUAGES, Labels

__all__ = ["days_text", "format_change", "format_figure", "moment_text", "month_of", "pack_labels"]


_TENTH = Decimal("0.1")
_MINUS = "\u2212"


@functools.cache
def pack_labels(lang: str) -> Labels:
    """The pack's texts in ``lang`` (``labels_pack/en.yaml``, ``labels_pack/pl.yaml``)."""
    if lang not in LANGUAGES:
        raise RevpactError(f'language "{lang}" is not offered; choose {" or ".join(LANGUAGES)}')
    source = resources.files("revpact.render").joinpath("labels_pack", f"{lang}.yaml")
    tree = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(tree, Mapping):
        raise TypeError(f"labels_pack/{lang}.yaml does not hold a mapping")
    return Labels(lang, tree)


# --- figures ------------------------------------------------------------------------------------


def _decimal(value: Decimal | str | int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _tenth(value: Decimal) -> Decimal:
    shown = value.quantize(_TENTH, rounding=ROUND_HALF_UP)
    return shown.quantize(Decimal(1)) if shown == shown.to_integral_value() else shown


def days_text(value: Decimal, lang: str) -> str:
    from babel import units

    return units.format_unit(_tenth(value), "duration-day", locale=locale_of(lang))


def format_figure(value: Decimal | str | int | None, unit: str, currency: str, lang: str) -> str:
    """A goal's figure: ``money``, ``ratio`` or ``days``; ``—`` when there is none."""
    number = _decimal(value)
    if number is None:
        return "—"
    if unit == "money":
        return format_money(number, currency, lang)
    if unit == "ratio":
        return format_percent(_tenth(number * 100) / 100, lang)
    if unit == "days":
        return days_text(number, lang)
    raise ValueError(f"unknown unit {unit!r}")


def format_change(value: Decimal | str | int | None, unit: str, currency: str, lang: str) -> str:
    """A figure's change, signed (``+$45,500``, ``−1.3 days``, ``+2.4 pp``); ``—`` when there
    is nothing to compare."""
    number = _decimal(value)
    if number is None:
        return "—"
    if unit == "ratio":
        points = _tenth(number * 100)
        magnitude = pack_labels(lang).text("moves.points", value=format_number(abs(points), lang))
        sign = "+" if points > 0 else _MINUS if points < 0 else "±"
        return f"{sign}{magnitude}"
    shown = _tenth(number) if unit == "days" else number
    sign = "+" if shown > 0 else _MINUS if shown < 0 else "±"
    return sign + format_figure(abs(shown), unit, currency, lang)


def moment_text(value: str | None, zone: str, lang: str) -> str:
    return "—" if value is None else format_moment(datetime.fromisoformat(value), zone, lang)


def month_of(text: str) -> date:
    return date.fromisoformat(f"{text}-01")
