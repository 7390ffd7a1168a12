"""The tables of large webhook requests (migration 0012): accepted whole, applied in chunks
(:mod:`revpact.store.intake`); :mod:`revpact.store.tables` re-exports them with the rest."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from revpact.store.metadata import metadata

__all__ = ["intake_requests", "staged_events"]

intake_requests = Table(
    "intake_requests",
    metadata,
    Column("request_id", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("received_us", BigInteger, nullable=False),
    Column("events", Integer, nullable=False),
    Column("accepted", Boolean, nullable=False),
    Column("late_entries", Integer, nullable=False),
    Column("next_batch", Integer, nullable=False),
    PrimaryKeyConstraint("request_id"),
)
"""A large webhook request from its first staged chunk until its last event is applied: who
sent it (``source``, ``actor``) and when revpact received it, how many events it carries,
whether it was ``accepted`` (set once every event is staged: the request is then durable as a
whole; before that nothing of it counts and an abandoned one is removed), and how many late
entries its applied chunks found, and which batch of its events is applied next. The row
goes with the last chunk."""

staged_events = Table(
    "staged_events",
    metadata,
    Column("request_id", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("batch", Integer, nullable=False),
    Column("source_key", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("lead_id", Text, nullable=True),
    Column("occurred_us", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    Column("done", Boolean, nullable=False),
    Column("event_id", Integer, nullable=True),
    PrimaryKeyConstraint("request_id", "seq"),
    Index("ix_staged_events_request_id", "request_id", "batch"),
)
"""The events of a large request, in the order they are applied (``seq``), as ``events`` would
hold them; once its chunk is applied (``done``), the ``event_id`` it was stored as, or NULL for
a duplicate (the request's report reads their outcomes). They go with the last chunk."""
