"""The scoreboard's cache (revpact.services.cache): exact at every moment, and invalidated by
every write that can change a figure — lead imports, webhook/API events, pending events,
deal and revenue imports, agreement versions and signatures, recomputed deadlines, escalation
actions, SWAT reports and reward splits."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import Engine

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.webhooks.events import parse_events
from revpact.services import agreement_versions
from revpact.services.cache import cache_stats, clear_cache, deal_facts, follow_up_facts
from revpact.services.deals import month_ranges, monthly_facts
from revpact.services.month_close import close_month
from revpact.services.public.scoreboard import YearScoreboardPublic
from revpact.store.follow_up import FollowUpRepository
from revpact.store.revision import store_revision

HEAD = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner"
END_OF_MARCH = datetime(2020, 3, 31, 20, tzinfo=UTC)
CFO = "david.okafor@company-a.example"
FAR = datetime(2030, 1, 1, tzinfo=UTC)  # when the closes are recorded
MID_MARCH = datetime(2020, 3, 15, 12, tzinfo=UTC)
FEBRUARY_TOO = datetime(2020, 2, 20, 15, tzinfo=UTC)


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def random_leads(count: int, seed: int) -> str:
    """Leads over January-March 2020, some touched (early or late), some never."""
    rng = np.random.default_rng(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rows = [HEAD]
    for i in range(count):
        notified = start + timedelta(minutes=int(rng.integers(0, 90 * 24 * 60)))
        touch = (
            ""
            if rng.random() < 0.3
            else (notified + timedelta(minutes=int(rng.integers(1, 3 * 24 * 60)))).isoformat()
        )
        kind = ("referral", "content", "webinar")[i % 3]
        rows.append(
            f"L{i:04d},{kind},late,true,{notified.isoformat()},{notified.isoformat()},{touch},"
            f"rep{i % 4}"
        )
    return "\n".join(rows) + "\n"


def uncached(engine: Engine, agreement: Agreement, as_of: datetime) -> dict[str, Any]:
    clear_cache(engine)
    try:
        return _year(engine, agreement, as_of)
    finally:
        clear_cache(engine)


def cached(engine: Engine, agreement: Agreement, as_of: datetime) -> dict[str, Any]:
    return _year(engine, agreement, as_of)


def _year(engine: Engine, agreement: Agreement, as_of: datetime) -> dict[str, Any]:
    board = services.year_scoreboard(engine, agreement, as_of=as_of)
    return YearScoreboardPublic.of(board).model_dump(mode="json")


def revision(engine: Engine) -> int:
    with engine.connect() as conn:
        return store_revision(conn)


def test_cached_follow_up_counts_equal_the_sql_at_every_moment(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    services.import_leads(engine, agreement, write(tmp_path, "leads.csv", random_leads(400, 7)))
    services.recompute_deadlines(engine, agreement)
    months = [datetime(2020, m, 1).date() for m in (1, 2, 3)]
    ranges = month_ranges(agreement, months)
    clear_cache(engine)
    start = datetime(2020, 3, 1, 5, tzinfo=UTC)
    # forwards (hits after the first), then backwards (each a miss that widens the entry)
    moments = [start + timedelta(hours=7 * k, minutes=13 * k) for k in range(0, 90)]
    for as_of in [*moments, *reversed(moments)]:
        us = to_us(as_of)
        with engine.connect() as conn:
            expected = FollowUpRepository(conn).by_month(ranges, as_of_us=us)
        assert follow_up_facts(engine, agreement, months, as_of_us=us) == expected, as_of
    stats = cache_stats(engine)
    assert stats.hits >= len(moments) and stats.misses >= 1


def test_a_second_call_is_served_from_the_cache(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    services.import_leads(engine, agreement, write(tmp_path, "leads.csv", random_leads(60, 3)))
    later = END_OF_MARCH + timedelta(hours=1)
    first, second = uncached(engine, agreement, END_OF_MARCH), uncached(engine, agreement, later)
    assert cached(engine, agreement, END_OF_MARCH) == first  # misses
    assert cache_stats(engine).hits == 0
    assert cached(engine, agreement, later) == second  # a later moment: both facts hit
    assert cached(engine, agreement, END_OF_MARCH) == first
    assert cache_stats(engine).hits == 4


def random_deals(count: int, seed: int) -> str:
    """Deals over January-March 2020: created, some proposed, most closed a few days later."""
    rng = np.random.default_rng(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rows = ["deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner"]
    for i in range(count):
        created = start + timedelta(minutes=int(rng.integers(0, 85 * 24 * 60)))
        proposal = created + timedelta(hours=int(rng.integers(1, 200)))
        closed = proposal + timedelta(hours=int(rng.integers(1, 300)))
        outcome = ("won", "lost", "open")[int(rng.integers(0, 3))]
        rows.append(
            f"D{i},,{created.isoformat()},"
            f"{proposal.isoformat() if rng.random() < 0.7 else ''},"
            f"{closed.isoformat() if outcome != 'open' else ''},{outcome},"
            f"{int(rng.integers(1, 9000)) if outcome == 'won' else ''},rep{i % 3}"
        )
    return "\n".join(rows) + "\n"


def test_cached_deal_facts_are_those_of_the_moment_asked_about(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    """The deal facts as of T (truncated at T) from the cache equal the SQL at every moment,
    walking forwards and back across lead and deal events and month ends."""
    services.import_leads(engine, agreement, write(tmp_path, "leads.csv", random_leads(120, 5)))
    services.import_deals(engine, agreement, write(tmp_path, "deals.csv", random_deals(80, 5)))
    body = "month,amount\n2020-01,1000\n2020-02,2000\n2020-03,3000\n"
    services.import_revenue(engine, agreement, write(tmp_path, "revenue.csv", body))
    months = [datetime(2020, m, 1).date() for m in (1, 2, 3)]
    clear_cache(engine)
    start = datetime(2020, 1, 20, tzinfo=UTC)
    moments = [start + timedelta(hours=19 * k, minutes=7 * k) for k in range(0, 95)]
    seen = set()
    for as_of in [*moments, *reversed(moments)]:
        us = to_us(as_of)
        expected = monthly_facts(engine, agreement, months, as_of_us=us)
        assert deal_facts(engine, agreement, months, as_of_us=us) == expected, as_of
        seen.add(tuple(f.revenue for f in expected))
    assert len(seen) > 10  # the walk did cross many changes
    assert cache_stats(engine).hits > 0


# --- every write path -------------------------------------------------------------------------

EVENTS = [
    {
        "id": "evt-new",
        "type": "lead.notified",
        "occurred_at": "2020-03-10T10:00:00-04:00",
        "lead": {"lead_id": "W1", "lead_type": "referral", "stage": "late",
                 "requested_follow_up": True, "owner": "rep1"},
    },
    {
        "id": "evt-touch",
        "type": "lead.touched",
        "occurred_at": "2020-03-02T10:20:00-05:00",
        "lead_id": "L0000",
        "channel": "call",
        "automated": False,
    },
]  # fmt: skip

DEALS = """\
deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner
D1,,2020-02-03T12:00:00-05:00,2020-02-05T12:00:00-05:00,2020-02-20T12:00:00-05:00,won,250000,rep1
D2,,2020-03-03T12:00:00-05:00,2020-03-04T12:00:00-05:00,2020-03-09T12:00:00-04:00,lost,,rep2
"""
REVENUE = "month,amount\n2020-01,900000\n2020-02,1300000\n"


def _webhook(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    body = json.dumps(EVENTS).encode()
    services.receive(engine, agreement, "revpact", parse_events(body, agreement), END_OF_MARCH)


def _pending(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    # a touch of a lead not imported yet waits; the lead import then applies it
    body = json.dumps(
        [{"id": "evt-early", "type": "lead.touched", "occurred_at": "2020-03-05T11:00:00-05:00",
          "lead_id": "LATE1", "channel": "call", "automated": False}]
    ).encode()  # fmt: skip
    services.receive(engine, agreement, "revpact", parse_events(body, agreement), END_OF_MARCH)
    moment = "2020-03-05T10:00:00-05:00"
    rows = f"{HEAD}\nLATE1,referral,late,true,{moment},{moment},,rep3\n"
    with engine.connect() as conn:
        before = store_revision(conn)
    services.import_leads(engine, agreement, write(tmp_path, "late.csv", rows))
    assert revision(engine) >= before + 2  # the import and the pending event each bump


def _leads(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    services.import_leads(engine, agreement, write(tmp_path, "more.csv", random_leads(30, 99)))


def _deals(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    services.import_deals(engine, agreement, write(tmp_path, "deals.csv", DEALS))


def _revenue(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    services.import_revenue(engine, agreement, write(tmp_path, "revenue.csv", REVENUE))


def _amended() -> tuple[Agreement, str]:
    source = company_a_template("en").replace(
        "monthly_lead_value_target: 550000", "monthly_lead_value_target: 450000"
    )
    assert source != company_a_template("en")
    return parse_agreement(source), source


def _publish(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    amended, source = _amended()
    agreement_versions.publish(
        engine, amended, source, at=datetime(2020, 1, 2, tzinfo=UTC), now=END_OF_MARCH
    )


def _sign(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    amended, source = _amended()
    agreement_versions.publish(
        engine, amended, source, at=datetime(2020, 1, 2, tzinfo=UTC), now=END_OF_MARCH
    )
    at = datetime(2020, 1, 3, tzinfo=UTC)
    for person in amended.signatories:
        before = revision(engine)
        agreement_versions.sign(
            engine, person.email, version=None, at=at, now=END_OF_MARCH, via="cli"
        )
        assert revision(engine) == before + 1


def _deadlines(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    # another SLA (e.g. the CLI with a changed file) recomputes the stored deadlines
    other = parse_agreement(company_a_template("en").replace("    within: 1h", "    within: 2h"))
    assert other.sla_fingerprint() != agreement.sla_fingerprint()
    assert services.recompute_deadlines(engine, other) > 0


def _close_through(engine: Engine, agreement: Agreement, last: int) -> None:
    """Close January to month ``last`` of 2020, each five days after it ends (every lead is
    decided by then): escalation and rewards count closed months only."""
    zone = ZoneInfo(agreement.calendar.timezone)
    for month in range(1, last + 1):
        at = datetime(2020, month + 1, 1, tzinfo=zone) + timedelta(days=5)
        close_month(engine, agreement, f"2020-{month:02d}", by=CFO, now=FAR, via="cli", at=at)


def _close(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    _close_through(engine, agreement, 1)


def _actions(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    _close_through(engine, agreement, 2)
    assert services.sync_escalation(engine, agreement, as_of=END_OF_MARCH)
    before = revision(engine)
    services.sync_escalation(engine, agreement, as_of=END_OF_MARCH)  # nothing new: no bump
    assert revision(engine) == before
    action = services.list_actions(engine)[0]
    services.complete_action(
        engine, f"{action.month:%Y-%m}", action.level, action.seq, at=END_OF_MARCH
    )
    assert revision(engine) == before + 1


def _swat(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    _close_through(engine, agreement, 2)
    weeks = services.swat_status(engine, agreement, as_of=END_OF_MARCH)
    due = next(w.week for w in weeks if w.due)
    report = write(tmp_path, "report.md", "# Week\n\nCalled every stale lead.\n")
    services.file_swat_report(engine, agreement, week=due, path=report, as_of=END_OF_MARCH)


def _reward(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    # January earns the pool: 110 referral leads followed up at once, a won deal, revenue
    rows = [
        f"R{i},referral,late,true,2020-01-06T10:00:00-05:00,2020-01-06T10:00:00-05:00,"
        "2020-01-06T10:30:00-05:00,ann"
        for i in range(110)
    ]
    services.import_leads(
        engine, agreement, write(tmp_path, "r.csv", "\n".join([HEAD, *rows]) + "\n")
    )
    services.import_deals(
        engine,
        agreement,
        write(
            tmp_path,
            "d.csv",
            "deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner\n"
            "DR,R0,2020-01-06T12:00:00-05:00,2020-01-08T12:00:00-05:00,"
            "2020-01-10T12:00:00-05:00,won,100,ann\n",
        ),
    )
    services.import_revenue(
        engine, agreement, write(tmp_path, "v.csv", "month,amount\n2020-01,2000000\n")
    )
    _close_through(engine, agreement, 1)
    feb = datetime(2020, 2, 10, tzinfo=UTC)
    assert services.reward_status(engine, agreement, as_of=feb).months
    before = revision(engine)
    assert agreement.rewards.monthly is not None
    pool = agreement.rewards.monthly.pool
    services.allocate_reward(
        engine,
        agreement,
        month="2020-01",
        shares={"Ann": pool - 1, "Bo": Decimal(1)},
        as_of=feb,
        by="emily.carter@company-a.example",
    )
    assert revision(engine) == before + 1


WRITES: dict[str, Callable[[Engine, Agreement, Path], None]] = {
    "lead import": _leads,
    "webhook/API events": _webhook,
    "pending events": _pending,
    "deal import": _deals,
    "revenue import": _revenue,
    "agreement version": _publish,
    "signatures": _sign,
    "recomputed deadlines": _deadlines,
    "escalation actions": _actions,
    "SWAT report": _swat,
    "reward split": _reward,
    "month close": _close,
}


@pytest.mark.parametrize("name", list(WRITES))
def test_every_write_path_bumps_the_revision_and_the_cache_follows(
    name: str, engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    if name != "reward split":  # a month that earns the pool needs every lead on time
        services.import_leads(engine, agreement, write(tmp_path, "leads.csv", random_leads(80, 11)))
    for as_of in (FEBRUARY_TOO, MID_MARCH, END_OF_MARCH):
        cached(engine, agreement, as_of)  # warm
    before = revision(engine)
    WRITES[name](engine, agreement, tmp_path)
    assert revision(engine) > before, name
    for as_of in (FEBRUARY_TOO, MID_MARCH, END_OF_MARCH):
        assert cached(engine, agreement, as_of) == uncached(engine, agreement, as_of), (name, as_of)


@pytest.mark.parametrize(
    "name", ["lead import", "webhook/API events", "deal import", "revenue import"]
)
def test_a_write_changes_what_the_cache_serves(
    name: str, engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    """Without the bump these would serve the figures from before the write."""
    services.import_leads(engine, agreement, write(tmp_path, "leads.csv", random_leads(80, 11)))
    old = cached(engine, agreement, END_OF_MARCH)
    WRITES[name](engine, agreement, tmp_path)
    new = cached(engine, agreement, END_OF_MARCH)
    assert new != old
    assert new == uncached(engine, agreement, END_OF_MARCH)


def test_reads_do_not_bump(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    services.import_leads(engine, agreement, write(tmp_path, "leads.csv", random_leads(40, 5)))
    services.escalation_status(engine, agreement, as_of=END_OF_MARCH)
    before = revision(engine)
    for _ in range(3):
        services.year_scoreboard(engine, agreement, as_of=END_OF_MARCH)
        services.escalation_status(engine, agreement, as_of=END_OF_MARCH)
        services.reward_status(engine, agreement, as_of=END_OF_MARCH)
        services.follow_up_summary(engine, agreement, as_of=END_OF_MARCH)
    assert revision(engine) == before
