"""The weekly meeting pack as of a moment inside its week equals the same pack made on a store
cut at that moment: "what moved since last time" counts only the deals created and closed, the
proposals submitted and the leads that exist by then."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from test_time_travel import LEAD_TYPES, OWNERS, STAGES, Deal, History, Lead, load, truncated

from revpact.domain.agreement.model import Agreement
from revpact.services.public.packs import PackPublic
from revpact.services.report import MovesPart, weekly_pack
from revpact.store.db import open_store

PREVIOUS = date(2020, 3, 2)  # a Monday: the week before the pack's
WEEK = PREVIOUS + timedelta(days=7)
START = datetime(2020, 3, 2, 5, tzinfo=UTC)  # midnight in New York (EST)
SPAN = 14 * 24 * 60  # minutes: the two weeks a weekly pack compares
WEEK_MINUTES = 7 * 24 * 60


def _at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def _moves(engine: Engine, agreement: Agreement, now: datetime) -> MovesPart:
    moves = weekly_pack(engine, agreement, week=WEEK, now=now).moves
    assert moves is not None
    return moves


def _figure(moves: MovesPart, key: str) -> Decimal | None:
    return next(m.current for m in moves.items if m.key == key)


# --- one deal, one lead ---------------------------------------------------------------------


def test_a_deal_closed_after_the_moment_is_not_counted(
    engine: Engine, agreement: Agreement
) -> None:
    monday = WEEK_MINUTES  # the pack's week begins
    lead = Lead("L1", "referral", "early", False, _at(monday + 60), None, None, None)
    late_lead = Lead("L2", "content", "early", False, _at(monday + 5000), None, None, None)
    won = Deal("D1", None, _at(0), _at(100), _at(monday + 120), "won", 8000, None)
    later = Deal("D2", None, _at(0), _at(100), _at(monday + 4000), "won", 3000, None)
    lost = Deal("D3", None, _at(0), _at(monday + 3000), _at(monday + 3500), "lost", None, None)
    load(engine, agreement, History((lead, late_lead), (won, later, lost), ()))
    moment = _at(monday + 2000)  # after D1 closed; before D2 and D3 closed, and before L2

    moves = _moves(engine, agreement, moment)
    assert _figure(moves, "revenue") == Decimal(8000)  # D2 closes later: not counted
    assert _figure(moves, "lead_value") == Decimal(5000)  # one referral lead; L2 comes later
    assert _figure(moves, "close_rate") == Decimal(1)  # D3 is lost only later
    assert _figure(moves, "sales_cycle") is not None

    # At the week's end everything has happened.
    moves = _moves(engine, agreement, _at(SPAN + 60))
    assert _figure(moves, "revenue") == Decimal(11000)
    assert _figure(moves, "lead_value") == Decimal(6000)
    assert _figure(moves, "close_rate") == Decimal(2) / 3


# --- the property -------------------------------------------------------------------------------

in_span = st.integers(0, SPAN - 1)


@st.composite
def _leads(draw: st.DrawFn, index: int) -> Lead:
    created = draw(in_span)
    lead_type = draw(st.sampled_from(LEAD_TYPES))
    stage = draw(st.sampled_from(STAGES))
    requested = draw(st.booleans())
    covered = requested and lead_type != "webinar" and stage != "early"  # must be notified
    later = st.integers(created, created + 24 * 60)
    notified = draw(later if covered else st.none() | later)
    base = created if notified is None else notified
    touched = draw(st.none() | st.integers(base - 60, base + 24 * 60))
    return Lead(
        lead_id=f"L{index:03d}",
        lead_type=lead_type,
        stage=stage,
        requested=requested,
        created=_at(created),
        notified=None if notified is None else _at(notified),
        touched=None if touched is None else _at(touched),
        owner=draw(st.sampled_from(OWNERS)),
    )


@st.composite
def _deals(draw: st.DrawFn, index: int) -> Deal:
    created = draw(st.integers(-WEEK_MINUTES, SPAN - 1))
    proposal = draw(st.none() | st.integers(created, created + 3 * 24 * 60))
    outcome = draw(st.sampled_from(("open", "won", "lost")))
    closed = None
    if outcome != "open":
        after = created if proposal is None else proposal
        closed = draw(st.integers(after, after + 5 * 24 * 60))
    return Deal(
        deal_id=f"D{index:03d}",
        lead_id=None,
        created=_at(created),
        proposal=None if proposal is None else _at(proposal),
        closed=None if closed is None else _at(closed),
        outcome=outcome,
        amount=draw(st.integers(1, 400)) * 500 if outcome == "won" else None,
        owner=draw(st.sampled_from(OWNERS)),
    )


@st.composite
def _histories(draw: st.DrawFn) -> History:
    leads = tuple(draw(_leads(i)) for i in range(draw(st.integers(0, 8))))
    deals = tuple(draw(_deals(i)) for i in range(draw(st.integers(1, 8))))
    return History(leads, deals, ())


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Engine]]:
    folder: Path = tmp_path_factory.mktemp("weekly-pack")
    full, cut = (open_store(f"sqlite:///{folder / name}.db") for name in ("full", "cut"))
    yield full, cut
    full.dispose()
    cut.dispose()


def _pack(engine: Engine, agreement: Agreement, now: datetime) -> dict[str, Any]:
    return PackPublic.of(weekly_pack(engine, agreement, week=WEEK, now=now)).model_dump(mode="json")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=_histories(), cut=st.integers(WEEK_MINUTES, SPAN - 1))
def test_a_weekly_pack_as_of_a_moment_equals_the_cut_stores(
    stores: tuple[Engine, Engine], agreement: Agreement, history: History, cut: int
) -> None:
    full, short = stores
    moment = _at(cut)
    load(full, agreement, history)
    load(short, agreement, truncated(history, moment))
    assert _pack(full, agreement, moment) == _pack(short, agreement, moment)
