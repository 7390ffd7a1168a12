"""SWAT reports keep every filing: filing a week again adds a filing instead of replacing the
report, so what had been filed by any moment can still be read.

``swat_report_filings`` replaces ``swat_reports`` (each report filed so far becomes its week's
first filing) and is append-only like the other records of the agreement.

Revision ID: 0009
Revises: 0008
Create Date: 2020-10-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLE = "swat_report_filings"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("filing_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("week", sa.Text(), nullable=False),
        sa.Column("filed_us", sa.BigInteger(), nullable=False),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("filed_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("filing_id", name=f"pk_{TABLE}"),
    )
    op.create_index(f"ix_{TABLE}_week", TABLE, ["week"])
    op.execute(
        f"INSERT INTO {TABLE} (week, filed_us, recorded_us, file_name, sha256, body, filed_by) "
        "SELECT week, filed_us, filed_us, file_name, sha256, body, filed_by FROM swat_reports "
        "ORDER BY week"
    )
    op.drop_table("swat_reports")
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION revpact_append_only()"
        )
        return
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, 'revpact: {TABLE} is append-only; "
            f"{operation} refused'); END"
        )


def downgrade() -> None:
    """Back to one report per week: the latest filing."""
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
    op.execute(
        "INSERT INTO swat_reports (week, filed_us, file_name, sha256, body, filed_by) "
        f"SELECT f.week, f.filed_us, f.file_name, f.sha256, f.body, f.filed_by FROM {TABLE} f "
        f"WHERE f.filing_id = (SELECT MAX(g.filing_id) FROM {TABLE} g WHERE g.week = f.week)"
    )
    op.drop_table(TABLE)
