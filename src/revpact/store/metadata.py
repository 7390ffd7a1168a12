"""The schema's one :class:`~sqlalchemy.MetaData`, with the naming convention of its indexes and
primary keys (:mod:`revpact.store.tables` declares the tables on it)."""

from __future__ import annotations

from sqlalchemy import MetaData

__all__ = ["metadata"]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)
