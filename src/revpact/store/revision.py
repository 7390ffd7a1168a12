"""The store's revision: a counter every write that can change a dashboard figure bumps.

It lives in ``store_state`` under ``revision`` and is bumped by the writing transaction itself,
so a reader that sees revision ``r`` sees every write up to ``r`` (a cache entry computed
after reading ``r`` can only be *newer* than ``r``, never older). One ``INSERT ... ON CONFLICT``
statement (SQLite and PostgreSQL alike), so concurrent writers never lose a bump. A store
nothing has bumped yet is at revision 0.

:func:`write_marks` reads, in one statement, what a writer of leads checks before it writes:
the SLA fingerprint every stored deadline is under, and how far the agreement's append-only
log of versions and signatures has come (which decides the agreement governing each moment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, select, text

from revpact.store.sqlite import driver_cursor
from revpact.store.tables import store_state

__all__ = ["REVISION_KEY", "WriteMarks", "bump_revision", "store_revision", "write_marks"]

REVISION_KEY: Final = "revision"

_BUMP: Final = text(
    "INSERT INTO store_state (key, value) VALUES (:key, '1') "
    "ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(store_state.value AS BIGINT) + 1 AS TEXT)"
)


def bump_revision(conn: Connection) -> None:
    """Bump the revision inside ``conn``'s transaction (call it last: it locks one row)."""
    cursor = driver_cursor(conn)
    if cursor is None:
        conn.execute(_BUMP, {"key": REVISION_KEY})
    else:
        cursor.execute(_BUMP.text, {"key": REVISION_KEY})


def store_revision(conn: Connection) -> int:
    """The store's revision (0 when nothing has bumped it yet)."""
    value = conn.execute(
        select(store_state.c.value).where(store_state.c.key == REVISION_KEY)
    ).scalar_one_or_none()
    return 0 if value is None else int(value)


@dataclass(frozen=True)
class WriteMarks:
    """What :func:`write_marks` read: ``deadlines_fingerprint`` is the SLA every stored deadline
    is known to be under (None: not known); ``versions_log`` where the agreement's log stands:
    the newest version's number and hash, the newest signature's id and time (the log only
    grows, so these name its whole content)."""

    deadlines_fingerprint: str | None
    versions_log: tuple[int, str, int, int]


_MARKS: Final = text(
    "SELECT (SELECT value FROM store_state WHERE key = 'sla_fingerprint'), "
    "(SELECT number FROM agreement_versions ORDER BY number DESC LIMIT 1), "
    "(SELECT hash FROM agreement_versions ORDER BY number DESC LIMIT 1), "
    "(SELECT signature_id FROM signatures ORDER BY signature_id DESC LIMIT 1), "
    "(SELECT signed_us FROM signatures ORDER BY signature_id DESC LIMIT 1)"
)


def write_marks(conn: Connection) -> WriteMarks:
    """The store's :class:`WriteMarks`, in one statement."""
    cursor = driver_cursor(conn)
    row = conn.execute(_MARKS).one() if cursor is None else cursor.execute(_MARKS.text).fetchone()
    fingerprint, number, digest, signature, signed_us = row
    return WriteMarks(
        None if fingerprint is None else str(fingerprint),
        (int(number or 0), str(digest or ""), int(signature or 0), int(signed_us or 0)),
    )
