"""The text rule (:mod:`revpact.domain.text_values`) held on the columns of a data file.

A lead file may hold millions of cells, so :func:`bad_cells` first asks a column as one text
(a join, a search for NUL, the longest length, one UTF-8 encode — each at C speed) and looks
at cells one by one only when that finds something. :func:`bad_text` asks every column of a
file, each with the bound of its kind: an id (:data:`~revpact.domain.text_values.MAX_ID`), a
name (:data:`~revpact.domain.text_values.MAX_NAME`) or, for any other column, an attribute
value (:data:`~revpact.domain.text_values.MAX_VALUE`). :class:`CsvRows` reads rows with
:mod:`csv` and turns what it cannot split into an error naming the row.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

from revpact.domain.text_values import MAX_ID, MAX_NAME, MAX_VALUE, shown, text_problem
from revpact.errors import InputError

__all__ = ["CsvRows", "bad_cells", "bad_text"]


def bad_text(
    columns: Mapping[str, Sequence[str]], ids: Collection[str], names: Collection[str]
) -> Iterator[tuple[int, str, str]]:
    """``(row index, column, what is wrong)`` for each cell of ``columns`` that breaks the
    text rule; ``ids`` and ``names`` are the columns of those kinds. What is wrong starts with
    the value, quoted by :func:`~revpact.domain.text_values.shown`."""
    for column, values in columns.items():
        limit = MAX_ID if column in ids else MAX_NAME if column in names else MAX_VALUE
        for i, problem in bad_cells(values, limit):
            yield i, column, f"{shown(values[i])} {problem}"


def bad_cells(values: Sequence[str], limit: int) -> Iterator[tuple[int, str]]:
    """``(row index, problem)`` for each value that breaks the text rule for ``limit``."""
    if not values:
        return
    joined = "".join(values)
    if "\x00" not in joined and max(map(len, values)) <= limit and _encodable(joined):
        return
    for i, value in enumerate(values):
        problem = text_problem(value, limit)
        if problem is not None:
            yield i, problem


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class CsvRows:
    """:func:`csv.reader` over ``lines``, whose errors are revpact's: a row :mod:`csv` cannot
    read (a line break inside a field that is not quoted, a field of more than 128 KiB) raises
    :class:`InputError` naming ``source`` and the row's line (``before`` lines precede
    ``lines`` in the file), instead of :class:`csv.Error`."""

    def __init__(self, lines: Iterable[str], source: str, before: int = 0) -> None:
        self._reader = csv.reader(lines)
        self._source = source
        self._before = before

    @property
    def line_num(self) -> int:
        """Lines read so far (as :attr:`csv.reader.line_num`)."""
        return self._reader.line_num

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        try:
            return next(self._reader)
        except csv.Error as exc:
            row = self._before + self._reader.line_num
            raise InputError(
                f"{self._source} row {row}: is not CSV the reader can split ({exc}); quote a "
                "field that holds a line break, and keep each field under 128 KiB",
            ) from None
