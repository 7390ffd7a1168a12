"""Attributed writes: who recorded a lead's notification and first touch, and when; late entries
and their approvals.

Revision ID: 0007
Revises: 0006
Create Date: 2020-10-02
"""

from __future__ import annotations

from alembic import op  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
