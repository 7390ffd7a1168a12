"""Attributed writes: who recorded a lead's notification and first touch, and when; late entries
and their approvals.

* ``leads.recorded_us`` / ``recorded_by``: when the row last changed and who changed it (a
  member's e-mail, ``webhook:<source>``; NULL: not known, or a command run without ``--by``).
* ``leads.notified_recorded_us`` / ``notified_by``: when and by whom the notification time as
  stored was recorded (NULL: it came with the lead's first import, from the CRM's record).
* ``leads.touch_claimed_us``: the earliest first touch anyone claimed; ``first_touch_us`` stays
  the touch the follow-up clock counts, which is later exactly while a late-entered touch
  awaits approval. ``touch_recorded_us`` / ``touch_by``: when and by whom the claimed touch was
  recorded; ``touch_approved_us`` / ``touch_approved_by``: its approval.
* ``deals`` and ``revenue`` gain ``recorded_us`` / ``recorded_by``, set on insert and on every
  upsert that changes the row (a closed month's restatements list the rows recorded after its
  close by them).

Existing rows keep NULL (not known) except ``touch_claimed_us``, which is the stored first
touch: every touch stored before this revision counts as claimed.

Revision ID: 0007
Revises: 0006
Create Date: 2020-10-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_LEAD_COLUMNS = (
    ("recorded_us", sa.BigInteger()),
    ("recorded_by", sa.Text()),
    ("notified_recorded_us", sa.BigInteger()),
    ("notified_by", sa.Text()),
    ("touch_claimed_us", sa.BigInteger()),
    ("touch_recorded_us", sa.BigInteger()),
    ("touch_by", sa.Text()),
    ("touch_approved_us", sa.BigInteger()),
    ("touch_approved_by", sa.Text()),
)
_STAMPS = (("recorded_us", sa.BigInteger()), ("recorded_by", sa.Text()))


def upgrade() -> None:
    for name, kind in _LEAD_COLUMNS:
        op.add_column("leads", sa.Column(name, kind, nullable=True))
    for table in ("deals", "revenue"):
        for name, kind in _STAMPS:
            op.add_column(table, sa.Column(name, kind, nullable=True))
    op.execute("UPDATE leads SET touch_claimed_us = first_touch_us")


def downgrade() -> None:
    for table, columns in (("revenue", _STAMPS), ("deals", _STAMPS), ("leads", _LEAD_COLUMNS)):
        with op.batch_alter_table(table) as batch:
            for name, _ in reversed(columns):
                batch.drop_column(name)
