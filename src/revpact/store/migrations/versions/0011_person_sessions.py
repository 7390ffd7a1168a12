"""Dashboard sessions for people signed in with the company's identity provider (OpenID Connect).

A session now belongs either to the API token it was opened with (``token_id``) or to a person
the identity provider vouched for (``email``, ``subject``; ``granted_by`` says whether the
agreement's roster or a groups claim gave the role): ``token_id`` may be empty, but never
together with ``subject``. ``dashboard_sign_ins`` holds each sign-in begun at the provider
until its answer comes back: the SHA-256 of its ``state``, the PKCE verifier and the nonce,
used once.

Revision ID: 0011
Revises: 0010
Create Date: 2021-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SESSIONS = "dashboard_sessions"
SIGN_INS = "dashboard_sign_ins"


def upgrade() -> None:
    with op.batch_alter_table(SESSIONS) as batch:
        batch.alter_column("token_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("email", sa.Text(), nullable=True))
        batch.add_column(sa.Column("subject", sa.Text(), nullable=True))
        batch.add_column(sa.Column("granted_by", sa.Text(), nullable=True))
        batch.create_check_constraint(
            f"ck_{SESSIONS}_owner", "(token_id IS NULL) <> (subject IS NULL)"
        )
    op.create_table(
        SIGN_INS,
        sa.Column("state_hash", sa.Text(), nullable=False),
        sa.Column("nonce", sa.Text(), nullable=False),
        sa.Column("code_verifier", sa.Text(), nullable=False),
        sa.Column("next", sa.Text(), nullable=False),
        sa.Column("expires_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=f"pk_{SIGN_INS}"),
    )
    op.create_index(f"ix_{SIGN_INS}_expires_us", SIGN_INS, ["expires_us"])


def downgrade() -> None:
    op.drop_table(SIGN_INS)
    op.execute(sa.text(f"DELETE FROM {SESSIONS} WHERE token_id IS NULL"))
    with op.batch_alter_table(SESSIONS) as batch:
        batch.drop_constraint(f"ck_{SESSIONS}_owner", type_="check")
        batch.drop_column("granted_by")
        batch.drop_column("subject")
        batch.drop_column("email")
        batch.alter_column("token_id", existing_type=sa.Integer(), nullable=False)
