"""Month close's public shapes: a close or reopen, each month's close state and a pending
restatement, exactly as revpact has always written them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from revpact.domain.clock.calendar import to_us
from revpact.services.month_close import MonthClose
from revpact.services.month_facts_json import FigureChange
from revpact.services.month_states import CloseState, MonthStatus, RecordedRow, Restatement
from revpact.services.public.months import (
    MonthClosePublic,
    MonthStatesPublic,
    MonthStatusPublic,
    RestatementPublic,
)
from revpact.store.month_closes import CloseAction

CEO = "margaret.lowell@company-a.example"
JAN = date(2020, 1, 1)
NEW_YORK = timezone(timedelta(hours=-5))
CLOSED_AT = datetime(2020, 2, 3, 7, 0, 0, 250, tzinfo=NEW_YORK)
LATE = datetime(2020, 2, 5, 12, tzinfo=UTC)
VERSION, FACTS = "a" * 64, "b" * 64
FIGURES = {"month": "2020-01", "revenue": {"actual": "900000"}}

CLOSE = MonthClose(JAN, CloseAction.CLOSE, CLOSED_AT, CEO, VERSION, FACTS, None, FIGURES)
REOPEN = MonthClose(JAN, CloseAction.REOPEN, LATE, CEO, VERSION, FACTS, "late deal D2", None)
PENDING = Restatement(
    month=JAN,
    closed=CLOSE,
    changes=(
        FigureChange("proposals_won", 1, 2),
        FigureChange("won_cycle.median_days", None, "4.5"),
    ),
    rows=(RecordedRow("deals", "D2", to_us(LATE)),),
)
RESTATED = {
    "month": "2020-01",
    "closed_by": CEO,
    "closed_at": "2020-02-03T07:00:00.000250-05:00",
    "facts_hash": FACTS,
    "changes": [
        {"figure": "proposals_won", "old": 1, "new": 2},
        {"figure": "won_cycle.median_days", "old": None, "new": "4.5"},
    ],
    "rows": [{"table": "deals", "key": "D2", "recorded_at": "2020-02-05T12:00:00+00:00"}],
}


def test_a_close_with_its_figures() -> None:
    assert MonthClosePublic.of(CLOSE).model_dump(mode="json") == {
        "month": "2020-01",
        "action": "close",
        "at": "2020-02-03T07:00:00.000250-05:00",
        "by": CEO,
        "version": VERSION,
        "facts_hash": FACTS,
        "reason": None,
        "figures": FIGURES,
    }


def test_a_reopen_says_why_and_froze_no_figures() -> None:
    assert MonthClosePublic.of(REOPEN).model_dump(mode="json") == {
        "month": "2020-01",
        "action": "reopen",
        "at": "2020-02-05T12:00:00+00:00",
        "by": CEO,
        "version": VERSION,
        "facts_hash": FACTS,
        "reason": "late deal D2",
        "figures": None,
    }


def test_a_restatement_lists_each_change_and_the_rows_behind_it() -> None:
    assert RestatementPublic.of(PENDING).model_dump(mode="json") == RESTATED
    quiet = Restatement(JAN, CLOSE, (FigureChange("revenue", "100", "200"),), ())
    assert RestatementPublic.of(quiet).model_dump(mode="json")["rows"] == []


def test_a_months_status_leaves_the_figures_out_of_its_last_close() -> None:
    closed = MonthStatus(JAN, CloseState.CLOSED, CLOSE, PENDING)
    assert MonthStatusPublic.of(closed).model_dump(mode="json") == {
        "month": "2020-01",
        "state": "closed",
        "last": {
            "month": "2020-01",
            "action": "close",
            "at": "2020-02-03T07:00:00.000250-05:00",
            "by": CEO,
            "version": VERSION,
            "facts_hash": FACTS,
            "reason": None,
        },
        "restatement": RESTATED,
    }
    never = MonthStatus(date(2020, 3, 1), CloseState.OPEN, None, None)
    assert MonthStatusPublic.of(never).model_dump(mode="json") == {
        "month": "2020-03",
        "state": "open",
        "last": None,
        "restatement": None,
    }


def test_every_month_as_of_a_moment() -> None:
    states = [
        MonthStatus(JAN, CloseState.AWAITING_CLOSE, REOPEN, None),
        MonthStatus(date(2020, 2, 1), CloseState.IN_PROGRESS, None, None),
    ]
    assert MonthStatesPublic.of(LATE, states).model_dump(mode="json") == {
        "as_of": "2020-02-05T12:00:00+00:00",
        "months": [
            {
                "month": "2020-01",
                "state": "awaiting_close",
                "last": {
                    "month": "2020-01",
                    "action": "reopen",
                    "at": "2020-02-05T12:00:00+00:00",
                    "by": CEO,
                    "version": VERSION,
                    "facts_hash": FACTS,
                    "reason": "late deal D2",
                },
                "restatement": None,
            },
            {"month": "2020-02", "state": "in_progress", "last": None, "restatement": None},
        ],
    }
