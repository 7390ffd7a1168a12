"""Leads read a batch at a time and lead saves written in their order, on SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

from revpact.store.events import EventRepository
from revpact.store.lead_batches import READ_CHUNK, LeadWrites, read_leads


def values(**changes: Any) -> dict[str, Any]:
    return {
        "lead_type": "content",
        "stage": "late",
        "requested_follow_up": 1,
        "owner": "ana",
        "attributes": '{"region": "east"}',
        "created_us": 10,
        "notified_us": 20,
        "first_touch_us": None,
        "due_us": 30,
        "applies": 1,
        "sla_fingerprint": "fp",
        "recorded_us": 40,
        "recorded_by": "webhook:revpact",
        "notified_recorded_us": 40,
        "notified_by": "webhook:revpact",
        "touch_claimed_us": None,
        "touch_recorded_us": None,
        "touch_by": None,
        "touch_approved_us": None,
        "touch_approved_by": None,
    } | changes


def test_read_leads_reads_each_stored_lead_as_the_single_read_does(engine: Engine) -> None:
    count = READ_CHUNK + 3  # more than one statement's worth of ids
    with engine.begin() as conn:
        writes = LeadWrites(conn)
        for i in range(count):
            writes.save(f"L{i}", values(applies=i % 2, due_us=30 + i))
        writes.write()
    with engine.connect() as conn:
        found = read_leads(conn, [f"L{i}" for i in range(count)] + ["L0", "absent"])
        single = EventRepository(conn)
        assert sorted(found) == sorted(f"L{i}" for i in range(count))
        for lead_id in ("L0", "L1", f"L{count - 1}"):
            assert found[lead_id] == single.lead(lead_id)
    assert found["L0"].due_us is None and found["L1"].due_us == 31  # only where it applies
    assert found["L1"].attributes == {"region": "east"} and found["L1"].requested_follow_up
    with engine.connect() as conn:
        assert read_leads(conn, []) == {}


def test_saves_are_written_in_the_order_they_were_made(engine: Engine) -> None:
    with engine.begin() as conn:
        writes = LeadWrites(conn)
        writes.save("L2", values(stage="a"))
        writes.save("L1", values(stage="b"))
        writes.save_touch("L2", values(first_touch_us=25, touch_by="bob", recorded_us=41))
        writes.save("L2", values(stage="c", first_touch_us=26))
        writes.save_touch("L1", values(first_touch_us=27, touch_by="cy", recorded_us=42))
        assert conn.execute(text("SELECT COUNT(*) FROM leads")).scalar_one() == 0  # kept
        writes.write()
        writes.write()  # nothing left to write
        rows = conn.execute(
            text("SELECT id, lead_id, stage, first_touch_us, touch_by FROM leads ORDER BY id")
        ).all()
    first, second = rows
    assert (first[1:], second[1:]) == (("L2", "c", 26, None), ("L1", "b", 27, "cy"))
    assert first[0] < second[0]  # inserted in the order of their first save
