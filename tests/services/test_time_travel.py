"""Time travel equals truncation: every figure as of a moment T equals the same figure computed
on a store that holds only what had happened by T.

The truncated store keeps the leads created and (if ever) notified by T, each with its first
touch only if it happened by T; the deals created by T, each with its proposal only if submitted by
T and its outcome only if closed by T (else it is open); and the revenue of the months that had
ended by T. Generated stores (hypothesis), cut at generated moments, every figure compared.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from revpact.domain.agreement.model import Agreement
from revpact.services import (
    FollowUpSummaryPublic,
    LeadPublic,
    follow_up_summary,
    import_deals,
    import_leads,
    import_revenue,
    lead_queue,
    list_leads,
    year_scoreboard,
)
from revpact.services.public.scoreboard import YearScoreboardPublic
from revpact.store.db import open_store
from revpact.store.revision import bump_revision

START = datetime(2020, 1, 1, 5, tzinfo=UTC)  # midnight in New York
YEAR_MINUTES = 366 * 24 * 60
LEAD_TYPES = ("referral", "content", "webinar", "internet_sales_ready")
OWNERS = ("anna@company-a.example", "tom@company-a.example", None)
STAGES = ("sales_ready", "early")


def _at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Lead:
    lead_id: str
    lead_type: str
    stage: str
    requested: bool
    created: datetime
    notified: datetime | None
    touched: datetime | None
    owner: str | None


@dataclass(frozen=True)
class Deal:
    deal_id: str
    lead_id: str | None
    created: datetime
    proposal: datetime | None
    closed: datetime | None
    outcome: str
    amount: int | None
    owner: str | None


@dataclass(frozen=True)
class History:
    leads: tuple[Lead, ...]
    deals: tuple[Deal, ...]
    revenue: tuple[tuple[str, int], ...]


minutes_in_year = st.integers(0, YEAR_MINUTES - 1)


@st.composite
def leads(draw: st.DrawFn, index: int) -> Lead:
    created = draw(minutes_in_year)
    lead_type = draw(st.sampled_from(LEAD_TYPES))
    stage = draw(st.sampled_from(STAGES))
    requested = draw(st.booleans())
    covered = requested and lead_type != "webinar" and stage != "early"
    later = st.integers(created, created + 3 * 24 * 60)
    notified = draw(later if covered else st.none() | later)
    base = created if notified is None else notified
    touched = draw(st.none() | st.integers(base - 60, base + 5 * 24 * 60))
    return Lead(
        lead_id=f"L{index:03d}",
        lead_type=lead_type,
        stage=stage,
        requested=requested,
        created=_at(created),
        notified=None if notified is None else _at(min(notified, YEAR_MINUTES - 1)),
        touched=None if touched is None else _at(min(max(touched, 0), YEAR_MINUTES - 1)),
        owner=draw(st.sampled_from(OWNERS)),
    )


@st.composite
def deals(draw: st.DrawFn, index: int, lead_ids: list[str]) -> Deal:
    created = draw(minutes_in_year)
    proposal = draw(st.none() | st.integers(created, created + 60 * 24 * 60))
    outcome = draw(st.sampled_from(("open", "won", "lost")))
    closed = None
    if outcome != "open":
        after = created if proposal is None else proposal
        closed = draw(st.integers(after, after + 90 * 24 * 60))
    amount = draw(st.integers(1, 400)) * 500 if outcome == "won" else None
    return Deal(
        deal_id=f"D{index:03d}",
        lead_id=draw(st.none() | st.sampled_from(lead_ids)) if lead_ids else None,
        created=_at(created),
        proposal=None if proposal is None else _at(min(proposal, YEAR_MINUTES - 1)),
        closed=None if closed is None else _at(min(closed, YEAR_MINUTES - 1)),
        outcome=outcome,
        amount=amount,
        owner=draw(st.sampled_from(OWNERS)),
    )


@st.composite
def histories(draw: st.DrawFn) -> History:
    n_leads = draw(st.integers(0, 14))
    made = tuple(draw(leads(i)) for i in range(n_leads))
    n_deals = draw(st.integers(0, 10))
    ids = [lead.lead_id for lead in made]
    made_deals = tuple(draw(deals(i, ids)) for i in range(n_deals))
    months = draw(st.sets(st.integers(1, 12), max_size=12))
    revenue = tuple((f"2020-{m:02d}", draw(st.integers(0, 2_000_000))) for m in sorted(months))
    return History(made, made_deals, revenue)


def truncated(history: History, cut: datetime) -> History:
    """Only what had happened by ``cut``."""
    kept_leads = tuple(
        Lead(
            lead.lead_id,
            lead.lead_type,
            lead.stage,
            lead.requested,
            lead.created,
            lead.notified,
            lead.touched if lead.touched is not None and lead.touched <= cut else None,
            lead.owner,
        )
        for lead in history.leads
        if lead.created <= cut and (lead.notified is None or lead.notified <= cut)
    )
    kept_deals = []
    for deal in history.deals:
        if deal.created > cut:
            continue
        closed = deal.closed is not None and deal.closed <= cut
        kept_deals.append(
            Deal(
                deal.deal_id,
                deal.lead_id,
                deal.created,
                deal.proposal if deal.proposal is not None and deal.proposal <= cut else None,
                deal.closed if closed else None,
                deal.outcome if closed else "open",
                deal.amount if closed else None,
                deal.owner,
            )
        )
    ended = {m for m, _ in history.revenue if _month_end(m) <= cut}
    return History(
        kept_leads, tuple(kept_deals), tuple(r for r in history.revenue if r[0] in ended)
    )


def _month_end(month: str) -> datetime:
    """The first instant after ``month`` (YYYY-MM) in New York."""
    from zoneinfo import ZoneInfo

    year, number = map(int, month.split("-"))
    first = date(year + number // 12, number % 12 + 1, 1)
    return datetime(first.year, first.month, 1, tzinfo=ZoneInfo("America/New_York"))


def _csv(header: list[str], rows: list[list[str]]) -> io.StringIO:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    out.seek(0)
    return out


def load(engine: Engine, agreement: Agreement, history: History) -> None:
    """Empty the store's facts, then import ``history`` through the import services."""
    with engine.begin() as conn:
        for table in ("leads", "deals", "revenue"):
            conn.execute(text(f"DELETE FROM {table}"))
        bump_revision(conn)
    if history.leads:
        lead_rows = [
            [
                lead.lead_id,
                lead.lead_type,
                lead.stage,
                "true" if lead.requested else "false",
                _iso(lead.created),
                _iso(lead.notified),
                _iso(lead.touched),
                lead.owner or "",
            ]
            for lead in history.leads
        ]
        header = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,"
        header += "first_touch_at,owner"
        import_leads(engine, agreement, _csv(header.split(","), lead_rows))
    if history.deals:
        deal_rows = [
            [
                deal.deal_id,
                deal.lead_id or "",
                _iso(deal.created),
                _iso(deal.proposal),
                _iso(deal.closed),
                deal.outcome,
                "" if deal.amount is None else str(deal.amount),
                deal.owner or "",
            ]
            for deal in history.deals
        ]
        header = "deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner"
        import_deals(engine, agreement, _csv(header.split(","), deal_rows))
    if history.revenue:
        rows = [[month, str(amount)] for month, amount in history.revenue]
        import_revenue(engine, agreement, _csv(["month", "amount"], rows))


