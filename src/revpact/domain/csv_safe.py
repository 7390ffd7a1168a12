"""CSV cells that a spreadsheet shows as text, never runs as a formula (OWASP's CSV injection rule).

Every CSV file revpact writes for people to open (the rejects file of an import, the demo's
data files) goes through :func:`writer`. A cell a spreadsheet would read as a formula gets a
leading ``'``, which spreadsheets take as "this is text":

* a cell whose first character is ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  (OWASP's list), or the full-width ``＝ ＋ － ＠`` some spreadsheets also accept;
* a cell that starts with such a character after leading spaces or line breaks, which some
  spreadsheets trim before they look.

A plain number is data, not a formula, and is written as it is: an optional sign, then only
digits, ``.`` and ``,``, and an optional exponent (``-12.50``, ``+3``, ``-1,250.00``,
``1e-5``). Such a cell holds no name, reference or operator a formula could use, and leaving
it alone keeps a negative amount a number in the spreadsheet and unchanged when the file is
read again.

Nothing is removed on reading: revpact's importers read a cell as the file holds it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Final, Protocol

__all__ = ["FORMULA_STARTS", "SafeWriter", "is_plain_number", "safe_cell", "safe_row", "writer"]

FORMULA_STARTS: Final = frozenset("=+-@\t\r＝＋－＠")
"""The first characters that make a spreadsheet read a cell as a formula."""
_TRIMMED: Final = " \n\r\t"
_PLAIN_NUMBER: Final = re.compile(r"[+-]?(?=[.,]?[0-9])[0-9.,]*(?:[eE][+-]?[0-9]+)?")


class _Rows(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


def is_plain_number(cell: str) -> bool:
    """Whether ``cell`` is only a number (sign, digits, ``.``/``,``, exponent)."""
    return _PLAIN_NUMBER.fullmatch(cell.strip(_TRIMMED)) is not None


def safe_cell(value: object) -> str:
    """``value`` as a CSV cell, with a leading ``'`` if a spreadsheet would run it."""
    cell = "" if value is None else str(value)
    if not cell:
        return cell
    if cell[0] in FORMULA_STARTS or cell.lstrip(_TRIMMED)[:1] in FORMULA_STARTS:
        return cell if is_plain_number(cell) else "'" + cell
    return cell


def safe_row(row: Iterable[object]) -> list[str]:
    """Every cell of ``row`` through :func:`safe_cell`."""
    return [safe_cell(value) for value in row]


class SafeWriter:
    """A :func:`csv.writer` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, rows: _Rows) -> None:
        self._rows = rows

    def writerow(self, row: Iterable[object]) -> None:
        self._rows.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fp: Any, **options: Any) -> SafeWriter:
    """``csv.writer(fp, **options)`` that neutralises formulas: the one way revpact writes CSV."""
    return SafeWriter(csv.writer(fp, **options))
