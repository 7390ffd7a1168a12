"""The embedded store: engine, tables, migrations and the leads repository."""

from __future__ import annotations

from revpact.store import sessions as _sessions  # noqa: F401  (declares dashboard_sessions)
from revpact.store.db import (
    DEFAULT_DATABASE_URL,
    ENV_DATABASE_URL,
    migrate,
    open_store,
    resolve_database_url,
)

__all__ = [
    "DEFAULT_DATABASE_URL",
    "ENV_DATABASE_URL",
    "migrate",
    "open_store",
    "resolve_database_url",
]
