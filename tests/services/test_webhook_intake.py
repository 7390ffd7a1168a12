"""Webhook intake: bodies bounded before any work, large batches stored in chunks, and a
retried batch stored once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy import Engine, event, text

from revpact.domain.agreement.model import Agreement
from revpact.errors import BusyError
from revpact.ingest.webhooks.events import MAX_EVENTS
from revpact.ingest.webhooks.signatures import sign_revpact
from revpact.services.events import ReceiveReport
from revpact.services.webhook_intake import CHUNK_EVENTS, IntakeRefusal, receive_revpact
from revpact.store.intake import IntakeRepository

SECRET = "whsec_intake"
NOW = datetime(2020, 3, 3, 12, tzinfo=UTC)


def _notified(i: int) -> dict[str, Any]:
    return {
        "id": f"e{i}",
        "type": "lead.notified",
        "occurred_at": "2020-03-02T10:00:00-05:00",
        "lead": {"lead_id": f"L{i}", "lead_type": "content", "requested_follow_up": True},
    }


def _post(engine: Engine, agreement: Agreement, body: bytes) -> ReceiveReport | IntakeRefusal:
    signature = sign_revpact(body, SECRET, int(NOW.timestamp()))
    return receive_revpact(
        engine, agreement, body, signature, secrets=(SECRET,), tolerance_seconds=300, now=NOW
    )


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many items each pydantic list validation was handed: the work a refusal did,
    counted instead of timed."""
    sizes: list[int] = []
    original = TypeAdapter.validate_python

    def counting(self: TypeAdapter[Any], value: Any, *args: Any, **kwargs: Any) -> Any:
        sizes.append(len(value) if isinstance(value, list) else 1)
        return original(self, value, *args, **kwargs)

    monkeypatch.setattr(TypeAdapter, "validate_python", counting)
    return sizes


def test_a_signed_body_of_a_million_numbers_is_refused_at_once(
    engine: Engine, agreement: Agreement, validated: list[int]
) -> None:
    body = json.dumps(list(range(1_000_000))).encode()
    outcome = _post(engine, agreement, body)
    assert validated == []  # refused on the count, before any item was looked at
    assert isinstance(outcome, IntakeRefusal) and outcome.step == "body"
    assert outcome.problems == [f"events: 1000000 items, more than {MAX_EVENTS}"]
    assert _count(engine, "events") == 0


def test_items_that_are_not_events_are_named_without_validating_the_rest(
    engine: Engine, agreement: Agreement, validated: list[int]
) -> None:
    body = json.dumps([_notified(0), 7, "x", *range(MAX_EVENTS - 3)]).encode()
    outcome = _post(engine, agreement, body)
    assert validated == []  # not even the one good event was validated
    assert isinstance(outcome, IntakeRefusal)
    assert outcome.problems[:2] == [
        "events[1]: must be an event object, not a number (7)",
        'events[2]: must be an event object, not text ("x")',
    ]
    assert outcome.problems[-1] == f"and {MAX_EVENTS - 1 - 50} more"


def test_many_bad_events_are_refused_without_checking_them_all(
    engine: Engine, agreement: Agreement, validated: list[int]
) -> None:
    bad = {"id": "x", "type": "lead.notified", "occurred_at": "soon", "lead": {"lead_id": 1}}
    body = json.dumps([bad] * MAX_EVENTS).encode()
    outcome = _post(engine, agreement, body)
    assert sum(validated) <= 2 * 500  # the slice with the 50th problem, not all 50,000
    assert isinstance(outcome, IntakeRefusal)
    assert len(outcome.problems) == 51
    assert outcome.problems[0].startswith("events[0].occurred_at:")
    assert outcome.problems[-1].endswith("events[500] and after were not checked")


def test_a_large_batch_is_stored_in_chunks_and_reported_as_one(
    engine: Engine, agreement: Agreement
) -> None:
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    total = 2 * CHUNK_EVENTS + 7
    outcome = _post(engine, agreement, json.dumps([_notified(i) for i in range(total)]).encode())
    assert outcome == ReceiveReport(
        received=total, duplicates=0, applied=total, pending=0, ignored=0
    )
    assert _count(engine, "events") == total
    assert _count(engine, "leads") == total
    assert len(commits) >= 3  # one transaction per chunk at least


def test_a_batch_refused_half_way_stores_nothing_and_its_retry_stores_it_once(
    engine: Engine, agreement: Agreement, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps([_notified(i) for i in range(CHUNK_EVENTS + 100)]).encode()
    real = IntakeRepository.accept
    calls: list[int] = []

    def busy(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        raise BusyError("the database is busy with another writer")

    monkeypatch.setattr(IntakeRepository, "accept", busy)
    with pytest.raises(BusyError):
        _post(engine, agreement, body)
    assert calls == [1]  # every event was staged, and is gone with the request
    for table in ("events", "leads", "intake_requests", "staged_events"):
        assert _count(engine, table) == 0, table
    monkeypatch.setattr(IntakeRepository, "accept", real)
    again = _post(engine, agreement, body)
    assert again == ReceiveReport(
        received=CHUNK_EVENTS + 100, duplicates=0, applied=CHUNK_EVENTS + 100, pending=0, ignored=0
    )
    assert _count(engine, "events") == CHUNK_EVENTS + 100
    assert _count(engine, "leads") == CHUNK_EVENTS + 100
