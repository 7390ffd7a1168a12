"""Feedback and dispute records cannot be changed, not even by SQL written by hand: the
database's triggers refuse every UPDATE and DELETE (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from revpact.domain.agreement.model import Agreement
from revpact.services.disputes import (
    decide,
    name_representative,
    open_dispute,
    record_presentation,
    rehear,
)
from revpact.services.feedback import add_feedback, answer_feedback
from revpact.store.disputes import DisputeRepository
from revpact.store.tables import dispute_decisions

NY = ZoneInfo("America/New_York")
T = datetime(2020, 3, 2, 10, tzinfo=NY)

STATEMENTS = {
    "feedback": ("UPDATE feedback SET text = 'edited'", "DELETE FROM feedback"),
    "feedback_answers": (
        "UPDATE feedback_answers SET text = 'edited'",
        "DELETE FROM feedback_answers",
    ),
    "disputes": ("UPDATE disputes SET deciders = '[]'", "DELETE FROM disputes"),
    "dispute_representatives": (
        "UPDATE dispute_representatives SET member = 'x@y.example'",
        "DELETE FROM dispute_representatives",
    ),
    "dispute_presentations": (
        "UPDATE dispute_presentations SET seconds = 60",
        "DELETE FROM dispute_presentations",
    ),
    "dispute_decisions": (
        "UPDATE dispute_decisions SET decision = 'edited'",
        "DELETE FROM dispute_decisions",
    ),
    "dispute_hearings": (
        "UPDATE dispute_hearings SET reason = 'edited'",
        "DELETE FROM dispute_hearings",
    ),
    "audit_log": ("UPDATE audit_log SET actor = 'someone'", "DELETE FROM audit_log"),
}


@pytest.fixture
def recorded(engine: Engine, agreement: Agreement) -> Engine:
    item = add_feedback(
        engine,
        agreement,
        from_team="sales",
        to_team="marketing",
        topic="lead_quality",
        text="x",
        by=None,
        at=T,
    )
    answer_feedback(engine, item.id, text="y", by=None, at=T)
    dispute = open_dispute(
        engine, agreement, topic="x", raised_by="sarah.whitfield@company-a.example", at=T
    )
    for team, member in (
        ("sales", "sarah.whitfield@company-a.example"),
        ("marketing", "priya.raman@company-a.example"),
    ):
        name_representative(engine, agreement, dispute.id, team=team, member=member, at=T)
        record_presentation(engine, dispute.id, team=team, minutes=10, at=T)
    panel = agreement.conflict_resolution.members
    decide(engine, agreement, dispute.id, decision="z", by=panel, supersedes=None, at=T)
    rehear(engine, dispute.id, attendees=panel, reason="again", at=T)
    return engine


@pytest.mark.parametrize("table", sorted(STATEMENTS))
@pytest.mark.parametrize("operation", ["UPDATE", "DELETE"])
def test_sql_cannot_change_a_record(recorded: Engine, table: str, operation: str) -> None:
    statement = STATEMENTS[table][0 if operation == "UPDATE" else 1]
    with pytest.raises(DBAPIError, match="append-only") as caught, recorded.begin() as conn:
        conn.execute(text(statement))
    assert table in str(caught.value) and operation in str(caught.value)
    with recorded.connect() as conn:
        count = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    assert count >= 1


def test_the_chain_cannot_fork(recorded: Engine) -> None:
    """Two decisions racing for the same place in the chain: the store keeps one."""
    with pytest.raises(IntegrityError), recorded.begin() as conn:
        DisputeRepository(conn).add_decision(
            dispute_id=1,
            number=1,
            decision="other",
            decided_by="x",
            decided_us=0,
            supersedes=None,
        )
    with recorded.connect() as conn:
        assert conn.execute(select(func.count()).select_from(dispute_decisions)).scalar_one() == 1
