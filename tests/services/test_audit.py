"""The audit trail: writes are recorded once, read back in order, and can never be changed."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

import revpact
from revpact.domain.clock.calendar import to_us
from revpact.services.audit import audit_trail
from revpact.services.public.audit import AuditEntryPublic
from revpact.store.audit import record_write

T0 = datetime(2020, 9, 1, 9, tzinfo=UTC)


def _write(engine: Engine, n: int, **extra: object) -> None:
    with engine.begin() as conn:
        record_write(
            conn,
            recorded_us=to_us(T0 + timedelta(hours=n)),
            actor=f"rep{n}@company-a.example",
            via="cli",
            action=f"lead.touch.{n}",
            subject=f"lead:L{n}",
            claimed_us=to_us(T0 + timedelta(hours=n) - timedelta(minutes=30 * n)),
            late=n > 0,
            detail={"n": n, **extra},
        )


def test_writes_read_back_in_order_with_their_two_times(engine: Engine) -> None:
    for n in range(3):
        _write(engine, n)
    entries = audit_trail(engine)
    assert [e.action for e in entries] == ["lead.touch.0", "lead.touch.1", "lead.touch.2"]
    assert [e.delay_seconds for e in entries] == [0, 1800, 3600]
    assert [e.late for e in entries] == [False, True, True]
    as_json = AuditEntryPublic.of(entries[2]).model_dump(mode="json")
    assert as_json["actor"] == "rep2@company-a.example"
    assert as_json["claimed_at"] == (T0 + timedelta(hours=1)).isoformat()
    assert as_json["detail"] == {"n": 2}


def test_since_and_action_filter(engine: Engine) -> None:
    for n in range(3):
        _write(engine, n)
    assert [e.number for e in audit_trail(engine, since=T0 + timedelta(hours=1))] == [2, 3]
    assert [e.action for e in audit_trail(engine, action="lead.touch.1")] == ["lead.touch.1"]
    # the prefix is literal: SQL wildcards in it match nothing else
    assert audit_trail(engine, action="lead.%") == []


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"],
)
def test_the_database_refuses_to_change_the_trail(engine: Engine, statement: str) -> None:
    _write(engine, 0)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert [e.actor for e in audit_trail(engine)] == ["rep0@company-a.example"]


def _writes_to_trail(path: Path) -> list[str]:
    """Statements in ``path`` that could change or delete audit rows."""
    source = path.read_text(encoding="utf-8")
    found = []
    lowered = source.lower()
    for needle in ("update audit_log", "delete from audit_log", "month_closes set"):
        if needle in lowered:
            found.append(f"{path.name}: {needle}")
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"update", "delete"}
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in {"audit_log", "month_closes"}
        ):
            found.append(f"{path.name}: {node.func.id}({node.args[0].id})")
    return found


def test_no_command_or_route_edits_the_trail() -> None:
    package = Path(revpact.__file__).parent
    offenders = [
        hit
        for path in sorted(package.rglob("*.py"))
        if "migrations" not in path.parts
        for hit in _writes_to_trail(path)
    ]
    assert offenders == []


def test_the_scan_would_notice(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from sqlalchemy import update\nupdate(audit_log)\nSQL = 'DELETE FROM audit_log'\n",
        encoding="utf-8",
    )
    assert len(_writes_to_trail(bad)) == 2
