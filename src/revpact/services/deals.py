"""Deals and revenue: importing them, and the monthly facts the scoreboard is built from.

Imports follow the lead import's rules (:func:`revpact.services.importing.import_leads`): a
bad file raises :class:`InputError` naming file, row, column and value and stores nothing
(one transaction); ``skip_invalid`` stores the good rows and writes the bad ones to
``NAME.rejects.csv`` beside the input; importing the same file again changes nothing, and a
changed row updates the stored one (deals by ``deal_id``, revenue by month).

Money stays :class:`~decimal.Decimal`: amounts are stored as exact integers of ten-thousandths
of the agreement's currency and summed by the database as integers. Durations are integer
seconds: a won deal's cycle is ``closed_at - created_at``, its sum over a month is
``cycle_seconds_total`` and its median ``median_cycle_seconds`` (a Decimal, since the median of
an even count is the mean of the two middle cycles); ``*_days`` properties divide by 86 400.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Final, assert_never
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.goals import RevenueSourceRule
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.scoreboard.facts import RevenueSource
from revpact.errors import InputError
from revpact.ingest.deals import AMOUNT_SCALE, Deal, minor_units, read_deals
from revpact.ingest.files import PathOrFile, opened
from revpact.ingest.formats import export_format, is_translated, read_deal_export
from revpact.ingest.leads.canonical import RejectedRow
from revpact.ingest.rejects import RejectsWriter, rejects_path_for
from revpact.ingest.revenue import read_revenue
from revpact.services.clock import recorded_at_us
from revpact.services.importing import ImportReport, Progress
from revpact.store.audit import record_write
from revpact.store.deals import DealRepository, MonthRange
from revpact.store.revision import bump_revision

__all__ = [
    "DealMonth",
    "RevenueSource",
    "import_deals",
    "import_revenue",
    "month_over",
    "month_ranges",
    "monthly_facts",
    "next_change_us",
    "revenue_of",
]


_PROBLEMS_SHOWN: Final = 20
_US_PER_SECOND: Final = 1_000_000
_SECONDS_PER_DAY: Final = Decimal(86_400)
_DAYS_SHOWN: Final = Decimal("0.0001")


@dataclass(frozen=True)
class DealMonth:
    """One calendar month (in the agreement's time zone) of deals, revenue and leads."""

    month: date  # its first day
    revenue: Decimal  # by the agreement's company_goals.revenue_source (0 when unknown)
    revenue_source: RevenueSource
    won_amount: Decimal  # sum of the amounts of the deals won in the month
    deals_won: int
    deals_lost: int
    proposals_won: int  # deals with a proposal, won in the month
    proposals_lost: int  # deals with a proposal, lost in the month
    cycle_seconds_total: int  # sum over the won deals of closed_at - created_at
    median_cycle_seconds: Decimal | None  # None when no deal was won
    leads_by_type: Mapping[str, int]  # leads created in the month; every lead type, 0 too
    recognised: Decimal | None = None  # the month's revenue row (None: no row, or not known yet)

    @property
    def cycle_days_total(self) -> Decimal:
        return (Decimal(self.cycle_seconds_total) / _SECONDS_PER_DAY).quantize(_DAYS_SHOWN)

    @property
    def median_cycle_days(self) -> Decimal | None:
        if self.median_cycle_seconds is None:
            return None
        return (self.median_cycle_seconds / _SECONDS_PER_DAY).quantize(_DAYS_SHOWN)

    @property
    def leads(self) -> int:
        return sum(self.leads_by_type.values())


# ---------------------------------------------------------------------------- imports


def import_deals(
    engine: Engine,
    agreement: Agreement,
    path_or_fp: PathOrFile,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    rejects_path: str | os.PathLike[str] | None = None,
    source_format: str = "canonical",
    mapping: str | os.PathLike[str] | None = None,
    encoding: str = "auto",
    by: str | None = None,
    via: str = "cli",
    now: datetime | None = None,
) -> ImportReport:
    """Store the deals of a deal file (:mod:`revpact.ingest.deals`), matched by ``deal_id``.

    ``rejects_path`` overrides where ``skip_invalid`` writes the rejected rows;
    ``source_format``, ``mapping`` and ``encoding`` read a CRM export as
    :func:`revpact.services.importing.import_leads` does. Each deal inserted or changed is
    stamped with the import's time (``now``) and actor (``by``), and the import is audited.
    """
    fmt = export_format(source_format, mapping, lead_types=agreement.lead_types())
    with opened(path_or_fp, "the deal file") as (fp, source, path):
        if is_translated(source_format, mapping, encoding):
            parsed = read_deal_export(
                fp, source=source, agreement=agreement, fmt=fmt, encoding=encoding
            )
        else:
            parsed = read_deals(fp, source=source, agreement=agreement)
    rows = [_deal_row(deal) for deal in parsed.deals]
    stamp = _Stamp(recorded_at_us(now), by, via, "import.deals")

    def write(repo: DealRepository) -> tuple[int, int]:
        before = repo.count_deals()
        changed = repo.upsert_deals(rows, recorded_us=stamp.at_us, recorded_by=by)
        return repo.count_deals() - before, changed

    file = _File(parsed.source, parsed.sha256, parsed.rows, parsed.header, parsed.rejected)
    target = _target(rejects_path, path) if skip_invalid else None
    return _import(engine, file, len(rows), write, target, skip_invalid, progress, stamp)


def import_revenue(
    engine: Engine,
    agreement: Agreement,
    path_or_fp: PathOrFile,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    rejects_path: str | os.PathLike[str] | None = None,
    by: str | None = None,
    via: str = "cli",
    now: datetime | None = None,
) -> ImportReport:
    """Store the months of a revenue file (:mod:`revpact.ingest.revenue`), matched by month;
    stamped and audited as :func:`import_deals` does."""
    with opened(path_or_fp, "the revenue file") as (fp, source, path):
        parsed = read_revenue(fp, source=source, agreement=agreement)
    rows = [(f"{m.month:%Y-%m}", _e4(m.amount)) for m in parsed.months]
    stamp = _Stamp(recorded_at_us(now), by, via, "import.revenue")

    def write(repo: DealRepository) -> tuple[int, int]:
        before = repo.count_revenue()
        changed = repo.upsert_revenue(rows, recorded_us=stamp.at_us, recorded_by=by)
        return repo.count_revenue() - before, changed

    file = _File(parsed.source, parsed.sha256, parsed.rows, parsed.header, parsed.rejected)
    target = _target(rejects_path, path) if skip_invalid else None
    return _import(engine, file, len(rows), write, target, skip_invalid, progress, stamp)


@dataclass(frozen=True)
class _Stamp:
    """Who imports, when, through which face, and the audit action."""

    at_us: int
    by: str | None
    via: str
    action: str


@dataclass(frozen=True)
class _File:
    source: str
    sha256: str
    rows: int
    header: tuple[str, ...]
    rejected: tuple[RejectedRow, ...]


def _import(
    engine: Engine,
    file: _File,
    good: int,
    write: Callable[[DealRepository], tuple[int, int]],
    target: Path | None,
    skip_invalid: bool,
    progress: Progress | None,
    stamp: _Stamp,
) -> ImportReport:
    """Store a checked file's good rows in one transaction (none when a row is bad, unless
    ``skip_invalid``); ``write`` returns (inserted, changed)."""
    if file.rejected and not skip_invalid:
        raise _problems(file.source, file.rejected)
    rejects = RejectsWriter(file.header, target) if skip_invalid else None
    try:
        with engine.begin() as conn:
            inserted, changed = write(DealRepository(conn))
            record_write(
                conn,
                recorded_us=stamp.at_us,
                actor=stamp.by,
                via=stamp.via,
                action=stamp.action,
                subject=f"file:{file.source}",
                detail={
                    "sha256": file.sha256,
                    "rows": file.rows,
                    "inserted": inserted,
                    "updated": changed - inserted,
                    "unchanged": good - changed,
                    "rejected": len(file.rejected),
                },
            )
            bump_revision(conn)
            if rejects is not None:
                rejects.write(file.rejected)
            written = rejects.finish() if rejects is not None else None
    finally:
        if rejects is not None:
            rejects.discard()
    if progress is not None:
        progress(file.rows, file.rows)
    return ImportReport(
        file_name=file.source,
        sha256=file.sha256,
        rows=file.rows,
        inserted=inserted,
        updated=changed - inserted,
        unchanged=good - changed,
        rejected=len(file.rejected),
        rejects_path=written,
    )


def _problems(source: str, rejected: Sequence[RejectedRow]) -> InputError:
    found = [p for row in rejected for p in row.problems]
    shown = found[:_PROBLEMS_SHOWN]
    if len(found) > len(shown):
        shown.append(f"and {len(found) - len(shown)} more")
    return InputError(
        f"{source}: {len(found)} problem{'s' * (len(found) != 1)} in {len(rejected)} "
        f"row{'s' * (len(rejected) != 1)}; nothing was imported",
        shown,
    )


def _deal_row(deal: Deal) -> tuple[str | int | None, ...]:
    """A deal as the values of :data:`revpact.store.deals.DEAL_COLUMNS`."""
    return (
        deal.deal_id,
        deal.lead_id,
        deal.created_us,
        deal.proposal_us,
        deal.closed_us,
        deal.outcome.value,
        None if deal.amount is None else _e4(deal.amount),
        deal.owner,
    )


def _e4(amount: Decimal) -> int:
    """An amount as an exact integer of ten-thousandths (its places were checked on reading)."""
    scaled = amount.scaleb(AMOUNT_SCALE)
    assert scaled == scaled.to_integral_value()
    return int(scaled)


def _money(amount_e4: int, places: int) -> Decimal:
    """Ten-thousandths as a Decimal with the currency's places (more only if it has them)."""
    amount = Decimal(amount_e4).scaleb(-AMOUNT_SCALE)
    shown = amount.quantize(Decimal(1).scaleb(-places))
    return shown if shown == amount else amount.normalize()


def _target(explicit: str | os.PathLike[str] | None, path: Path | None) -> Path | None:
    if explicit is not None:
        return Path(explicit)
    return None if path is None else rejects_path_for(path)


# ---------------------------------------------------------------------------- monthly facts


def revenue_of(month: DealMonth, rule: RevenueSourceRule) -> tuple[Decimal, RevenueSource]:
    """The month's revenue and where it came from under ``rule``
    (``company_goals.revenue_source``); an unknown revenue is ``(0, RevenueSource.NONE)``."""
    match rule:
        case RevenueSourceRule.RECOGNISED:
            if month.recognised is None:
                return Decimal(0), RevenueSource.NONE
            return month.recognised, RevenueSource.RECOGNISED
        case RevenueSourceRule.WON_DEALS:
            return month.won_amount, RevenueSource.WON_DEALS
        case RevenueSourceRule.RECOGNISED_ELSE_WON_DEALS:
            if month.recognised is None:
                return month.won_amount, RevenueSource.WON_DEALS
            return month.recognised, RevenueSource.RECOGNISED
        case _:
            assert_never(rule)


def monthly_facts(
    engine: Engine, agreement: Agreement, months: Sequence[date], *, as_of_us: int | None = None
) -> list[DealMonth]:
    """The facts of each of ``months`` (any day of a month stands for it), in that order.

    Months are calendar months in the agreement's time zone: a deal closed at
    2020-06-30T23:30-04:00 in New York belongs to June. Revenue follows the agreement's
    ``company_goals.revenue_source`` (:func:`revenue_of`).

    With ``as_of_us`` the facts are those of a store holding only what had happened by then:
    leads created by then; deals created and closed by then (a deal closed later is open), their
    proposal counted only if submitted by then; and a month's recognised revenue only once the
    month is over (:func:`month_over`; it is not known before).
    """
    firsts = [day.replace(day=1) for day in months]
    ranges = month_ranges(agreement, firsts)
    places = minor_units(agreement.currency)
    ended = [
        f"{m:%Y-%m}"
        for m, (_, hi) in zip(firsts, ranges, strict=True)
        if as_of_us is None or month_over(hi, as_of_us)
    ]
    with engine.connect() as conn:
        repo = DealRepository(conn)
        totals = repo.deal_totals(ranges, as_of_us=as_of_us)
        cycles = repo.won_cycles(ranges, as_of_us=as_of_us)
        leads = repo.leads_by_type(ranges, as_of_us=as_of_us)
        recognised = repo.revenue(ended)
    facts = []
    rule = agreement.company_goals.revenue_source
    for first, total, won_cycles, by_type in zip(firsts, totals, cycles, leads, strict=True):
        booked = recognised.get(f"{first:%Y-%m}")
        month = DealMonth(
            month=first,
            revenue=Decimal(0),
            revenue_source=RevenueSource.NONE,
            won_amount=_money(total.won_amount_e4, places),
            deals_won=total.won,
            deals_lost=total.lost,
            proposals_won=total.proposals_won,
            proposals_lost=total.proposals_lost,
            cycle_seconds_total=total.cycle_us // _US_PER_SECOND,
            median_cycle_seconds=_median_seconds(won_cycles.tolist()),
            leads_by_type={**dict.fromkeys(agreement.lead_types(), 0), **by_type},
            recognised=None if booked is None else _money(booked, places),
        )
        revenue, source = revenue_of(month, rule)
        facts.append(replace(month, revenue=revenue, revenue_source=source))
    return facts


def next_change_us(
    engine: Engine, agreement: Agreement, months: Sequence[date], *, after_us: int
) -> int | None:
    """The first moment after ``after_us`` at which :func:`monthly_facts` of ``months`` as of
    that moment can differ from the facts as of ``after_us`` (None: never, unless the store
    changes): a lead or deal event in those months, or the end of one of them (its revenue
    becomes known)."""
    ranges = month_ranges(agreement, months)
    with engine.connect() as conn:
        found = DealRepository(conn).next_change_us(ranges, after_us=after_us)
    ends = [hi - _LAST_INSTANT for _, hi in ranges if not month_over(hi, after_us)]
    candidates = [t for t in (found, min(ends, default=None)) if t is not None]
    return min(candidates, default=None)


_LAST_INSTANT: Final = 1  # µs


def month_over(end_us: int, as_of_us: int) -> bool:
    """Whether a month ending at ``end_us`` (its exclusive end) is over at ``as_of_us``: from
    its last instant on, 23:59:59.999999 of its last day — the moment revpact's periods are
    "as of" when they are complete — so a month's pack shows the whole month."""
    return as_of_us >= end_us - _LAST_INSTANT


def month_ranges(agreement: Agreement, months: Sequence[date]) -> list[MonthRange]:
    """Each month (any day stands for it) as ``[start, end)`` epoch µs in the agreement's zone."""
    zone = ZoneInfo(agreement.calendar.timezone)
    firsts = [day.replace(day=1) for day in months]
    return [(_start_us(m, zone), _start_us(_next(m), zone)) for m in firsts]


def _median_seconds(sorted_us: list[int]) -> Decimal | None:
    n = len(sorted_us)
    if n == 0:
        return None
    middle = sorted_us[n // 2] if n % 2 else Decimal(sorted_us[n // 2 - 1] + sorted_us[n // 2]) / 2
    return (Decimal(middle) / _US_PER_SECOND).normalize()


def _start_us(first: date, zone: ZoneInfo) -> int:
    """The first instant of the month starting on ``first`` in ``zone`` (``fold=0``)."""
    return to_us(datetime(first.year, first.month, 1, tzinfo=zone))


def _next(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)
