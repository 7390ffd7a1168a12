"""Large webhook requests: accepted whole, applied in bounded chunks.

``intake_requests`` holds each large webhook request from its first staged chunk until its
last event is applied: who sent it and when, how many events it carries, whether it was
accepted (the moment the sender's request became durable, all of it at once), how many late
entries its applied chunks found and which batch comes next. ``staged_events`` holds its
events, in the order they are applied, each numbered by its batch, and once applied whether
each was stored (its ``event_id``) or a duplicate, until the request's last chunk.

Revision ID: 0012
Revises: 0011
Create Date: 2021-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_requests",
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("received_us", sa.BigInteger(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("late_entries", sa.Integer(), nullable=False),
        sa.Column("next_batch", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("request_id", name="pk_intake_requests"),
    )
    op.create_table(
        "staged_events",
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("lead_id", sa.Text(), nullable=True),
        sa.Column("occurred_us", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", "seq", name="pk_staged_events"),
    )
    op.create_index("ix_staged_events_request_id", "staged_events", ["request_id", "batch"])


def downgrade() -> None:
    op.drop_table("staged_events")
    op.drop_table("intake_requests")
