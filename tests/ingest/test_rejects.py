"""The rejects file: skipped rows as they came, with formulas neutralised for spreadsheets."""

from __future__ import annotations

import csv
from pathlib import Path

from revpact.ingest.leads.canonical import RejectedRow
from revpact.ingest.rejects import RejectsWriter, rejects_path_for


def read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fp:
        return list(csv.reader(fp))


def test_rejects_go_beside_the_input() -> None:
    assert rejects_path_for(Path("/d/leads.csv")) == Path("/d/leads.rejects.csv")


def test_formulas_in_a_rejected_row_are_written_as_text(tmp_path: Path) -> None:
    target = tmp_path / "leads.rejects.csv"
    rejects = RejectsWriter(["lead_id", "owner", "amount"], target)
    fields = ("=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.test","x")', "-12.50")
    rejects.write([RejectedRow(2, fields, ("@bad", "row 2: wrong"))])
    assert rejects.finish() == target
    header, row = read(target)
    assert header == ["lead_id", "owner", "amount", "error"]
    assert row == [
        "'=cmd|' /C calc'!A0",
        '\'=HYPERLINK("http://evil.test","x")',
        "-12.50",
        "'@bad; row 2: wrong",
    ]


def test_no_reject_writes_no_file(tmp_path: Path) -> None:
    target = tmp_path / "leads.rejects.csv"
    rejects = RejectsWriter(["lead_id"], target)
    rejects.write([])
    assert rejects.finish() is None and not target.exists()
