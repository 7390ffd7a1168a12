"""Migration 0008 keeps every reward split recorded before it (as split number 1 of its month),
and its new tables are append-only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from revpact.store import db


def test_splits_recorded_before_0008_are_kept(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0007")
        conn.execute(
            text(
                "INSERT INTO reward_allocations VALUES "
                "('2020-01', 'anna', 25000000, 100), ('2020-01', 'tom', 25000000, 100)"
            )
        )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0008")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT month, number, shares, allocated_us, allocated_by FROM reward_splits")
        ).all()
    assert [(m, n, json.loads(s), at, by) for m, n, s, at, by in rows] == [
        ("2020-01", 1, {"anna": 25000000, "tom": 25000000}, 100, None)
    ]
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM reward_splits"))
    engine.dispose()
