"""A claimed time more than a year outside the agreement's period (1999, the year 514) is a
typo: every service that writes one — feedback, meetings, disputes, escalation and rewards —
refuses it naming the field, the value and the times allowed, and stores nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.errors import InputError
from revpact.services.accountability import correct_reward
from revpact.services.claimed import check_claimed
from revpact.services.disputes import (
    decide,
    name_representative,
    open_dispute,
    record_presentation,
    rehear,
)
from revpact.services.feedback import add_feedback, answer_feedback, get_feedback
from revpact.services.meetings import record_meeting

CloseMonths = Callable[..., object]  # the close_months fixture (tests/conftest.py)

NY = ZoneInfo("America/New_York")
NOW = datetime(2021, 2, 1, tzinfo=UTC)
ALLOWED = "write a time between 2019-01-01 and 2021-12-31"  # the 2020 period, a year each side
BAD = [
    pytest.param(datetime(1999, 12, 5, 9, tzinfo=NY), id="1999"),
    pytest.param(datetime(514, 1, 1, tzinfo=UTC), id="0514"),
]
CMO = "emily.carter@company-a.example"
VP_SALES = "michael.brennan@company-a.example"
CEO = "margaret.lowell@company-a.example"
SARAH = "sarah.whitfield@company-a.example"
PRIYA = "priya.raman@company-a.example"
PANEL = (CMO, VP_SALES, CEO)
WRITTEN = (
    "feedback",
    "feedback_answers",
    "meetings_held",
    "disputes",
    "dispute_representatives",
    "dispute_presentations",
    "dispute_decisions",
    "dispute_hearings",
    "escalation_actions",
    "swat_report_filings",
    "reward_splits",
    "audit_log",
)
WEEKLY_NOTES = """\
## What worked
Referral leads were followed up within the hour.

## What did not work
Two content leads waited over the weekend.

## Improvements for next week
Cover Friday afternoons.
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NY)


def stored(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table: int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
            for table in WRITTEN
        }


@contextmanager
def refused(engine: Engine, field: str, moment: datetime) -> Iterator[None]:
    """The block is refused for ``field``'s ``moment`` and leaves every table as it was
    (done-marks included)."""
    before = stored(engine)
    with engine.connect() as conn:
        done = conn.execute(text("SELECT COUNT(done_us) FROM escalation_actions")).scalar_one()
    with pytest.raises(InputError) as caught:
        yield
    message = str(caught.value)
    assert message.startswith(f"{field}: {moment.isoformat()} is more than a year outside "), (
        message
    )
    assert ALLOWED in message and "nothing was stored" in message
    assert stored(engine) == before
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(done_us) FROM escalation_actions")).scalar_one() == (
            done
        )


def test_the_window_is_the_period_and_a_year_each_side(agreement: Agreement) -> None:
    check_claimed(agreement, at("2019-01-01T00:00"), "at")
    check_claimed(agreement, at("2021-12-31T23:59:59.999999"), "at")
    with pytest.raises(InputError, match=r"^at: 2018-12-31T23:59:59-05:00 is more than a year"):
        check_claimed(agreement, at("2018-12-31T23:59:59"), "at")
    with pytest.raises(InputError, match=r"^held_at: 2022-01-01T00:00:00-05:00 is more than"):
        check_claimed(agreement, at("2022-01-01T00:00"), "held_at")


@pytest.mark.parametrize("bad", BAD)
def test_feedback(engine: Engine, agreement: Agreement, bad: datetime) -> None:
    item = {
        "from_team": "marketing",
        "to_team": "sales",
        "topic": "follow_up",
        "text": "Reps skip the notes field",
        "by": CMO,
        "now": NOW,
    }
    with refused(engine, "at", bad):
        add_feedback(engine, agreement, at=bad, **item)  # type: ignore[arg-type]
    with refused(engine, "event_at", bad):
        add_feedback(engine, agreement, at=at("2020-06-01T09:00"), event_at=bad, **item)  # type: ignore[arg-type]
    raised = add_feedback(engine, agreement, at=at("2020-06-01T09:00"), **item)  # type: ignore[arg-type]

    answer = {"text": "On it", "by": VP_SALES, "now": NOW, "agreement": agreement}
    with refused(engine, "at", bad):
        answer_feedback(engine, raised.id, at=bad, **answer)  # type: ignore[arg-type]
    answered = answer_feedback(engine, raised.id, at=at("2020-06-01T12:00"), **answer)  # type: ignore[arg-type]
    assert answered.answered_at == at("2020-06-01T12:00")
    assert get_feedback(engine, raised.id, as_of=NOW).answer == "On it"


