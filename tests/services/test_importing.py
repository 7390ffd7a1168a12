"""The lead import's bulk path: a first load into an empty store, and the store it leaves."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.errors import InputError
from revpact.ingest.leads import canonical
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS


def _write(path: Path, rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(CANONICAL_COLUMNS)
        writer.writerows(rows)
    return path


def _rows(n: int, first: int = 0) -> list[tuple[str, ...]]:
    return [
        (f"L{i:05d}", "content", "late", "true", "2020-03-02T09:00:00-05:00",
         f"2020-03-02T10:{i % 60:02d}:00-05:00", "" if i % 3 else "2020-03-02T11:00:00-05:00",
         f"rep{i % 7}" if i % 5 else "")
        for i in range(first, first + n)
    ]  # fmt: skip


def _journal(engine: Engine) -> str:
    if engine.dialect.name != "sqlite":
        return "wal"
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one())


def _stored(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT lead_id, owner, first_touch_us, touch_claimed_us FROM leads ORDER BY id")
        ).all()
    return [tuple(r) for r in rows]


def test_a_first_load_in_many_chunks_then_an_upsert(
    engine: Engine, agreement: Agreement, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(canonical, "BLOCK_BYTES", 4096)  # many chunks, each many statements
    first = services.import_leads(engine, agreement, _write(tmp_path / "a.csv", _rows(1_234)))
    assert (first.inserted, first.updated, first.unchanged) == (1_234, 0, 0)
    assert _journal(engine) == "wal"
    stored = _stored(engine)
    assert [r[0] for r in stored] == [f"L{i:05d}" for i in range(1_234)]
    assert stored[1][1] == "rep1" and stored[5][1] is None  # "" is no owner
    assert stored[0][2] == stored[0][3] is not None and stored[1][2] is stored[1][3] is None
    # Again, 200 of them changed (a new stage) and 100 new: counted as such.
    again = [(*r[:2], "early", *r[3:]) if i < 200 else r for i, r in enumerate(_rows(1_234))]
    second = services.import_leads(
        engine, agreement, _write(tmp_path / "b.csv", again + _rows(100, 5_000))
    )
    assert (second.inserted, second.updated, second.unchanged) == (100, 200, 1_034)
    assert len(_stored(engine)) == 1_334


def test_a_failed_first_load_leaves_an_empty_store_in_wal_mode(
    engine: Engine, agreement: Agreement, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(canonical, "BLOCK_BYTES", 4096)
    bad = [*_rows(1_500), ("L99999", "content", "late", "true", "2020-03-02T09:00:00-05:00",
                           "soon", "", "")]  # fmt: skip
    with pytest.raises(InputError, match="nothing was imported"):
        services.import_leads(engine, agreement, _write(tmp_path / "bad.csv", bad))
    assert _stored(engine) == []
    assert _journal(engine) == "wal"
    good = services.import_leads(engine, agreement, _write(tmp_path / "good.csv", _rows(10)))
    assert good.inserted == 10
