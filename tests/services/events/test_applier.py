"""Applying a request's events in bulk (its leads read together, its lead saves and audit rows
written together) leaves exactly the rows that one statement per row leaves: generated
requests that touch a few leads again and again, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.ingest.webhooks.events import parse_events
from revpact.services.events import applier as applier_module
from revpact.services.events import apply_pending, receive, receiving
from revpact.store.audit import AuditWrite, record_write
from revpact.store.lead_batches import LeadWrites

NOW = datetime(2020, 3, 2, 16, 0, tzinfo=UTC)
START = datetime(2020, 3, 2, 13, 0, tzinfo=UTC)
LEADS = ("L1", "L2", "L3")
HEADER = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner\n"
TABLES = {
    "leads": "id",
    "events": "event_id",
    "deals": "deal_id",
    "audit_log": "audit_id",
    "store_state": "key",
}


def _at(minute: int) -> str:
    return (START + timedelta(minutes=minute)).isoformat()


minutes = st.integers(min_value=0, max_value=175)
lead_ids = st.sampled_from(LEADS)


@st.composite
def notified(draw: st.DrawFn) -> dict[str, Any]:
    lead: dict[str, Any] = {
        "lead_id": draw(lead_ids),
        "lead_type": draw(st.sampled_from(["content", "referral"])),
        "requested_follow_up": draw(st.booleans()),
    }
    for name, values in (
        ("stage", st.sampled_from(["late", "early"])),
        ("owner", st.sampled_from(["ana", "bob", ""])),
        ("notified_at", minutes.map(_at)),
        ("first_touch_at", minutes.map(_at)),
        ("attributes", st.dictionaries(st.sampled_from(["region", "size"]), st.just("x"))),
    ):
        if draw(st.booleans()):
            lead[name] = draw(values)
    return {"type": "lead.notified", "occurred_at": _at(draw(minutes)), "lead": lead}


@st.composite
def touched(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "type": "lead.touched",
        "occurred_at": _at(draw(minutes)),
        "lead_id": draw(lead_ids),
        "channel": "call",
        "automated": draw(st.booleans()) and draw(st.booleans()),
    }


@st.composite
def updated(draw: st.DrawFn) -> dict[str, Any]:
    changes = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "lead_type": st.sampled_from(["content", "referral"]),
                "stage": st.sampled_from(["late", "early"]),
                "requested_follow_up": st.booleans(),
                "owner": st.sampled_from(["ana", "bob"]),
                "attributes": st.just({"region": "y"}),
            },
        ).filter(bool)
    )
    return {
        "type": "lead.updated",
        "occurred_at": _at(draw(minutes)),
        "lead_id": draw(lead_ids),
    } | changes


@st.composite
def deal(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {"deal_id": draw(st.sampled_from(["D1", "D2"]))}
    if draw(st.booleans()):
        body["lead_id"] = draw(lead_ids)
    if draw(st.booleans()):
        body["outcome"] = draw(st.sampled_from(["open", "won", "lost"]))
    if draw(st.booleans()):
        body["amount"] = "100.00"
    return {"type": "deal.updated", "occurred_at": _at(draw(minutes)), "deal": body}


requests = st.lists(
    st.tuples(
        st.sampled_from(["revpact", "api"]),
        st.lists(
            st.one_of(notified(), notified(), touched(), updated(), deal()), min_size=1, max_size=12
        ),
        st.sampled_from(["", "import", "pending"]),
    ),
    min_size=1,
    max_size=4,
)


def one_row_at_a_time() -> ExitStack:
    """Patches that make the applier read each lead from the store when it applies an event to
    it (neither the request's first read nor its own saves are reused, so a touch of a lead
    the request saved writes only the touch columns), write each lead save at once and each
    audit row with its own statement: the row-by-row path."""
    stack = ExitStack()
    read_one = applier_module.Applier._stored_lead
    add = LeadWrites._add

    def stored_lead(self: Any, lead_id: str) -> dict[str, Any] | None:
        self._read.pop(lead_id, None)
        self._saved.pop(lead_id, None)
        return read_one(self, lead_id)

    def add_and_write(self: LeadWrites, statement: Any, params: dict[str, Any]) -> None:
        add(self, statement, params)
        self.write()

    def each(conn: Any, writes: Sequence[AuditWrite]) -> None:
        for write in writes:
            record_write(
                conn,
                recorded_us=write.recorded_us,
                actor=write.actor,
                via=write.via,
                action=write.action,
                subject=write.subject,
                claimed_us=write.claimed_us,
                late=write.late,
                detail=write.detail,
            )

    stack.enter_context(mock.patch.object(applier_module.Applier, "_stored_lead", stored_lead))
    stack.enter_context(mock.patch.object(LeadWrites, "_add", add_and_write))
    stack.enter_context(mock.patch.object(receiving, "record_writes", each))
    return stack


def run(
    engine: Engine, agreement: Agreement, prefix: str, batches: list[tuple[str, list[Any], str]]
) -> None:
    for number, (source, items, then) in enumerate(batches):
        body = []
        for index, item in enumerate(items):
            renamed = json.loads(json.dumps(item).replace('"L', f'"{prefix}L'))
            body.append({"id": f"{prefix}e{number}-{index}"} | renamed)
        events = parse_events(json.dumps(body).encode(), agreement)
        receive(engine, agreement, source, events, NOW)
        if then == "import":
            csv = HEADER + f"{prefix}L2,content,late,true,{_at(0)},{_at(5)},,ana\n"
            services.import_leads(engine, agreement, io.BytesIO(csv.encode()), now=NOW)
        elif then == "pending":
            apply_pending(engine, agreement, NOW)


def rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as conn:
        return {
            table: [
                dict(row)
                for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}")).mappings()
            ]
            for table, key in TABLES.items()
        }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=requests)
def test_bulk_apply_leaves_the_rows_of_the_row_by_row_path(
    engine: Engine,
    reference: Engine,
    agreement: Agreement,
    batches: list[tuple[str, list[Any], str]],
) -> None:
    # Both stores see every example, one after the other: each example's ids are its own.
    prefix = uuid.uuid4().hex[:8]
    run(engine, agreement, prefix, batches)
    with one_row_at_a_time():
        run(reference, agreement, prefix, batches)
    assert rows(engine) == rows(reference)


def test_the_row_by_row_path_is_what_the_comparison_runs(
    engine: Engine, agreement: Agreement
) -> None:
    """The patches above do take effect (else the property compares the bulk path with itself):
    each save is written before the next event is applied."""
    seen: list[int] = []
    body = [
        {"id": f"e{i}", "type": "lead.notified", "occurred_at": _at(i)}
        | {"lead": {"lead_id": f"L{i}", "lead_type": "content", "requested_follow_up": True}}
        for i in range(3)
    ]
    events = parse_events(json.dumps(body).encode(), agreement)
    write = LeadWrites.write

    def counting(self: LeadWrites) -> None:
        seen.append(sum(len(params) for _, params in self._runs))
        write(self)

    with one_row_at_a_time(), mock.patch.object(LeadWrites, "write", counting):
        receive(engine, agreement, "revpact", events, NOW)
    assert [n for n in seen if n] == [1, 1, 1]
