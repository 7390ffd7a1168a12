"""The live server: API tokens, received webhook events and the alerts sent about leads.

Revision ID: 0004
Revises: 0003
Create Date: 2020-08-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("member", sa.Text(), nullable=True),
        sa.Column("prefix", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("revoked_us", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name="pk_api_tokens"),
    )
    op.create_index("ux_api_tokens_token_hash", "api_tokens", ["token_hash"], unique=True)
    op.create_table(
        "events",
        sa.Column("event_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_key", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("lead_id", sa.Text(), nullable=True),
        sa.Column("deal_id", sa.Text(), nullable=True),
        sa.Column("occurred_us", sa.BigInteger(), nullable=False),
        sa.Column("received_us", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=True),
        sa.Column("applied_us", sa.BigInteger(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("event_id", name="pk_events"),
    )
    op.create_index("ux_events_source_key", "events", ["source", "source_key"], unique=True)
    op.create_index("ix_events_lead_id", "events", ["lead_id"])
    op.create_index("ix_events_deal_id", "events", ["deal_id"])
    op.create_index("ix_events_applied_us", "events", ["applied_us"])
    op.create_table(
        "alerts",
        sa.Column("lead_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("due_us", sa.BigInteger(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_us", sa.BigInteger(), nullable=True),
        sa.Column("sent_us", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("lead_id", "kind", "channel", name="pk_alerts"),
    )
    op.create_index("ix_alerts_next_attempt_us", "alerts", ["next_attempt_us"])


def downgrade() -> None:
    op.drop_index("ix_alerts_next_attempt_us", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_events_applied_us", table_name="events")
    op.drop_index("ix_events_deal_id", table_name="events")
    op.drop_index("ix_events_lead_id", table_name="events")
    op.drop_index("ux_events_source_key", table_name="events")
    op.drop_table("events")
    op.drop_index("ux_api_tokens_token_hash", table_name="api_tokens")
    op.drop_table("api_tokens")
