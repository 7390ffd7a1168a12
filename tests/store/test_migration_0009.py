"""Migration 0009 keeps every SWAT report filed before it (as its week's first filing), and the
filings are append-only; downgrading keeps each week's latest filing."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from revpact.store import db


def test_reports_filed_before_0009_are_kept(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0008")
        conn.execute(
            text(
                "INSERT INTO swat_reports VALUES "
                "('2020-W10', 100, 'w10.md', 'abc', '# W10', 'anna@x.example')"
            )
        )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0009")
        conn.execute(
            text(
                "INSERT INTO swat_report_filings "
                "(week, filed_us, recorded_us, file_name, sha256, body, filed_by) "
                "VALUES ('2020-W10', 200, 200, 'w10b.md', 'def', '# W10 again', NULL)"
            )
        )
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT week, filed_us, recorded_us, body, filed_by FROM swat_report_filings")
        ).all()
    assert [tuple(r) for r in rows] == [
        ("2020-W10", 100, 100, "# W10", "anna@x.example"),
        ("2020-W10", 200, 200, "# W10 again", None),
    ]
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE swat_report_filings SET body = ''"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT week, body FROM swat_reports")).all()
    assert [tuple(r) for r in kept] == [("2020-W10", "# W10 again")]
    engine.dispose()
