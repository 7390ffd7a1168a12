"""The store's revision: a counter every write that can change a dashboard figure bumps.

It lives in ``store_state`` under ``revision`` and is bumped by the writing transaction itself,
so a reader that sees revision ``r`` sees every write up to ``r`` (a cache entry computed
after reading ``r`` can only be *newer* than ``r``, never older). One ``INSERT ... ON CONFLICT``
statement (SQLite and PostgreSQL alike), so concurrent writers never lose a bump. A store
nothing has bumped yet is at revision 0.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, select, text

from revpact.store.tables import store_state

__all__ = ["REVISION_KEY", "bump_revision", "store_revision"]

REVISION_KEY: Final = "revision"

_BUMP: Final = text(
    "INSERT INTO store_state (key, value) VALUES (:key, '1') "
    "ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(store_state.value AS BIGINT) + 1 AS TEXT)"
)


def bump_revision(conn: Connection) -> None:
    """Bump the revision inside ``conn``'s transaction (call it last: it locks one row)."""
    conn.execute(_BUMP, {"key": REVISION_KEY})


def store_revision(conn: Connection) -> int:
    """The store's revision (0 when nothing has bumped it yet)."""
    value = conn.execute(
        select(store_state.c.value).where(store_state.c.key == REVISION_KEY)
    ).scalar_one_or_none()
    return 0 if value is None else int(value)
