"""A month's close and its pending restatement, in words: who closed it, when, under which
agreement version and with which facts' hash, or awaiting close, or in progress; each figure
old → new and the rows recorded after the close. Used by the meeting packs
(:mod:`revpact.render.pack`) and the dashboard's scoreboard page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from zoneinfo import ZoneInfo

from revpact.render.formatting import (
    format_date,
    format_money,
    format_month,
    format_number,
)
from revpact.render.pack_figures import days_text, moment_text, month_of
from revpact.render.texts import Labels

__all__ = [
    "RestatementView",
    "close_text",
    "restatement_figure",
    "restatement_value",
    "restatement_view",
]


# --- month close --------------------------------------------------------------------------------
# Shared with the dashboard's scoreboard page (revpact.server.web.scoreboard_page), which passes
# its own labels' ``scoreboard`` subtree: both label files hold these texts under the same keys.

_CLOSE_STATES: Final = {
    "open": "close.open",
    "in_progress": "close.in_progress",
    "awaiting_close": "close.awaiting_close",
}
_FIGURES: Final = {  # a restatement's figure (a field of the month's facts) and its text
    "revenue": "restatements.figure.revenue",
    "revenue_source": "restatements.figure.revenue_source",
    "follow_up_met": "restatements.figure.follow_up_met",
    "follow_up_breached": "restatements.figure.follow_up_breached",
    "follow_up_open": "restatements.figure.follow_up_open",
    "proposals_won": "restatements.figure.proposals_won",
    "proposals_lost": "restatements.figure.proposals_lost",
    "won_cycle.count": "restatements.figure.won_cycle_count",
    "won_cycle.total_days": "restatements.figure.won_cycle_total_days",
    "won_cycle.median_days": "restatements.figure.won_cycle_median_days",
}
_SOURCES: Final = {
    "recognised": "restatements.source.recognised",
    "won_deals": "restatements.source.won_deals",
    "none": "restatements.source.none",
}
_TABLES: Final = {
    "leads": "restatements.table.leads",
    "deals": "restatements.table.deals",
    "revenue": "restatements.table.revenue",
}


def close_text(
    t: Labels, close: Mapping[str, Any] | None, version: int | None, zone: str, lang: str
) -> str | None:
    """A month's close state in a sentence, from its scoreboard ``close`` block
    (:func:`revpact.services.month_states.close_block`): who closed it, on which day (in
    ``zone``), under which agreement version (``version``, its number; None: the unpublished
    agreement file, named by its hash) and the facts' hash; or awaiting close, in progress,
    not begun. None without a block."""
    if close is None:
        return None
    if close["state"] != "closed":
        return t.text(_CLOSE_STATES[close["state"]])
    day = datetime.fromisoformat(close["at"]).astimezone(ZoneInfo(zone)).date()
    under = (
        t.text("close.file", hash=str(close["version"] or "")[:12])
        if version is None
        else t.text("close.version", number=version)
    )
    return t.text(
        "close.closed",
        by=close["by"],
        date=format_date(day, lang),
        version=under,
        facts=str(close["facts_hash"] or "")[:12],
    )


def restatement_figure(t: Labels, name: str, lead_types: Mapping[str, str]) -> str:
    """What a restatement's figure (``proposals_won``, ``leads_by_type.referral``) is called;
    a figure revpact has no text for keeps its name."""
    key = _FIGURES.get(name)
    if key is not None:
        return t.text(key)
    group, _, kind = name.partition(".")
    if group == "leads_by_type" and kind:
        return t.text("restatements.figure.leads_by_type", type=lead_types.get(kind, kind))
    return name


def restatement_value(t: Labels, name: str, value: Any, currency: str, lang: str) -> str:
    """A restatement's old or new value as the documents show it: revenue as money, days as
    days, counts as numbers, the revenue source in words; ``—`` when there is none."""
    if value is None:
        return "—"
    if name == "revenue_source":
        key = _SOURCES.get(str(value))
        return str(value) if key is None else t.text(key)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if name == "revenue":
        return format_money(number, currency, lang)
    if name.endswith("_days"):
        return days_text(number, lang)
    return format_number(number, lang)


@dataclass(frozen=True)
class RestatementView:
    """A closed month's pending restatement, written out: the month, its close, each figure
    (name, as closed, as the data now say) and the rows recorded after the close."""

    month: str  # YYYY-MM
    name: str  # the month as the language writes it
    closed: str
    changes: tuple[tuple[str, str, str], ...]
    rows: tuple[str, ...]


def restatement_view(
    t: Labels,
    item: Mapping[str, Any],
    closed: str,
    lead_types: Mapping[str, str],
    currency: str,
    zone: str,
    lang: str,
) -> RestatementView:
    """``item`` (:class:`revpact.services.public.months.RestatementPublic`) as text; ``closed``
    is its month's :func:`close_text`."""
    changes = tuple(
        (
            restatement_figure(t, c["figure"], lead_types),
            restatement_value(t, c["figure"], c["old"], currency, lang),
            restatement_value(t, c["figure"], c["new"], currency, lang),
        )
        for c in item["changes"]
    )
    rows = tuple(
        t.text(
            "restatements.row",
            table=t.text(_TABLES[r["table"]]) if r["table"] in _TABLES else r["table"],
            id=r["key"],
            moment=moment_text(r["recorded_at"], zone, lang),
        )
        for r in item["rows"]
    )
    name = format_month(month_of(item["month"]), lang)
    return RestatementView(item["month"], name, closed, changes, rows)
