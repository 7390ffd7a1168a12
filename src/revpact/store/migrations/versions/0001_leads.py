"""Leads, the import log and the store state.

Revision ID: 0001
Revises:
Create Date: 2020-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.Text(), nullable=False),
        sa.Column("lead_type", sa.Text(), nullable=False),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("requested_follow_up", sa.Boolean(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("notified_us", sa.BigInteger(), nullable=True),
        sa.Column("first_touch_us", sa.BigInteger(), nullable=True),
        sa.Column("due_us", sa.BigInteger(), nullable=True),
        sa.Column("applies", sa.Boolean(), nullable=False),
        sa.Column("sla_fingerprint", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_leads"),
    )
    op.create_index("ux_leads_lead_id", "leads", ["lead_id"], unique=True)
    op.create_index("ix_leads_owner", "leads", ["owner"])
    op.create_table(
        "imports",
        sa.Column("import_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("at_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("import_id", name="pk_imports"),
    )
    op.create_table(
        "store_state",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_store_state"),
    )


def downgrade() -> None:
    op.drop_table("store_state")
    op.drop_table("imports")
    op.drop_index("ix_leads_owner", table_name="leads")
    op.drop_index("ux_leads_lead_id", table_name="leads")
    op.drop_table("leads")
