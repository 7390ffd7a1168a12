"""The living agreement: published versions, signatures, feedback, meetings held, disputes.

Every table here is append-only: triggers refuse UPDATE and DELETE on both backends, so the
audit trail (what was agreed, who signed, what was raised, held and decided) cannot be
rewritten, not even by a bug. A later record can supersede an earlier one, never edit it.

Revision ID: 0005
Revises: 0004
Create Date: 2020-09-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "agreement_versions",
    "signatures",
    "feedback",
    "feedback_answers",
    "meetings_held",
    "disputes",
    "dispute_representatives",
    "dispute_presentations",
    "dispute_decisions",
)


def upgrade() -> None:
    op.create_table(
        "agreement_versions",
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("canonical", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("published_us", sa.BigInteger(), nullable=False),
        sa.Column("published_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("hash", name="pk_agreement_versions"),
    )
    op.create_index("ux_agreement_versions_number", "agreement_versions", ["number"], unique=True)
    op.create_table(
        "signatures",
        sa.Column("signature_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_hash", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("signed_us", sa.BigInteger(), nullable=False),
        sa.Column("via", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("signature_id", name="pk_signatures"),
    )
    op.create_index(
        "ux_signatures_version_email", "signatures", ["version_hash", "email"], unique=True
    )
    op.create_table(
        "feedback",
        sa.Column("feedback_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("from_team", sa.Text(), nullable=False),
        sa.Column("to_team", sa.Text(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.Text(), nullable=True),
        sa.Column("raised_us", sa.BigInteger(), nullable=False),
        sa.Column("due_us", sa.BigInteger(), nullable=False),
        sa.Column("clock", sa.Text(), nullable=False),
        sa.Column("version_hash", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("feedback_id", name="pk_feedback"),
    )
    op.create_index("ix_feedback_raised_us", "feedback", ["raised_us"])
    op.create_table(
        "feedback_answers",
        sa.Column("answer_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.Text(), nullable=True),
        sa.Column("answered_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("answer_id", name="pk_feedback_answers"),
    )
    op.create_index(
        "ux_feedback_answers_feedback_id", "feedback_answers", ["feedback_id"], unique=True
    )
    op.create_table(
        "meetings_held",
        sa.Column("record_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Text(), nullable=False),
        sa.Column("cadence", sa.Text(), nullable=False),
        sa.Column("held_us", sa.BigInteger(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=True),
        sa.Column("version_hash", sa.Text(), nullable=True),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("record_id", name="pk_meetings_held"),
    )
    op.create_index("ix_meetings_held_held_us", "meetings_held", ["held_us"])
    op.create_index("ux_meetings_held_supersedes", "meetings_held", ["supersedes"], unique=True)
    op.create_table(
        "disputes",
        sa.Column("dispute_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.Text(), nullable=False),
        sa.Column("opened_us", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("deciders", sa.Text(), nullable=False),
        sa.Column("presentation_s", sa.Integer(), nullable=False),
        sa.Column("binding", sa.Boolean(), nullable=False),
        sa.Column("version_hash", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("dispute_id", name="pk_disputes"),
    )
    op.create_table(
        "dispute_representatives",
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("member", sa.Text(), nullable=False),
        sa.Column("named_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("dispute_id", "team", name="pk_dispute_representatives"),
    )
    op.create_table(
        "dispute_presentations",
        sa.Column("presentation_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("presenter", sa.Text(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("presentation_id", name="pk_dispute_presentations"),
    )
    op.create_index(
        "ux_dispute_presentations_dispute_team",
        "dispute_presentations",
        ["dispute_id", "team"],
        unique=True,
    )
    op.create_table(
        "dispute_decisions",
        sa.Column("decision_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_us", sa.BigInteger(), nullable=False),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("decision_id", name="pk_dispute_decisions"),
    )
    op.create_index(
        "ux_dispute_decisions_dispute_number",
        "dispute_decisions",
        ["dispute_id", "number"],
        unique=True,
    )
    _append_only(op.get_context().dialect.name)


def _append_only(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION revpact_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'revpact: % is append-only; % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION revpact_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'revpact: {table} is append-only; "
                f"{operation} refused'); END"
            )


def downgrade() -> None:
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS revpact_append_only()")
