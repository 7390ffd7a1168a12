"""Escalation action items, SWAT weekly reports and reward splits, on every backend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from revpact import services
from revpact.domain.agreement.accountability import Owner
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.errors import RefusedError, RevpactError
from revpact.services.accountability import correct_reward
from revpact.store.audit import audit_rows

CloseMonths = Callable[..., object]  # the close_months fixture (tests/conftest.py)

MID_MARCH = datetime(2020, 3, 15, 12, tzinfo=UTC)  # a Sunday: weeks 10 and 11 have begun


def referral_leads(count: int) -> str:
    """``count`` referral leads in January 2020 (5,000 each), each followed up in 30 minutes."""
    rows = [
        f"R{i},referral,late,true,2020-01-06T10:00:00-05:00,2020-01-06T10:00:00-05:00,"
        "2020-01-06T10:30:00-05:00,ann"
        for i in range(count)
    ]
    head = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner"
    return "\n".join([head, *rows]) + "\n"


EARNING_DEALS = """\
deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner
D1,R0,2020-01-06T12:00:00-05:00,2020-01-08T12:00:00-05:00,2020-01-10T12:00:00-05:00,won,100,ann
"""
EARNING_REVENUE = "month,amount\n2020-01,2000000\n"


@pytest.fixture
def earning(
    engine: Engine, agreement: Agreement, tmp_path: Path, close_months: CloseMonths
) -> Engine:
    """January meets every goal: 110 referral leads (550,000), all followed up in time, one
    proposal won in 4 days, and 2,000,000 of revenue; January is closed."""
    for name, body, service in (
        ("leads.csv", referral_leads(110), services.import_leads),
        ("deals.csv", EARNING_DEALS, services.import_deals),
        ("revenue.csv", EARNING_REVENUE, services.import_revenue),
    ):
        (tmp_path / name).write_text(body, encoding="utf-8")
        service(engine, agreement, tmp_path / name)
    close_months(engine, agreement, "2020-01")
    return engine


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


# --- escalation ---------------------------------------------------------------------------------


def test_missed_months_record_their_levels_actions_once(
    engine: Engine, agreement: Agreement, close_months: CloseMonths
) -> None:
    assert services.sync_escalation(engine, agreement, as_of=MID_MARCH) == []  # none closed
    close_months(engine, agreement, "2020-02")
    added = services.sync_escalation(engine, agreement, as_of=MID_MARCH)
    # January entered the 30-day level (4 actions), February the 60-day level (5); March is
    # still in progress, so it has missed nothing yet.
    assert [(a.month, a.level) for a in added] == [(date(2020, 1, 1), 30)] * 4 + [
        (date(2020, 2, 1), 60)
    ] * 5
    assert [a.seq for a in added[:4]] == [1, 2, 3, 4]
    assert added[0].due == date(2020, 2, 3)  # 3 days after 31 January
    assert added[-1].owner is Owner.SWAT_TEAM and added[-1].due == date(2020, 3, 7)
    assert services.sync_escalation(engine, agreement, as_of=MID_MARCH) == []
    assert services.list_actions(engine) == added
    assert _count(engine, "escalation_actions") == 9


def test_a_later_sync_adds_only_the_new_level(
    engine: Engine, agreement: Agreement, close_months: CloseMonths
) -> None:
    close_months(engine, agreement, "2020-02")
    services.sync_escalation(engine, agreement, as_of=MID_MARCH)
    close_months(engine, agreement, "2020-03")
    added = services.sync_escalation(engine, agreement, as_of=datetime(2020, 4, 2, tzinfo=UTC))
    assert {(a.month, a.level) for a in added} == {(date(2020, 3, 1), 90)}
    assert _count(engine, "escalation_actions") == 14


def test_completing_an_action(
    engine: Engine, agreement: Agreement, close_months: CloseMonths
) -> None:
    close_months(engine, agreement, "2020-02")
    services.sync_escalation(engine, agreement, as_of=MID_MARCH)
    at = datetime(2020, 2, 2, 15, tzinfo=UTC)
    item = services.complete_action(engine, "2020-01", 30, 1, at=at)
    assert item.done and item.done_at == at
    again = services.complete_action(engine, "2020-01", 30, 1, at=MID_MARCH)
    assert again.done_at == at  # the first mark stays
    assert len(services.list_actions(engine, open_only=True)) == 8
    with pytest.raises(RevpactError, match="no action 9 of level 30 was issued in 2020-01"):
        services.complete_action(engine, "2020-01", 30, 9, at=at)
    with pytest.raises(RevpactError, match="not a month"):
        services.complete_action(engine, "January", 30, 1, at=at)


def test_met_month_resets_the_ladder(earning: Engine, agreement: Agreement) -> None:
    state = services.escalation_status(earning, agreement, as_of=datetime(2020, 2, 10, tzinfo=UTC))
    assert (state.level, state.since, state.actions, state.weeks) == (0, None, (), ())


# --- SWAT reports -------------------------------------------------------------------------------


def test_swat_weeks_follow_the_sixty_day_level(
    engine: Engine, agreement: Agreement, close_months: CloseMonths
) -> None:
    close_months(engine, agreement, "2020-02")
    weeks = services.swat_status(engine, agreement, as_of=MID_MARCH)
    # Company A's 30-day SWAT team does not report weekly; the 60-day one (February) does, for
    # the ISO weeks of March.
    assert [w.week for w in weeks] == ["2020-W10", "2020-W11", "2020-W12", "2020-W13"]
    assert [w.due for w in weeks] == [True, True, False, False]
    assert not any(w.filed for w in weeks)


def test_filing_a_due_week(
    engine: Engine, agreement: Agreement, tmp_path: Path, close_months: CloseMonths
) -> None:
    close_months(engine, agreement, "2020-02")
    report = tmp_path / "report.md"
    report.write_text("# Week 10\n\nCalled every stale lead.\n", encoding="utf-8")
    filed = services.file_swat_report(
        engine, agreement, week="2020-W10", path=report, as_of=MID_MARCH
    )
    assert (filed.week, filed.file_name, filed.replaced) == ("2020-W10", "report.md", False)
    weeks = {w.week: w for w in services.swat_status(engine, agreement, as_of=MID_MARCH)}
    assert weeks["2020-W10"].filed and weeks["2020-W10"].filed_at == MID_MARCH
    assert not weeks["2020-W11"].filed
    report.write_text("# Week 10, corrected\n", encoding="utf-8")
    again = services.file_swat_report(
        engine, agreement, week="2020-W10", path=report, as_of=MID_MARCH
    )
    assert again.replaced and again.sha256 != filed.sha256
    assert _count(engine, "swat_report_filings") == 2  # the first filing is kept
    with engine.connect() as conn:
        bodies = conn.execute(
            text("SELECT body FROM swat_report_filings ORDER BY filing_id")
        ).scalars()
        assert list(bodies) == ["# Week 10\n\nCalled every stale lead.\n", "# Week 10, corrected\n"]
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM swat_report_filings"))


def test_filing_is_refused_when_nothing_is_due_or_the_file_is_bad(
    engine: Engine, agreement: Agreement, tmp_path: Path, close_months: CloseMonths
) -> None:
    close_months(engine, agreement, "2020-02")
    report = tmp_path / "report.md"
    report.write_text("# Report\n", encoding="utf-8")

    def file(week: str, path: Path = report) -> None:
        services.file_swat_report(engine, agreement, week=week, path=path, as_of=MID_MARCH)

    with pytest.raises(RevpactError, match=r"no SWAT report is due for 2020-W27.*2020-W10, "):
        file("2020-W27")
    with pytest.raises(RevpactError, match="begins on 2020-03-16"):
        file("2020-W12")
    with pytest.raises(RevpactError, match="not an ISO week"):
        file("week 10")
    with pytest.raises(RevpactError, match="cannot read"):
        file("2020-W10", tmp_path / "missing.md")
    (tmp_path / "empty.md").write_text("  \n", encoding="utf-8")
    with pytest.raises(RevpactError, match="is empty"):
        file("2020-W10", tmp_path / "empty.md")
    assert _count(engine, "swat_report_filings") == 0


# --- rewards ------------------------------------------------------------------------------------

FEB = datetime(2020, 2, 10, tzinfo=UTC)


LEADER = "emily.carter@company-a.example"  # CMO, leader: true
OTHER_LEADER = "michael.brennan@company-a.example"


def test_an_earned_month_is_split_exactly(earning: Engine, agreement: Agreement) -> None:
    status = services.reward_status(earning, agreement, as_of=FEB)
    assert [(m.month, m.pool, m.split) for m in status.months] == [
        (date(2020, 1, 1), Decimal(5000), None)
    ]
    assert status.annual_text and "Mexico" in status.annual_text
    assert status.annual_earned is None
    with pytest.raises(RevpactError, match=r"add up to 4999.99, not the pool of 5000"):
        services.allocate_reward(
            earning,
            agreement,
            month="2020-01",
            shares={"anna@x": Decimal(2500), "tom@x": Decimal("2499.99")},
            as_of=FEB,
            by=LEADER,
        )
    assert _count(earning, "reward_splits") == 0
    reward = services.allocate_reward(
        earning,
        agreement,
        month="2020-01",
        shares={"anna@x": Decimal("3000.50"), "tom@x": Decimal("1999.50")},
        as_of=FEB,
        by=LEADER.upper(),
    )
    assert reward.split == {"anna@x": Decimal("3000.50"), "tom@x": Decimal("1999.50")}
    assert reward.allocated_by == LEADER  # as the roster spells it
    (month,) = services.reward_status(earning, agreement, as_of=FEB).months
    assert month.split == {"anna@x": Decimal("3000.5"), "tom@x": Decimal("1999.5")}
    assert month.allocated_at == FEB
    assert month.allocated_by == LEADER
    assert _count(earning, "reward_splits") == 1


def test_a_split_is_changed_only_by_a_recorded_correction(
    earning: Engine, agreement: Agreement
) -> None:
    first = {"anna@x": Decimal(2500), "tom@x": Decimal(2500)}
    services.allocate_reward(
        earning, agreement, month="2020-01", shares=first, as_of=FEB, by=LEADER
    )
    with pytest.raises(
        RefusedError, match=r"changed only by a correction: `revpact rewards correct"
    ):
        services.allocate_reward(
            earning,
            agreement,
            month="2020-01",
            shares={"anna@x": Decimal(5000)},
            as_of=FEB,
            by=LEADER,
        )
    with pytest.raises(RevpactError, match="says why"):
        correct_reward(
            earning,
            agreement,
            month="2020-01",
            shares={"anna@x": Decimal(5000)},
            as_of=FEB,
            by=LEADER,
            reason="  ",
        )
    later = datetime(2020, 2, 12, tzinfo=UTC)
    corrected = correct_reward(
        earning,
        agreement,
        month="2020-01",
        shares={"anna@x": Decimal(4000), "tom@x": Decimal(1000)},
        as_of=later,
        by=OTHER_LEADER,
        reason="Tom left in January",
    )
    assert corrected.split == {"anna@x": Decimal(4000), "tom@x": Decimal(1000)}
    assert [h.number for h in corrected.history] == [1, 2]
    assert corrected.history[0].split == first  # the old split is kept
    assert corrected.history[1].reason == "Tom left in January"
    assert corrected.history[1].allocated_by == OTHER_LEADER
    # As of the moment between the two, the first split is the month's split.
    (before,) = services.reward_status(earning, agreement, as_of=FEB).months
    assert before.split == first and len(before.history) == 1
    (after,) = services.reward_status(earning, agreement, as_of=later).months
    assert after.split == corrected.split and len(after.history) == 2
    with pytest.raises(RefusedError, match="before the split it corrects"):
        correct_reward(
            earning,
            agreement,
            month="2020-01",
            shares=first,
            as_of=FEB - timedelta(hours=1),
            by=LEADER,
            reason="back",
        )
    assert _count(earning, "reward_splits") == 2
    with pytest.raises(DBAPIError, match="append-only"), earning.begin() as conn:
        conn.execute(text("UPDATE reward_splits SET shares = '{}'"))
    with earning.connect() as conn:
        trail = audit_rows(conn, action_prefix="reward.")
    assert [(r.action, r.actor, r.subject) for r in trail] == [
        ("reward.allocate", LEADER, "reward:2020-01"),
        ("reward.correct", OTHER_LEADER, "reward:2020-01"),
    ]
    assert trail[1].claimed_us == to_us(later)
    assert trail[1].detail["reason"] == "Tom left in January"


@pytest.mark.parametrize(
    ("by", "why"),
    [
        ("lucas.moreno@company-a.example", "a signatory but not a team leader"),
        ("someone@else.example", "not a signatory"),
    ],
)
def test_only_a_team_leader_splits_the_pool(
    earning: Engine, agreement: Agreement, by: str, why: str
) -> None:
    with pytest.raises(RefusedError, match=why) as caught:
        services.allocate_reward(
            earning,
            agreement,
            month="2020-01",
            shares={"anna@x": Decimal(5000)},
            as_of=FEB,
            by=by,
        )
    assert LEADER in str(caught.value)
    assert _count(earning, "reward_splits") == 0


def test_a_month_that_did_not_earn_is_refused(
    earning: Engine, agreement: Agreement, close_months: CloseMonths
) -> None:
    shares = {"anna@x": Decimal(5000)}
    close_months(earning, agreement, "2020-02")
    march = datetime(2020, 3, 2, tzinfo=UTC)
    with pytest.raises(RevpactError, match=r"2020-02 did not earn the monthly pool: revenue 0"):
        services.allocate_reward(
            earning, agreement, month="2020-02", shares=shares, as_of=march, by=LEADER
        )
    with pytest.raises(RevpactError, match="lead value missed"):
        services.allocate_reward(
            earning, agreement, month="2020-02", shares=shares, as_of=march, by=LEADER
        )
    with pytest.raises(RevpactError, match="not a finished month"):
        services.allocate_reward(
            earning, agreement, month="2020-03", shares=shares, as_of=march, by=LEADER
        )
    with pytest.raises(RevpactError, match="at most 4 decimal places"):
        services.allocate_reward(
            earning,
            agreement,
            month="2020-01",
            shares={"anna@x": Decimal("4999.99999"), "tom@x": Decimal("0.00001")},
            as_of=march,
            by=LEADER,
        )
    assert _count(earning, "reward_splits") == 0


def test_actions_and_reports_read_as_of_a_moment(
    engine: Engine, agreement: Agreement, tmp_path: Path, close_months: CloseMonths
) -> None:
    close_months(engine, agreement, "2020-03")
    services.sync_escalation(engine, agreement, as_of=datetime(2020, 4, 2, tzinfo=UTC))
    done_at = datetime(2020, 2, 20, 15, tzinfo=UTC)
    services.complete_action(
        engine, "2020-01", 30, 1, at=done_at, by="emily.carter@company-a.example"
    )
    # As of mid-February: only January's actions had been issued, none done before the 20th.
    feb = services.list_actions(engine, as_of=datetime(2020, 2, 15, tzinfo=UTC))
    assert {a.month for a in feb} == {date(2020, 1, 1)} and not any(a.done for a in feb)
    assert len(services.list_actions(engine, open_only=True, as_of=done_at)) == 3
    state = services.escalation_status(engine, agreement, as_of=datetime(2020, 2, 15, tzinfo=UTC))
    assert {a.month for a in state.actions} == {date(2020, 1, 1)}
    assert not any(a.done for a in state.actions)
    report = tmp_path / "w10.md"
    report.write_text("# Week 10\n", encoding="utf-8")
    services.file_swat_report(engine, agreement, week="2020-W10", path=report, as_of=MID_MARCH)
    before = {
        w.week: w
        for w in services.swat_status(engine, agreement, as_of=MID_MARCH - timedelta(hours=1))
    }
    assert not before["2020-W10"].filed
    with engine.connect() as conn:
        trail = [r for r in audit_rows(conn) if r.action != "month.close"]
    assert [(r.action, r.actor) for r in trail] == [
        ("escalation.action_done", "emily.carter@company-a.example"),
        ("swat.report", None),
    ]
    assert trail[0].claimed_us == to_us(done_at) and trail[0].subject == "action:2020-01/30/1"