@pytest.mark.parametrize("bad", BAD)
def test_meetings(engine: Engine, agreement: Agreement, tmp_path: Path, bad: datetime) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(WEEKLY_NOTES, encoding="utf-8")

    def hold(held_at: datetime) -> None:
        record_meeting(
            engine,
            agreement,
            kind="weekly",
            held_at=held_at,
            attendees=[CMO, VP_SALES],
            duration=3600,
            notes=notes,
            now=NOW,
        )

    with refused(engine, "held_at", bad):
        hold(bad)
    hold(at("2020-03-09T09:30"))
    assert stored(engine)["meetings_held"] == 1


@pytest.mark.parametrize("bad", BAD)
def test_disputes(engine: Engine, agreement: Agreement, bad: datetime) -> None:
    with refused(engine, "at", bad):
        open_dispute(engine, agreement, topic="Webinar leads", raised_by=SARAH, at=bad, now=NOW)
    dispute = open_dispute(
        engine, agreement, topic="Webinar leads", raised_by=SARAH, at=at("2020-03-02T10:00")
    ).id

    for team, member in (("sales", SARAH), ("marketing", PRIYA)):
        with refused(engine, "at", bad):
            name_representative(engine, agreement, dispute, team=team, member=member, at=bad)
        name_representative(
            engine, agreement, dispute, team=team, member=member, at=at("2020-03-02T10:05")
        )
        with refused(engine, "at", bad):
            record_presentation(engine, dispute, team=team, minutes=10, at=bad, agreement=agreement)
        record_presentation(
            engine, dispute, team=team, minutes=10, at=at("2020-03-02T10:30"), agreement=agreement
        )

    with refused(engine, "at", bad):
        decide(engine, agreement, dispute, decision="Sales", by=PANEL, supersedes=None, at=bad)
    decide(
        engine,
        agreement,
        dispute,
        decision="Sales calls them",
        by=PANEL,
        supersedes=None,
        at=at("2020-03-02T11:00"),
    )

    hearing = {"attendees": PANEL, "reason": "New figures", "by": CEO, "agreement": agreement}
    with refused(engine, "at", bad):
        rehear(engine, dispute, at=bad, **hearing)  # type: ignore[arg-type]
    rehear(engine, dispute, at=at("2020-03-03T10:00"), **hearing)  # type: ignore[arg-type]
    assert stored(engine)["dispute_hearings"] == 1


@pytest.mark.parametrize("bad", BAD)
def test_escalation_and_rewards(
    engine: Engine,
    agreement: Agreement,
    close_months: CloseMonths,
    tmp_path: Path,
    bad: datetime,
) -> None:
    mid_march = datetime(2020, 3, 15, 12, tzinfo=UTC)
    close_months(engine, agreement, "2020-02")
    services.sync_escalation(engine, agreement, as_of=mid_march)

    with refused(engine, "at", bad):
        services.complete_action(engine, "2020-01", 30, 1, at=bad, agreement=agreement)
    done = services.complete_action(
        engine, "2020-01", 30, 1, at=at("2020-02-02T10:00"), agreement=agreement
    )
    assert done.done_at == at("2020-02-02T10:00")

    report = tmp_path / "report.md"
    report.write_text("# Week 10\n", encoding="utf-8")
    with refused(engine, "as_of", bad):
        services.file_swat_report(engine, agreement, week="2020-W10", path=report, as_of=bad)
    services.file_swat_report(engine, agreement, week="2020-W10", path=report, as_of=mid_march)
    assert stored(engine)["swat_report_filings"] == 1

    shares = {"anna@x": Decimal(2500), "tom@x": Decimal(2500)}
    with refused(engine, "as_of", bad):
        services.allocate_reward(
            engine, agreement, month="2020-01", shares=shares, as_of=bad, by=CMO
        )
    with refused(engine, "as_of", bad):
        correct_reward(
            engine,
            agreement,
            month="2020-01",
            shares=shares,
            as_of=bad,
            by=CMO,
            reason="a recipient was missed",
        )
