"""The deal file: a CSV with one deal per row, and the small-table reading it shares with the
revenue file (:mod:`revpact.ingest.revenue`).

Header (any order; extra columns are ignored)::

    deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner

* ``outcome`` is ``open``, ``won`` or ``lost`` (any case);
* timestamps are ISO 8601 with an offset or ``Z``; without one they are wall-clock time in the
  agreement's calendar zone (see :mod:`revpact.ingest.timestamps`);
* ``created_at`` is required; ``proposal_at`` is empty when no proposal was submitted;
  ``closed_at`` is empty for an open deal and required for a won or lost one; neither may be
  before ``created_at``;
* ``amount`` is a plain decimal number in the agreement's currency (``12500``, ``12500.50``; no
  sign, thousands separators or currency symbol) with at most as many decimal places as the
  currency has minor units (:func:`minor_units`: 2 for USD, 0 for JPY, 3 for KWD). It is
  required for a won deal and may be empty for an open or a lost one;
* ``lead_id`` may be empty and need not name an imported lead; ``owner`` empty = nobody;
* a ``deal_id`` appears once per file.

Deal and revenue files are small (one row per deal or month), so the whole file is read at
once; every problem names the file, the row (its line in the file), the column and the value.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import IO, Final
from zoneinfo import ZoneInfo

import numpy as np

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.sla import NO_TIME
from revpact.domain.text_values import shown as _show
from revpact.errors import InputError
from revpact.ingest.cells import CsvRows, bad_text
from revpact.ingest.leads.canonical import RejectedRow
from revpact.ingest.timestamps import TimeWindow, parse_instants

__all__ = [
    "AMOUNT_SCALE",
    "DEAL_COLUMNS",
    "Deal",
    "DealFile",
    "Outcome",
    "Problems",
    "RawTable",
    "minor_units",
    "parse_amount",
    "read_deals",
    "read_table",
]

DEAL_COLUMNS: Final = (
    "deal_id",
    "lead_id",
    "created_at",
    "proposal_at",
    "closed_at",
    "outcome",
    "amount",
    "owner",
)
AMOUNT_SCALE: Final = 4
"""Amounts are stored as integers of 10**-AMOUNT_SCALE currency units (ten-thousandths), which
holds every ISO 4217 currency's minor units exactly, on SQLite as on PostgreSQL."""

