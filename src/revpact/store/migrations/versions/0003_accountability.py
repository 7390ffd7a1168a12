"""Escalation action items, SWAT weekly reports and reward splits.

Revision ID: 0003
Revises: 0002
Create Date: 2020-07-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalation_actions",
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("due", sa.Text(), nullable=False),
        sa.Column("done_us", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("month", "level", "seq", name="pk_escalation_actions"),
    )
    op.create_table(
        "swat_reports",
        sa.Column("week", sa.Text(), nullable=False),
        sa.Column("filed_us", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("filed_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("week", name="pk_swat_reports"),
    )
    op.create_table(
        "reward_allocations",
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("amount_e4", sa.BigInteger(), nullable=False),
        sa.Column("allocated_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "recipient", name="pk_reward_allocations"),
    )


def downgrade() -> None:
    op.drop_table("reward_allocations")
    op.drop_table("swat_reports")
    op.drop_table("escalation_actions")
