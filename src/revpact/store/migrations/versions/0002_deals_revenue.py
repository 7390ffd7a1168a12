"""Deals and recognised revenue per month.

Revision ID: 0002
Revises: 0001
Create Date: 2020-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deals",
        sa.Column("deal_id", sa.Text(), nullable=False),
        sa.Column("lead_id", sa.Text(), nullable=True),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("proposal_us", sa.BigInteger(), nullable=True),
        sa.Column("closed_us", sa.BigInteger(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("amount_e4", sa.BigInteger(), nullable=True),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("deal_id", name="pk_deals"),
    )
    op.create_index("ix_deals_closed_us", "deals", ["closed_us"])
    op.create_table(
        "revenue",
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("amount_e4", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", name="pk_revenue"),
    )


def downgrade() -> None:
    op.drop_table("revenue")
    op.drop_index("ix_deals_closed_us", table_name="deals")
    op.drop_table("deals")
