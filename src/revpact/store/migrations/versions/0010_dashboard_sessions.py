"""Dashboard sessions: a browser signed in holds a session id, never an API token.

``dashboard_sessions`` keeps only the SHA-256 of each session id, the token it was opened with
and who that token stood for, when the session began, when it ends however it is used, when it
was last used, and when it was ended by signing out.

Revision ID: 0010
Revises: 0009
Create Date: 2020-12-31
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLE = "dashboard_sessions"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("session_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_hash", sa.Text(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("member", sa.Text(), nullable=True),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("expires_us", sa.BigInteger(), nullable=False),
        sa.Column("last_seen_us", sa.BigInteger(), nullable=False),
        sa.Column("revoked_us", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("session_id", name=f"pk_{TABLE}"),
    )
    op.create_index(f"ux_{TABLE}_session_hash", TABLE, ["session_hash"], unique=True)
    op.create_index(f"ix_{TABLE}_expires_us", TABLE, ["expires_us"])


def downgrade() -> None:
    op.drop_table(TABLE)
