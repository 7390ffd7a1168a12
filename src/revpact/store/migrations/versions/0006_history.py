"""History that never moves: the audit trail of every write, and month closes.

Both tables are append-only (the same triggers as migration 0005): a write is recorded once and
never edited; a month is closed, reopened and closed again by new rows, never by changing one.

Revision ID: 0006
Revises: 0005
Create Date: 2020-10-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_log", "month_closes")


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("audit_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("via", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("claimed_us", sa.BigInteger(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("audit_id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_recorded_us", "audit_log", ["recorded_us"])
    op.create_table(
        "month_closes",
        sa.Column("close_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("at_us", sa.BigInteger(), nullable=False),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("version_hash", sa.Text(), nullable=True),
        sa.Column("facts_hash", sa.Text(), nullable=True),
        sa.Column("facts", sa.Text(), nullable=True),
        sa.Column("figures", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("close_id", name="pk_month_closes"),
    )
    op.create_index("ix_month_closes_month", "month_closes", ["month"])
    dialect = op.get_context().dialect.name
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
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