def figures(engine: Engine, agreement: Agreement, as_of: datetime) -> dict[str, Any]:
    """Every figure revpact shows of the follow-up and the scoreboard, as of ``as_of``."""
    return {
        "summary": FollowUpSummaryPublic.of(
            follow_up_summary(engine, agreement, as_of=as_of)
        ).model_dump(mode="json"),
        "leads": [
            LeadPublic.of(v).model_dump(mode="json")
            for v in list_leads(engine, agreement, as_of=as_of)
        ],
        "queue": [
            LeadPublic.of(v).model_dump(mode="json")
            for v in lead_queue(engine, agreement, as_of=as_of)
        ],
        "scoreboard": YearScoreboardPublic.of(
            year_scoreboard(engine, agreement, as_of=as_of)
        ).model_dump(mode="json"),
    }


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Engine]]:
    folder: Path = tmp_path_factory.mktemp("time-travel")
    engines = []
    for name in ("full", "cut"):
        engine = open_store(f"sqlite:///{folder / name}.db")
        engines.append(engine)
    yield engines[0], engines[1]
    for engine in engines:
        engine.dispose()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories(), cut=minutes_in_year)
def test_every_figure_as_of_a_moment_equals_the_truncated_stores(
    stores: tuple[Engine, Engine], agreement: Agreement, history: History, cut: int
) -> None:
    full, short = stores
    as_of = _at(cut)
    load(full, agreement, history)
    load(short, agreement, truncated(history, as_of))
    assert figures(full, agreement, as_of) == figures(short, agreement, as_of)


def test_the_cut_is_not_trivial(agreement: Agreement) -> None:
    """The truncation drops future facts (else the property above could not fail)."""
    lead = Lead("L1", "referral", "sales_ready", True, _at(0), _at(10), _at(100), None)
    deal = Deal("D1", "L1", _at(0), _at(50), _at(200), "won", 1000, None)
    history = History((lead,), (deal,), (("2020-01", 5),))
    cut = truncated(history, _at(60))
    assert cut.leads[0].touched is None and cut.leads[0].notified == _at(10)
    assert truncated(history, _at(5)).leads == ()  # created, not notified yet
    assert cut.deals[0].outcome == "open" and cut.deals[0].proposal == _at(50)
    assert cut.revenue == ()
