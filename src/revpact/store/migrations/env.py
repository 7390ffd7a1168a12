"""Alembic environment: migrations run only through :func:`revpact.store.db.migrate`.

``revpact.store.db`` passes the open connection in ``config.attributes["connection"]``; there
is no ``alembic.ini`` and no offline (SQL script) mode.
"""

from __future__ import annotations

from alembic import context

from revpact.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through revpact.store.open_store(url)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
