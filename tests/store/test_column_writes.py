"""Rows written column-wise: the flat VALUES groups, COPY text, and the bulk-load journal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from revpact.domain.clock.sla import NO_TIME
from revpact.store import open_store
from revpact.store.column_writes import copy_text, rollback_journal, value_groups
from revpact.store.leads import LEAD_COLUMNS, LeadRepository


def test_value_groups_lay_rows_out_flat_then_the_rest_one_by_one() -> None:
    ids, counts = ["a", "b", "c", "d", "e"], [1, 2, 3, 4, 5]
    groups, rest = value_groups([ids, counts], 2)
    assert groups == [["a", 1, "b", 2], ["c", 3, "d", 4]]
    assert rest == [["e", 5]]
    assert value_groups([[], []], 100) == ([], [])
    with pytest.raises(ValueError, match="one value per row"):
        value_groups([ids, counts[:2]], 2)


def test_copy_text_writes_nulls_and_escapes_what_copy_reads_specially() -> None:
    body = copy_text(
        [["L1", "L\t2", "back\\slash"], ["ana", "", "new\nline"], [5, NO_TIME, 7]],
        [None, "", NO_TIME],
    )
    assert body.splitlines() == [
        "L1\tana\t5",
        "L\\t2\t\\N\t\\N",
        "back\\\\slash\tnew\\nline\t7",
    ]


def _journal(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one())


def _row(lead_id: str) -> dict[str, list[str] | list[int]]:
    ints = {c: [1] for c in ("created_us", "notified_us", "first_touch_us", "due_us")}
    return {
        "lead_id": [lead_id],
        "lead_type": ["content"],
        "stage": ["late"],
        "requested_follow_up": [1],
        "owner": [""],
        "applies": [1],
        "touch_claimed_us": [NO_TIME],
        **ints,
    }


_SAME: dict[str, str | int] = {
    "attributes": "{}",
    "sla_fingerprint": "fp",
    "recorded_us": 1,
    "recorded_by": "",
}


def test_a_sqlite_file_loads_through_a_rollback_journal_and_gets_wal_back(
    tmp_path: Path,
) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    assert _journal(engine) == "wal"
    with engine.connect() as conn:
        with rollback_journal(conn) as switched, conn.begin():
            assert switched
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "delete"
            assert LeadRepository(conn).insert(_row("L1"), _SAME) == 1
        # A load that fails is rolled back whole, journal and all.
        with pytest.raises(RuntimeError), rollback_journal(conn), conn.begin():
            LeadRepository(conn).insert(_row("L2"), _SAME)
            raise RuntimeError("the file had a bad row")
    assert _journal(engine) == "wal"
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT lead_id, owner, touch_claimed_us FROM leads")).all()
    assert [tuple(r) for r in stored] == [("L1", None, None)]
    engine.dispose()


def test_another_connection_on_the_file_keeps_it_in_wal(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    engine = open_store(f"sqlite:///{path}")
    other = sqlite3.connect(path)
    other.execute("BEGIN")
    other.execute("SELECT COUNT(*) FROM leads").fetchone()  # a reader holds the file
    with engine.connect() as conn, rollback_journal(conn) as switched:
        assert not switched
    other.close()
    assert _journal(engine) == "wal"
    engine.dispose()


def test_writes_name_every_column_once(engine: Engine) -> None:
    with engine.begin() as conn:
        repo = LeadRepository(conn)
        missing = {k: v for k, v in _row("L1").items() if k != "due_us"}
        with pytest.raises(ValueError, match="no value for the leads column due_us"):
            repo.insert(missing, _SAME)
        with pytest.raises(ValueError, match="leads has no column shoe_size"):
            repo.insert({**_row("L1"), "shoe_size": [42]}, _SAME)
        assert repo.insert({c: [] for c in _row("L1")}, _SAME) == 0
    assert set(_row("L1")) | set(_SAME) == set(LEAD_COLUMNS)


def test_an_upsert_counts_new_and_changed_rows_not_equal_ones(engine: Engine) -> None:
    with engine.begin() as conn:
        repo = LeadRepository(conn)
        assert repo.upsert(_row("L1"), _SAME) == 1
        assert repo.upsert(_row("L1"), _SAME) == 0
        changed = {**_row("L1"), "stage": ["early"]}
        both = {k: v + _row("L2")[k] for k, v in changed.items()}  # type: ignore[operator]
        assert repo.upsert(both, _SAME) == 2
        stored = conn.execute(text("SELECT lead_id, stage FROM leads ORDER BY lead_id")).all()
    assert [tuple(r) for r in stored] == [("L1", "early"), ("L2", "late")]
