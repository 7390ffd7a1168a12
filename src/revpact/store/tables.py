"""The tables, as SQLAlchemy Core metadata (the migrations create them; this describes them).

Every instant is stored as a ``BIGINT`` of epoch microseconds in UTC, not as a ``TIMESTAMP``.
The SLA engine works on numpy ``int64`` columns of exactly that, so a million leads go in with
one ``executemany`` of plain tuples and come back with one plain ``SELECT`` — no per-value
datetime conversion on either side, no driver-specific time zone handling, and the same
behaviour on SQLite and PostgreSQL. NULL means "no such moment" (not yet touched, never
notified, or no deadline because the SLA does not apply). ``owner`` is NULL while nobody owns
the lead; ``attributes`` is a JSON object of the import file's extra columns.

A test compares this metadata with the schema the migrations build, so the two cannot drift.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)

__all__ = [
    "deals",
    "escalation_actions",
    "imports",
    "leads",
    "metadata",
    "revenue",
    "reward_allocations",
    "store_state",
    "swat_reports",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("lead_id", Text, nullable=False),
    Column("lead_type", Text, nullable=False),
    Column("stage", Text, nullable=False),
    Column("requested_follow_up", Boolean, nullable=False),
    Column("owner", Text, nullable=True),
    Column("attributes", Text, nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("notified_us", BigInteger, nullable=True),
    Column("first_touch_us", BigInteger, nullable=True),
    Column("due_us", BigInteger, nullable=True),
    Column("applies", Boolean, nullable=False),
    Column("sla_fingerprint", Text, nullable=False),
    Index("ux_leads_lead_id", "lead_id", unique=True),
    Index(None, "owner"),
)
"""One row per lead; ``due_us`` was computed under ``sla_fingerprint``.

``lead_id`` (the CRM's id) is the key leads are matched by, through a unique index; ``id`` is a
surrogate (SQLite's rowid) so that a bulk load appends rows and then builds every index once,
sorted, instead of inserting each row into a lead_id b-tree in whatever order the file has.

Each index costs a sorted build after every bulk load (about half a second per million leads),
so there is one only where a query uses it: ``lead_id`` for upserts and the stale-deadline
walk, ``owner`` for one owner's leads. The time columns have none: the reads filter and order
by ``COALESCE(notified_us, created_us)``, which an index on a column cannot serve.
"""

imports = Table(
    "imports",
    metadata,
    Column("import_id", Integer, primary_key=True, autoincrement=True),
    Column("file_name", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("inserted", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("at_us", BigInteger, nullable=False),
)
"""One row per successful lead import."""

store_state = Table(
    "store_state",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)
"""Facts about the whole store; ``sla_fingerprint``: every lead's deadline is computed under it
(so checking for stale deadlines costs one lookup, not a scan of ``leads``)."""

deals = Table(
    "deals",
    metadata,
    Column("deal_id", Text, primary_key=True),
    Column("lead_id", Text, nullable=True),
    Column("created_us", BigInteger, nullable=False),
    Column("proposal_us", BigInteger, nullable=True),
    Column("closed_us", BigInteger, nullable=True),
    Column("outcome", Text, nullable=False),
    Column("amount_e4", BigInteger, nullable=True),
    Column("owner", Text, nullable=True),
    Index(None, "closed_us"),
)
"""One row per deal, matched by the CRM's ``deal_id``.

``outcome`` is open, won or lost; ``closed_us`` is NULL exactly for open deals and
``proposal_us`` when no proposal was submitted. ``lead_id`` is not a foreign key: a deal may
come from a lead that was never imported. ``amount_e4`` is the amount in ten-thousandths of the
agreement's currency (an exact integer on every backend, so sums are exact; NULL: no amount
given, allowed for open and lost deals). The monthly figures select by ``closed_us``.
"""

revenue = Table(
    "revenue",
    metadata,
    Column("month", Text, primary_key=True),
    Column("amount_e4", BigInteger, nullable=False),
)
"""Recognised revenue per calendar month (``month`` written ``YYYY-MM``), in ten-thousandths of
the agreement's currency; a month without a row falls back to its won deals."""

escalation_actions = Table(
    "escalation_actions",
    metadata,
    Column("month", Text, nullable=False),
    Column("level", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("due", Text, nullable=False),
    Column("done_us", BigInteger, nullable=True),
    PrimaryKeyConstraint("month", "level", "seq"),
)
"""The action items of each escalation level reached, one row per action: the level (its
``after_days``) entered in ``month`` (``YYYY-MM``), ``seq`` the action's place in the level's list
(from 1), ``due`` an ISO date, ``done_us`` NULL until it is done. The key makes recording them
idempotent."""

swat_reports = Table(
    "swat_reports",
    metadata,
    Column("week", Text, primary_key=True),
    Column("filed_us", BigInteger, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("filed_by", Text, nullable=True),
)
"""The SWAT team's weekly report for an ISO ``week`` (``YYYY-Www``): the markdown ``body`` as
filed, the file's name and SHA-256; filing the week again replaces the row."""

reward_allocations = Table(
    "reward_allocations",
    metadata,
    Column("month", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("amount_e4", BigInteger, nullable=False),
    Column("allocated_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("month", "recipient"),
)
"""How a month's reward pool was split: one row per recipient, ``amount_e4`` in ten-thousandths
of the currency (exact, like ``deals``). A month has one split; recording another replaces all
of the month's rows in one transaction."""
