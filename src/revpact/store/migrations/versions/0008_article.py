"""The article, exactly: feedback timed from its event, panel hearings, reward split corrections,
meeting lengths.

* ``feedback.event_us``: when the event the feedback is about happened (its due time counts
  from it); NULL on items recorded before this revision, whose event is the moment raised.
* ``meetings_held.duration_s``: how long the meeting lasted; NULL on records made before this
  revision (their length was not recorded).
* ``dispute_decisions.deciders``: the JSON list of the deciders who made the decision (the
  whole panel, or the sole arbiter); NULL on decisions recorded before this revision, made by
  ``decided_by`` alone. ``dispute_decisions.hearing_id``: the rehearing a superseding decision
  followed.
* ``dispute_hearings``: a new hearing of a decided dispute, recorded as such (when, who
  attended, why it was reheard) — the only way to supersede a decision.
* ``reward_splits`` replaces ``reward_allocations``: every split of a month's pool is kept, a
  change is a new numbered split (a correction, with who, when and why). The splits recorded so
  far are copied as each month's split number 1.

``feedback``, ``meetings_held`` and ``dispute_decisions`` are append-only (triggers): they gain
columns, and no row is updated. ``dispute_hearings`` and ``reward_splits`` are append-only too.

Revision ID: 0008
Revises: 0007
Create Date: 2020-10-03
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

APPEND_ONLY = ("dispute_hearings", "reward_splits")


def upgrade() -> None:
    op.add_column("feedback", sa.Column("event_us", sa.BigInteger(), nullable=True))
    op.add_column("meetings_held", sa.Column("duration_s", sa.Integer(), nullable=True))
    op.add_column("dispute_decisions", sa.Column("deciders", sa.Text(), nullable=True))
    op.add_column("dispute_decisions", sa.Column("hearing_id", sa.Integer(), nullable=True))
    op.create_table(
        "dispute_hearings",
        sa.Column("hearing_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("held_us", sa.BigInteger(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=True),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("hearing_id", name="pk_dispute_hearings"),
    )
    op.create_index("ix_dispute_hearings_dispute_id", "dispute_hearings", ["dispute_id"])
    op.create_table(
        "reward_splits",
        sa.Column("split_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Text(), nullable=False),
        sa.Column("allocated_us", sa.BigInteger(), nullable=False),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
        sa.Column("allocated_by", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("split_id", name="pk_reward_splits"),
    )
    op.create_index(
        "ux_reward_splits_month_number", "reward_splits", ["month", "number"], unique=True
    )
    _copy_allocations()
    op.drop_table("reward_allocations")
    _append_only(op.get_context().dialect.name)


def _copy_allocations() -> None:
    """Each month's split recorded so far becomes its split number 1 (by nobody named)."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT month, recipient, amount_e4, allocated_us FROM reward_allocations "
            "ORDER BY month, recipient"
        )
    ).all()
    months: dict[str, tuple[dict[str, int], int]] = {}
    for month, recipient, amount_e4, allocated_us in rows:
        shares, _ = months.get(month, ({}, int(allocated_us)))
        shares[str(recipient)] = int(amount_e4)
        months[month] = (shares, int(allocated_us))
    for month, (shares, allocated_us) in months.items():
        conn.execute(
            sa.text(
                "INSERT INTO reward_splits (month, number, shares, allocated_us, recorded_us) "
                "VALUES (:month, 1, :shares, :at, :at)"
            ),
            {"month": month, "shares": json.dumps(shares, sort_keys=True), "at": allocated_us},
        )


def _append_only(dialect: str) -> None:
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION revpact_append_only()"
            )
            continue
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'revpact: {table} is append-only; "
                f"{operation} refused'); END"
            )


def downgrade() -> None:
    """Back to one split per month (the latest), and without the new columns."""
    op.create_table(
        "reward_allocations",
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("amount_e4", sa.BigInteger(), nullable=False),
        sa.Column("allocated_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "recipient", name="pk_reward_allocations"),
    )
    conn = op.get_bind()
    latest: dict[str, tuple[int, str, int]] = {}
    for month, number, shares, allocated_us in conn.execute(
        sa.text("SELECT month, number, shares, allocated_us FROM reward_splits")
    ):
        if month not in latest or number > latest[month][0]:
            latest[month] = (int(number), str(shares), int(allocated_us))
    for month, (_, shares, allocated_us) in latest.items():
        for recipient, amount_e4 in json.loads(shares).items():
            conn.execute(
                sa.text("INSERT INTO reward_allocations VALUES (:month, :recipient, :amount, :at)"),
                {"month": month, "recipient": recipient, "amount": amount_e4, "at": allocated_us},
            )
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
    for table, column in (
        ("dispute_decisions", "hearing_id"),
        ("dispute_decisions", "deciders"),
        ("meetings_held", "duration_s"),
        ("feedback", "event_us"),
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
