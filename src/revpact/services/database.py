"""The database, for the faces: where it is (``--db``, ``$REVPACT_DATABASE_URL``, else the
embedded SQLite file) and opening it, migrated to the schema this release needs.

The CLI and the server reach the store only through services; these are the two entry points
they need to get an :class:`~sqlalchemy.Engine` to hand back to every other service.
"""

from __future__ import annotations

from sqlalchemy import Engine

from revpact.store import db

__all__ = ["open_database", "resolve_database_url"]


def resolve_database_url(explicit: str | None) -> str:
    """The database URL: ``explicit``, else the environment, else the embedded SQLite file."""
    return db.resolve_database_url(explicit)


def open_database(url: str) -> Engine:
    """The store at ``url``, created or migrated as needed (:class:`StoreError` when it
    cannot be)."""
    return db.open_store(url)
