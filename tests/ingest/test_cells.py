"""The text rule on whole columns: only the bad cells, each with its problem."""

from __future__ import annotations

import io

import pytest

from revpact.errors import InputError
from revpact.ingest.cells import CsvRows, bad_cells, bad_text


def test_bad_cells() -> None:
    assert list(bad_cells(["a", "b" * 10], 10)) == []
    assert list(bad_cells([], 10)) == []
    found = list(bad_cells(["ok", "a\x00", "x" * 11, "\ud800"], 10))
    assert [i for i, _ in found] == [1, 2, 3]
    assert "NUL" in found[0][1] and "11 characters" in found[1][1] and "surrogate" in found[2][1]


def test_bad_text_bounds_each_column_by_its_kind() -> None:
    columns = {"lead_id": ["i" * 257], "owner": ["o" * 321], "region": ["r" * 2000, "r" * 2001]}
    found = list(bad_text(columns, ("lead_id",), ("owner",)))
    assert [(i, column) for i, column, _ in found] == [(0, "lead_id"), (0, "owner"), (1, "region")]
    assert found[0][2].startswith('"iii') and found[0][2].endswith(
        "has 257 characters; at most 256"
    )


def test_csv_rows_name_the_row_csv_cannot_split() -> None:
    rows = CsvRows(io.StringIO("a,b\nc,d\ne,f\rg\n"), "f.csv", 10)
    assert next(rows) == ["a", "b"] and next(rows) == ["c", "d"]
    with pytest.raises(InputError, match=r"^f\.csv row 13: is not CSV the reader can split"):
        next(rows)
    big = CsvRows(io.StringIO('"' + "x" * 200_000 + '"\n'), "g.csv")
    with pytest.raises(InputError, match=r"^g\.csv row 1: .*field larger than field limit"):
        list(big)
