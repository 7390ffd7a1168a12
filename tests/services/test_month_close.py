"""Month close: a close freezes the month's figures; data arriving later shows as a restatement
(figure old → new, and the rows that caused it) until a reopen and a new close apply it; who may
close; what is refused; and the log is append-only."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.scoreboard.facts import CycleStats, MonthFacts, RevenueSource
from revpact.errors import RefusedError, RevpactError
from revpact.services.month_close import close_month, may_close, reopen_month
from revpact.services.month_facts import closed_facts, live_month_facts
from revpact.services.month_facts_json import (
    changed_figures,
    facts_from_json,
    facts_hash,
    facts_to_json,
)
from revpact.services.month_states import (
    CloseState,
    close_blocks,
    month_states,
    restatements,
)
from revpact.services.public.months import RestatementPublic
from revpact.services.public.scoreboard import MonthScoreboard
from revpact.services.scoreboard import year_scoreboard
from revpact.store.audit import audit_rows

CEO = "margaret.lowell@company-a.example"  # executive team
CMO = "emily.carter@company-a.example"  # marketing, leader
REP = "kevin.tran@company-a.example"  # sales, not a leader
FEB_1 = datetime(2020, 2, 1, 6, tzinfo=UTC)  # when January's data arrived
FEB_3 = datetime(2020, 2, 3, 12, tzinfo=UTC)  # January has ended and every lead is decided
MID_FEB = datetime(2020, 2, 14, 12, tzinfo=UTC)
JAN = date(2020, 1, 1)

HEAD = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner"
DEAL_HEAD = "deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner"
D1 = "D1,R0,2020-01-06T12:00-05:00,2020-01-08T12:00-05:00,2020-01-10T12:00-05:00,won,100,ann"
D2 = "D2,R1,2020-01-07T12:00-05:00,2020-01-09T12:00-05:00,2020-01-21T12:00-05:00,won,300,ann"


def _leads(count: int) -> str:
    rows = [
        f"R{i},referral,late,true,2020-01-06T10:00:00-05:00,2020-01-06T10:00:00-05:00,"
        "2020-01-06T10:30:00-05:00,ann"
        for i in range(count)
    ]
    return "\n".join([HEAD, *rows]) + "\n"


def _import(
    engine: Engine,
    agreement: Agreement,
    folder: Path,
    name: str,
    body: str,
    *,
    recorded: datetime = FEB_1,
) -> None:
    """Import a file as if at ``recorded`` (the moment the store records the rows arrived, on
    an import that takes one)."""
    service: Any = {
        "leads": services.import_leads,
        "deals": services.import_deals,
        "revenue": services.import_revenue,
    }[name]
    path = folder / f"{name}.csv"
    path.write_text(body, encoding="utf-8")
    service(engine, agreement, path, now=recorded)


@pytest.fixture
def january(engine: Engine, agreement: Agreement, tmp_path: Path) -> Engine:
    """January: 20 referral leads followed up in time, one won deal, 900,000 of revenue."""
    _import(engine, agreement, tmp_path, "leads", _leads(20))
    _import(engine, agreement, tmp_path, "deals", "\n".join([DEAL_HEAD, D1]) + "\n")
    _import(engine, agreement, tmp_path, "revenue", "month,amount\n2020-01,900000\n")
    return engine


def _close(engine: Engine, agreement: Agreement, month: str = "2020-01", **kw: Any) -> Any:
    args: dict[str, Any] = {"by": CEO, "now": FEB_3, "via": "cli", **kw}
    return close_month(engine, agreement, month, **args)


def _january_json(engine: Engine, agreement: Agreement, at: datetime) -> dict[str, Any]:
    board = year_scoreboard(engine, agreement, as_of=at, require_close=False)
    return MonthScoreboard.of(board.months[0]).model_dump(mode="json")


# --- the facts' JSON ----------------------------------------------------------------------------


def test_facts_round_trip_and_hash_is_stable() -> None:
    facts = MonthFacts(
        month=JAN,
        revenue=Decimal("900000.50"),
        leads_by_type={"referral": 3, "content": 0},
        follow_up_met=3,
        proposals_won=1,
        won_cycle=CycleStats.of([Decimal("4.5")]),
        revenue_source=RevenueSource.WON_DEALS,
    )
    data = facts_to_json(facts)
    assert data["revenue"] == "900000.50" and data["won_cycle"]["median_days"] == "4.5"
    assert facts_from_json(data) == facts
    assert facts_hash(facts_from_json(data)) == facts_hash(facts)
    # a field stored by a later revpact is ignored; one it lacks takes the default
    older = {k: v for k, v in data.items() if k not in {"proposals_lost", "revenue_source"}}
    back = facts_from_json({**older, "a_future_field": 1})
    assert back.proposals_lost == 0 and back.revenue_source is RevenueSource.RECOGNISED


def test_changed_figures_name_each_figure_and_compare_amounts_as_numbers() -> None:
    old = MonthFacts(month=JAN, revenue=Decimal(100), leads_by_type={"referral": 3})
    same = replace(old, revenue=Decimal("100.00"))
    assert changed_figures(old, same) == ()
    new = replace(old, leads_by_type={"referral": 4}, won_cycle=CycleStats.of([2]))
    assert [(c.name, c.old, c.new) for c in changed_figures(old, new)] == [
        ("leads_by_type.referral", 3, 4),
        ("won_cycle.count", 0, 1),
        ("won_cycle.total_days", "0", "2"),
        ("won_cycle.median_days", None, "2"),
    ]


# --- close, restatement, reopen -----------------------------------------------------------------


def test_a_close_keeps_the_month_as_the_scoreboard_showed_it(
    january: Engine, agreement: Agreement
) -> None:
    before = _january_json(january, agreement, FEB_3)
    closed = _close(january, agreement)
    assert closed.by == CEO and closed.at == FEB_3
    assert closed.figures == before
    assert closed.version_hash is not None and len(closed.version_hash) == 64
    frozen = closed_facts(january, [JAN], as_of_us=to_us(FEB_3))[JAN]
    assert frozen == live_month_facts(january, agreement, [JAN], as_of=FEB_3)[0]
    assert closed.facts_hash == facts_hash(frozen)
    # scored from the frozen facts, the month shows exactly what it showed before
    assert _january_json(january, agreement, FEB_3) == before
    # as of a moment before the close, the month was not closed yet (time travel = truncation)
    assert closed_facts(january, [JAN], as_of_us=to_us(FEB_3) - 1) == {}


def test_late_data_does_not_change_a_closed_month_it_shows_as_a_restatement(
    january: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    before = _january_json(january, agreement, MID_FEB)
    _close(january, agreement)
    assert restatements(january, agreement, now=MID_FEB) == []
    late = FEB_3 + timedelta(days=2)
    _import(
        january,
        agreement,
        tmp_path,
        "deals",
        "\n".join([DEAL_HEAD, D1, D2]) + "\n",
        recorded=late,
    )

    assert _january_json(january, agreement, MID_FEB) == before  # frozen
    (found,) = restatements(january, agreement, now=MID_FEB)
    assert found.month == JAN and found.closed.by == CEO
    changes = {c.name: (c.old, c.new) for c in found.changes}
    assert changes["proposals_won"] == (1, 2)
    assert changes["won_cycle.count"] == (1, 2)
    assert "revenue" not in changes  # January's revenue is its recognised row, unchanged
    as_json = RestatementPublic.of(found).model_dump(mode="json")
    assert {"figure": "proposals_won", "old": 1, "new": 2} in as_json["changes"]
    assert [(r["table"], r["key"]) for r in as_json["rows"]] == [("deals", "D2")]
    assert as_json["rows"][0]["recorded_at"] == late.isoformat()
    # the scoreboard's close block names the pending change
    block = close_blocks(january, agreement, as_of=MID_FEB)["2020-01"]
    assert block["state"] == "closed" and block["by"] == CEO
    assert {"figure": "proposals_won", "old": 1, "new": 2} in block["restatements"]


def test_reopen_and_close_apply_a_restatement(
    january: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    first = _close(january, agreement)
    _import(january, agreement, tmp_path, "deals", "\n".join([DEAL_HEAD, D1, D2]) + "\n")
    frozen = _january_json(january, agreement, MID_FEB)

    reopened = reopen_month(
        january,
        agreement,
        "2020-01",
        by=CMO,
        reason="D2 was won in January",
        now=MID_FEB,
        via="cli",
    )
    assert reopened.reason == "D2 was won in January"
    assert restatements(january, agreement, now=MID_FEB) == []  # open again: nothing frozen
    live = _january_json(january, agreement, MID_FEB)
    assert live != frozen and live["close_rate"] != frozen["close_rate"]

    again = _close(january, agreement, now=MID_FEB, by=CMO)
    assert again.facts_hash != first.facts_hash
    assert again.figures == live
    assert restatements(january, agreement, now=MID_FEB) == []
    actions = [(r.action, r.subject, r.actor) for r in audit_rows_of(january)]
    assert actions == [
        ("month.close", "month:2020-01", CEO),
        ("month.reopen", "month:2020-01", CMO),
        ("month.close", "month:2020-01", CMO),
    ]


def audit_rows_of(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return audit_rows(conn, action_prefix="month.")


def test_the_audit_row_has_both_times_and_the_hash(january: Engine, agreement: Agreement) -> None:
    at = FEB_3 - timedelta(hours=1)
    closed = _close(january, agreement, at=at)
    (row,) = audit_rows_of(january)
    assert row.claimed_us == to_us(at) and row.recorded_us == to_us(FEB_3)
    assert row.via == "cli" and row.detail["facts_hash"] == closed.facts_hash


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "kw", "words"),
    [
        ("2020-02", {}, "2020-02 has not ended yet"),
        ("2019-12", {}, "outside the agreement's period"),
        ("2021-01", {}, "outside the agreement's period"),
        ("2020-13", {}, "is not a month"),
        ("2020-01", {"by": REP}, "may not close or reopen months"),
        ("2020-01", {"by": "someone@else.example"}, "may not close or reopen months"),
        ("2020-01", {"at": FEB_3 + timedelta(minutes=1)}, "cannot be dated in the future"),
        ("2020-01", {"at": datetime(2020, 1, 31, 12, tzinfo=UTC)}, "has not ended yet"),
    ],
)
def test_what_close_refuses(
    january: Engine, agreement: Agreement, month: str, kw: dict[str, Any], words: str
) -> None:
    with pytest.raises(RevpactError, match=words):
        _close(january, agreement, month, **kw)
    assert audit_rows_of(january) == []


def test_a_closed_month_is_not_closed_twice(january: Engine, agreement: Agreement) -> None:
    _close(january, agreement)
    with pytest.raises(RefusedError, match=r"2020-01 was closed by .*reopen it first"):
        _close(january, agreement)


def test_months_are_closed_in_order(january: Engine, agreement: Agreement) -> None:
    march = datetime(2020, 3, 2, 12, tzinfo=UTC)
    with pytest.raises(RefusedError, match="close 2020-01 first"):
        _close(january, agreement, "2020-02", now=march)
    _close(january, agreement, now=march)
    assert _close(january, agreement, "2020-02", now=march).month == date(2020, 2, 1)


def test_a_month_with_a_lead_still_waiting_is_not_closed(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    # notified on Friday 31 January at 17:30: due in the first hour of Monday 3 February
    late = "W1,referral,late,true,2020-01-31T17:30:00-05:00,2020-01-31T17:30:00-05:00,,ann"
    _import(engine, agreement, tmp_path, "leads", f"{HEAD}\n{late}\n")
    saturday = datetime(2020, 2, 1, 12, tzinfo=UTC)
    with pytest.raises(RefusedError, match=r"1 lead waiting .*falls due 2020-02-03 10:00"):
        _close(engine, agreement, now=saturday)
    after = datetime(2020, 2, 3, 15, 1, tzinfo=UTC)  # 10:01 in New York
    assert _close(engine, agreement, now=after).month == JAN  # decided (breached) by then


def test_the_log_only_moves_forward(january: Engine, agreement: Agreement) -> None:
    _close(january, agreement)
    with pytest.raises(RefusedError, match="only moves forward"):
        reopen_month(
            january,
            agreement,
            "2020-01",
            by=CEO,
            reason="x",
            now=FEB_3,
            at=FEB_3 - timedelta(hours=1),
            via="cli",
        )


def test_what_reopen_refuses(january: Engine, agreement: Agreement) -> None:
    with pytest.raises(RefusedError, match="2020-01 is not closed"):
        reopen_month(january, agreement, "2020-01", by=CEO, reason="x", now=FEB_3, via="cli")
    _close(january, agreement)
    with pytest.raises(RevpactError, match="say why"):
        reopen_month(january, agreement, "2020-01", by=CEO, reason="  ", now=FEB_3, via="cli")
    with pytest.raises(RefusedError, match="may not close or reopen"):
        reopen_month(january, agreement, "2020-01", by=REP, reason="x", now=FEB_3, via="cli")


def test_who_may_close(engine: Engine, agreement: Agreement) -> None:
    leaders = {p.email for p in agreement.signatories if p.leader}
    executives = {p.email for p in agreement.signatories if p.team.value == "executive"}
    for person in agreement.signatories:
        allowed = may_close(engine, agreement, person.email.upper(), at=FEB_3) is None
        assert allowed is (person.email in leaders | executives), person.email
    assert "takes a member" in str(may_close(engine, agreement, None, at=FEB_3))


# --- states and the log -------------------------------------------------------------------------


def test_month_states(january: Engine, agreement: Agreement) -> None:
    march = datetime(2020, 3, 10, 12, tzinfo=UTC)
    _close(january, agreement, now=march)
    states = month_states(january, agreement, as_of_us=to_us(march))
    assert len(states) == 12
    assert [s.state for s in states[:4]] == [
        CloseState.CLOSED,
        CloseState.AWAITING_CLOSE,
        CloseState.IN_PROGRESS,
        CloseState.OPEN,
    ]
    assert states[0].last is not None and states[0].last.by == CEO
    assert states[0].restatement is None
    # before the close, January was awaiting it
    earlier = month_states(january, agreement, as_of_us=to_us(march) - 1)
    assert earlier[0].state is CloseState.AWAITING_CLOSE


@pytest.mark.parametrize(
    "statement", ["UPDATE month_closes SET by = 'someone else'", "DELETE FROM month_closes"]
)
def test_month_closes_are_append_only(
    january: Engine, agreement: Agreement, statement: str
) -> None:
    _close(january, agreement)
    with pytest.raises(DBAPIError), january.begin() as conn:
        conn.execute(text(statement))
    with january.connect() as conn:
        assert conn.execute(text("SELECT by FROM month_closes")).scalar_one() == CEO


def test_an_amendment_cannot_be_dated_into_a_closed_month(
    january: Engine, agreement: Agreement
) -> None:
    """A version in force before a closed month began would govern it: its publication and its
    signatures are refused before the start of the newest closed month, allowed after."""
    from revpact.ingest.agreement_file import company_a_template
    from revpact.services import agreement_versions as av

    _close(january, agreement)
    text = company_a_template("en")
    with pytest.raises(RefusedError, match=r"2020-01 is closed.*month reopen 2020-01"):
        av.publish(january, agreement, text, at=datetime(2019, 12, 20, tzinfo=UTC), now=FEB_3)
    assert av.versions(january) == []
    published = av.publish(
        january, agreement, text, at=datetime(2020, 1, 1, 5, 0, 1, tzinfo=UTC), now=FEB_3
    )
    assert published.created  # one second into January (New York): January had begun
    assert _january_json(january, agreement, MID_FEB)["month"] == "2020-01"
