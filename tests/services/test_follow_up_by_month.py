"""The scoreboard's follow-up figures (one SQL aggregate) agree with the SLA clock lead by lead.

The reference is :func:`revpact.domain.clock.sla.evaluate_many` over every stored lead, bucketed by
the month (New York time) of its notification — what the scoreboard computed before the
figures moved into SQL. The leads are seeded-random with the edge cases mixed in: touches
before the notification, exactly at the deadline, at and after ``as_of``; untouched and
excluded leads; notifications on the first and last instant of a month, after ``as_of`` and
before the agreement's period.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import Engine

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.clock.sla import NO_TIME, STATUS_CODES, LeadStatus, due_many, evaluate_many
from revpact.domain.scoreboard.facts import months_between
from revpact.services.deals import month_ranges
from revpact.store.follow_up import FollowUpRepository
from revpact.store.leads import LeadRepository

NEW_YORK_WINTER = timezone(timedelta(hours=-5))
S = 1_000_000  # µs per second
HEADER = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner\n"


def _text(us: int) -> str:
    return "" if us == NO_TIME else from_us(us).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lead_file(agreement: Agreement, seed: int, as_of: datetime, n: int = 1500) -> str:
    """``n`` random leads of 2020 (and a little around it), edge cases included."""
    rng = np.random.default_rng(seed)
    firsts = [date(2020, m, 1) for m in range(1, 13)] + [date(2021, 1, 1)]
    edges = [lo for lo, _ in month_ranges(agreement, firsts)]
    lo, hi = to_us(datetime(2019, 12, 20, tzinfo=UTC)), to_us(datetime(2021, 1, 10, tzinfo=UTC))
    notified = (lo + rng.integers(0, (hi - lo) // S, n) * S).astype(np.int64)
    # On a month's first instant (New York time), and one second before it.
    picks = rng.integers(0, n, 80)
    notified[picks[:40]] = rng.choice(edges, 40)
    notified[picks[40:]] = rng.choice(edges, 40) - S
    as_of_us = to_us(as_of)
    notified[rng.integers(0, n, 20)] = as_of_us  # notified exactly at as_of
    notified[rng.integers(0, n, 20)] = as_of_us - 3600 * S  # due at as_of, in business hours
    due = due_many(
        agreement.business_calendar(), agreement.follow_up_rule(), notified, np.ones(n, bool)
    )
    kind = rng.integers(0, 8, n)
    touch = notified + rng.integers(0, 8 * 3600, n) * S  # some on time, some late
    touch = np.where(kind == 1, notified - rng.integers(1, 3600, n) * S, touch)  # before notified
    touch = np.where(kind == 2, due, touch)  # exactly at the deadline
    touch = np.where(kind == 3, due + S, touch)  # a second late
    touch = np.where(kind == 4, as_of_us, touch)  # exactly at as_of
    touch = np.where(kind == 5, as_of_us + rng.integers(1, 30 * 86_400, n) * S, touch)  # later
    touch = np.where(kind == 6, NO_TIME, touch)  # never touched
    types = np.array(agreement.lead_types())[rng.integers(0, len(agreement.lead_types()), n)]
    stages = np.array(["early", "middle", "late"])[rng.integers(0, 3, n)]
    flags = np.where(rng.random(n) < 0.8, "true", "false")
    never_notified = rng.random(n) < 0.02  # allowed only where the SLA does not apply
    flags = np.where(never_notified, "false", flags)
    lines = [HEADER]
    for i in range(n):
        notified_text = "" if never_notified[i] else _text(int(notified[i]))
        created = int(notified[i]) - 60 * S
        lines.append(
            f"L{i:05d},{types[i]},{stages[i]},{flags[i]},{_text(created)},{notified_text},"
            f"{_text(int(touch[i]))},rep{i % 7}\n"
        )
    return "".join(lines)


def _reference(
    engine: Engine, agreement: Agreement, months: list[date], as_of: datetime
) -> list[tuple[int, int, int]]:
    """The counts the clock gives, lead by lead, bucketed by notification month."""
    as_of_us = to_us(as_of)
    with engine.connect() as conn:
        leads = LeadRepository(conn).load_sla(as_of_us=as_of_us)
    results = evaluate_many(
        agreement.business_calendar(),
        agreement.follow_up_rule(),
        applies=leads.applies,
        notified_us=leads.notified_us,
        due_us=leads.due_us,
        touch_us=leads.first_touch_us,
        as_of_us=as_of_us,
    )
    ranges = month_ranges(agreement, months)
    out = []
    for lo, hi in ranges:
        inside = (leads.notified_us >= lo) & (leads.notified_us < hi)
        status = [STATUS_CODES[c] for c in results.status[inside].tolist()]
        out.append(
            (
                status.count(LeadStatus.MET),
                status.count(LeadStatus.BREACHED),
                status.count(LeadStatus.OPEN) + status.count(LeadStatus.AT_RISK),
            )
        )
    return out


AS_OFS = [
    datetime(2020, 12, 31, 16, 0, tzinfo=NEW_YORK_WINTER),  # the benchmark's moment
    datetime(2020, 6, 15, 10, 30, tzinfo=UTC),  # mid-year, mid-month
    datetime(2020, 11, 1, 0, 0, tzinfo=timezone(timedelta(hours=-4))),  # a month's first instant
]


@pytest.mark.parametrize(("seed", "as_of"), [(k, a) for k, a in enumerate(AS_OFS)])
def test_sql_counts_match_the_clock(
    engine: Engine, agreement: Agreement, seed: int, as_of: datetime
) -> None:
    services.import_leads(engine, agreement, io.StringIO(_lead_file(agreement, seed, as_of)))
    # A month-start as_of in New York is the previous day in UTC: take the local month.
    local = as_of.astimezone(ZoneInfo(agreement.calendar.timezone)).date()
    months = list(months_between(agreement.period.start, local))

    year = services.year_scoreboard(engine, agreement, as_of=as_of)
    got = [(m.follow_up.met, m.follow_up.breached, m.follow_up.open) for m in year.months]

    expected = _reference(engine, agreement, months, as_of)
    assert got == expected
    assert sum(map(sum, expected)) > 100  # the leads did land in the months compared


def test_counts_the_edge_cases_by_name(engine: Engine, agreement: Agreement) -> None:
    """A handful of leads whose status is known by hand, read through the repository."""
    ny = ZoneInfo(agreement.calendar.timezone)
    as_of = datetime(2020, 3, 2, 12, 0, tzinfo=ny)  # Monday noon
    rows = [
        # notified Monday 09:00, due 10:00: touched 09:30 -> met
        ("A", "2020-03-02T09:00:00-05:00", "2020-03-02T09:30:00-05:00"),
        # touched before the notification -> met
        ("B", "2020-03-02T09:00:00-05:00", "2020-03-02T08:00:00-05:00"),
        # touched exactly at the deadline -> met; a second after -> breached
        ("C", "2020-03-02T09:00:00-05:00", "2020-03-02T10:00:00-05:00"),
        ("D", "2020-03-02T09:00:00-05:00", "2020-03-02T10:00:01-05:00"),
        # untouched, past due -> breached; touched only after as_of, past due -> breached
        ("E", "2020-03-02T09:00:00-05:00", ""),
        ("F", "2020-03-02T09:00:00-05:00", "2020-03-02T13:00:00-05:00"),
        # notified 11:30, due 12:30: untouched, or touched after as_of -> waiting
        ("G", "2020-03-02T11:30:00-05:00", ""),
        ("H", "2020-03-02T11:30:00-05:00", "2020-03-02T12:10:00-05:00"),
        # notified 11:00, due 12:00 = as_of: untouched -> waiting (not past due yet)
        ("M", "2020-03-02T11:00:00-05:00", ""),
        # notified at as_of itself -> waiting; after as_of -> not counted
        ("I", "2020-03-02T12:00:00-05:00", ""),
        ("J", "2020-03-02T12:00:01-05:00", ""),
        # the first instant of March in New York (05:00 UTC) is March; the one before, February
        ("K", "2020-03-01T00:00:00-05:00", "2020-03-02T09:30:00-05:00"),
        ("L", "2020-02-29T23:59:59-05:00", "2020-03-02T09:30:00-05:00"),
    ]
    text = HEADER + "".join(
        f"{lead},referral,late,true,{notified},{notified},{touch},ann\n"
        for lead, notified, touch in rows
    )
    text += "X,webinar,late,true,2020-03-02T09:00:00-05:00,2020-03-02T09:00:00-05:00,,ann\n"
    services.import_leads(engine, agreement, io.StringIO(text))
    months = month_ranges(agreement, [date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)])
    with engine.connect() as conn:
        counts = FollowUpRepository(conn).by_month(months, as_of_us=to_us(as_of))
    assert [(c.met, c.breached, c.waiting) for c in counts] == [(0, 0, 0), (1, 0, 0), (4, 3, 4)]


def test_no_months_and_gaps(engine: Engine) -> None:
    with engine.connect() as conn:
        repo = FollowUpRepository(conn)
        assert repo.by_month([], as_of_us=0) == []
        with pytest.raises(ValueError, match="overlap"):
            repo.by_month([(0, 20), (10, 30)], as_of_us=0)
        assert len(repo.by_month([(0, 10), (20, 30)], as_of_us=0)) == 2  # a gap is fine