_MINOR_UNITS: Final = {
    **dict.fromkeys(
        (
            *("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG"),
            *("RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"),
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}
"""ISO 4217 minor units where they are not 2."""
_AMOUNT: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_EXAMPLE_TIME: Final = "2020-03-02T10:15:00-05:00"
_TOO_LARGE: Final = Decimal(10) ** 14  # what a BIGINT of ten-thousandths holds, rounded down

_Report = Callable[[int, str, str], None]


def minor_units(currency: str) -> int:
    """Decimal places of ``currency`` (ISO 4217 minor units; 2 unless listed otherwise)."""
    return _MINOR_UNITS.get(currency, 2)


def parse_amount(value: str, places: int) -> Decimal | str:
    """A plain non-negative decimal of at most ``places`` places, or what is wrong with it."""
    text = value.strip()
    example = "5000" if places == 0 else f"5000 or 1234.{'5' * places}"
    if not text:
        return f"is empty; write the amount, e.g. {example}"
    if not _AMOUNT.fullmatch(text):
        return f"{_show(value)} is not an amount; write a plain number such as {example}"
    amount = Decimal(text)
    if amount >= _TOO_LARGE:
        return f"{_show(value)} is too large; amounts go up to {_TOO_LARGE - 1}"
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > places and amount != amount.quantize(Decimal(1).scaleb(-places)):
        unit = "no decimal places" if places == 0 else f"at most {places} decimal places"
        return f"{_show(value)} has more decimal places than the currency; write {unit}"
    return amount


class Outcome(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True)
class Deal:
    """A valid deal; times are epoch µs (UTC), ``None`` for no such moment."""

    deal_id: str
    lead_id: str | None
    created_us: int
    proposal_us: int | None
    closed_us: int | None
    outcome: Outcome
    amount: Decimal | None
    owner: str | None


@dataclass(frozen=True)
class RawTable:
    """A CSV file's header and its rows as text fields, each with its line in the file."""

    source: str
    header: tuple[str, ...]
    lines: list[int]
    columns: dict[str, list[str]]  # every header column, one field per row
    rejected: list[RejectedRow]  # rows with the wrong number of fields
    sha256: str

    @property
    def rows(self) -> int:
        return len(self.lines) + len(self.rejected)

    def fields(self, i: int) -> tuple[str, ...]:
        return tuple(self.columns[c][i] for c in self.header)


@dataclass(frozen=True)
class DealFile:
    """What a deal file holds: its valid deals and its rejected rows, in file order."""

    source: str
    header: tuple[str, ...]
    sha256: str
    rows: int
    deals: tuple[Deal, ...]
    rejected: tuple[RejectedRow, ...]


def read_table(fp: IO[bytes] | IO[str], *, source: str, columns: Sequence[str]) -> RawTable:
    """Read a whole CSV file (UTF-8, a BOM is fine) whose header must name ``columns``.

    A file that is not UTF-8 text or whose header is not usable raises :class:`InputError`;
    a row with the wrong number of fields is rejected.
    """
    data = fp.read()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        text = codecs.decode(raw, "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source} is not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV"
        ) from None
    reader = CsvRows(io.StringIO(text, newline=""), source, 0)
    header_row = next(reader, [])
    if not any(field.strip() for field in header_row):
        raise InputError(
            f"{source} has no header; its first line must name the columns: {','.join(columns)}"
        )
    header = tuple(name.strip() for name in header_row)
    _check_header(source, header, columns)
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    rejected: list[RejectedRow] = []
    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if not row:
            continue
        if len(row) != width:
            problem = (
                f"{source} row {line}: has {len(row)} field{'s' * (len(row) != 1)}, "
                f"the header has {width}"
            )
            rejected.append(RejectedRow(line, tuple(row), (problem,)))
            continue
        rows.append(row)
        lines.append(line)
    transposed = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    return RawTable(
        source=source,
        header=header,
        lines=lines,
        columns={name: list(transposed[j]) for j, name in enumerate(header)},
        rejected=rejected,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _check_header(source: str, header: tuple[str, ...], columns: Sequence[str]) -> None:
    problems: list[str] = []
    missing = [c for c in columns if c not in header]
    if missing:
        problems.append(
            f"the header lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}; it needs {','.join(columns)}"
        )
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        problems.append(f"the header names {', '.join(repeated)} more than once")
    if "" in header:
        problems.append(f"column {header.index('') + 1} of the header has no name")
    if problems:
        raise InputError(f"{source}: the header is not usable", problems)


class Problems:
    """Problems found per row, each naming the file, the row, the column and the value."""

    def __init__(self, table: RawTable) -> None:
        self._table = table
        self._position = {name: k for k, name in enumerate(table.header)}
        self.by_row: dict[int, list[tuple[int, str]]] = {}

    def report(self, i: int, column: str, detail: str) -> None:
        text = f"{self._table.source} row {self._table.lines[i]}, column {column}: {detail}"
        self.by_row.setdefault(i, []).append((self._position[column], text))

    def check_unique(self, column: str, kind: str) -> None:
        """Each non-empty value of ``column`` on one row only."""
        first: dict[str, int] = {}
        for i, (value, line) in enumerate(
            zip(self._table.columns[column], self._table.lines, strict=True)
        ):
            if not value:
                continue
            seen = first.setdefault(value, line)
            if seen != line:
                self.report(i, column, f"{_show(value)} is on row {seen} too; list a {kind} once")

    def rejected(self) -> list[RejectedRow]:
        """Every rejected row (including those with the wrong number of fields), in file order."""
        found = [
            RejectedRow(
                self._table.lines[i],
                self._table.fields(i),
                tuple(text for _, text in sorted(problems, key=lambda p: p[0])),
            )
            for i, problems in self.by_row.items()
        ]
        return sorted([*self._table.rejected, *found], key=lambda r: r.line)


def read_deals(fp: IO[bytes] | IO[str], *, source: str, agreement: Agreement) -> DealFile:
    """Read and check a deal file; a file that cannot be read at all raises InputError."""
    table = read_table(fp, source=source, columns=DEAL_COLUMNS)
    cols, n = table.columns, len(table.lines)
    found = Problems(table)
    report = found.report
    zone = ZoneInfo(agreement.calendar.timezone)
    places = minor_units(agreement.currency)

    ids = cols["deal_id"]
    for i in (i for i, v in enumerate(ids) if not v.strip()):
        report(i, "deal_id", "is empty; every deal needs an id")
    found.check_unique("deal_id", "deal")
    for i, column, detail in bad_text(cols, ("deal_id", "lead_id"), ("outcome", "owner")):
        report(i, column, detail)

    outcomes: list[Outcome | None] = []
    allowed = ", ".join(o.value for o in Outcome)
    for i, value in enumerate(cols["outcome"]):
        outcome = _OUTCOMES.get(value.strip().lower())
        if outcome is None:
            report(i, "outcome", f"{_show(value)} is not an outcome; write one of {allowed}")
        outcomes.append(outcome)

    times: dict[str, list[int | None]] = {}
    window = TimeWindow.of(agreement)
    for column in ("created_at", "proposal_at", "closed_at"):
        parsed = parse_instants(cols[column], zone)
        for i in np.flatnonzero(parsed.bad).tolist():
            report(
                i,
                column,
                f"{_show(cols[column][i])} is not an ISO 8601 timestamp; "
                f"write e.g. {_EXAMPLE_TIME}",
            )
        for i in np.flatnonzero(window.outside(parsed.us)).tolist():
            report(i, column, window.problem(_show(cols[column][i])))
        times[column] = [None if us == NO_TIME else us for us in parsed.us.tolist()]
        if column == "created_at":
            for i in np.flatnonzero(parsed.empty).tolist():
                report(i, column, "is empty; write when the deal was created")

    amounts: list[Decimal | None] = []
    for i, value in enumerate(cols["amount"]):
        amount: Decimal | None = None
        if value.strip():
            got = parse_amount(value, places)
            if isinstance(got, str):
                report(i, "amount", got)
            else:
                amount = got
        elif outcomes[i] is Outcome.WON:
            report(i, "amount", "is empty, but the deal was won; write its amount")
        amounts.append(amount)

    for i in range(n):
        _check_order(i, cols, times, outcomes[i], report)

    deals = tuple(
        Deal(
            deal_id=ids[i],
            lead_id=cols["lead_id"][i] or None,
            created_us=created,
            proposal_us=times["proposal_at"][i],
            closed_us=times["closed_at"][i],
            outcome=outcome,
            amount=amounts[i],
            owner=cols["owner"][i] or None,
        )
        for i, (created, outcome) in enumerate(zip(times["created_at"], outcomes, strict=True))
        if i not in found.by_row and created is not None and outcome is not None
    )
    return DealFile(
        source=table.source,
        header=table.header,
        sha256=table.sha256,
        rows=table.rows,
        deals=deals,
        rejected=tuple(found.rejected()),
    )


_OUTCOMES: Final = {o.value: o for o in Outcome}


def _check_order(
    i: int,
    cols: dict[str, list[str]],
    times: dict[str, list[int | None]],
    outcome: Outcome | None,
    report: _Report,
) -> None:
    """closed_at set exactly when the deal is decided; no time before created_at."""
    created = times["created_at"][i]
    closed_raw = cols["closed_at"][i]
    if outcome is Outcome.OPEN and closed_raw.strip():
        report(
            i,
            "closed_at",
            f"{_show(closed_raw)} is set, but the deal is open; clear it or write won or lost "
            "as the outcome",
        )
    elif outcome in (Outcome.WON, Outcome.LOST) and not closed_raw.strip():
        report(i, "closed_at", f"is empty, but the deal was {outcome}; write when it closed")
    if created is None:
        return
    for column in ("proposal_at", "closed_at"):
        moment = times[column][i]
        if moment is not None and moment < created:
            report(
                i,
                column,
                f"{_show(cols[column][i])} is before created_at "
                f"{_show(cols['created_at'][i])}; a deal cannot move before it exists",
            )
