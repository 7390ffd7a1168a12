"""The canonical lead file: a CSV with one lead per row, read column-wise in chunks.

Header (any order; extra columns are kept as the lead's attributes, which the agreement's
``applies_to`` / ``excludes`` may name)::

    lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner

* timestamps are ISO 8601 with an offset or ``Z``; without one they are wall-clock time in the
  agreement's calendar zone (see :mod:`revpact.ingest.timestamps`);
* ``first_touch_at`` empty = not touched yet; ``notified_at`` may be empty only for a lead the
  follow-up SLA does not cover; ``owner`` empty = nobody owns it yet;
* ``requested_follow_up`` is true/false, yes/no or 1/0 (any case);
* ``lead_type`` is one of the agreement's lead types; a ``lead_id`` appears once per file.

:class:`LeadReader` reads a binary or text file object block by block (a few MB at a time, so
memory stays flat however long the file is) and yields :class:`LeadChunk` s: the valid rows as
columns (numpy arrays and lists, ready for a bulk insert) and the rejected rows with every
problem found in them, each naming the file, the row (its line number in the file), the column
and the value. Blocks without quotes are split with ``str.split``; the others go through
:mod:`csv`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Final, Protocol
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from revpact.domain.agreement.model import Agreement
from revpact.domain.text_values import MAX_ID
from revpact.domain.text_values import shown as _show
from revpact.errors import InputError
from revpact.ingest.cells import CsvRows, bad_text
from revpact.ingest.leads.factors import AppliesCache, Factor
from revpact.ingest.timestamps import TimeWindow, parse_instants

__all__ = [
    "BLOCK_BYTES",
    "CANONICAL_COLUMNS",
    "AppliesCache",
    "ChunkSource",
    "Factor",
    "LeadChunk",
    "LeadColumns",
    "LeadReader",
    "RejectedRow",
    "parse_flag",
]

CANONICAL_COLUMNS: Final = (
    "lead_id",
    "lead_type",
    "stage",
    "requested_follow_up",
    "created_at",
    "notified_at",
    "first_touch_at",
    "owner",
)
_TIME_COLUMNS: Final = ("created_at", "notified_at", "first_touch_at")
_FLAGS: Final = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_EXAMPLE_TIME: Final = "2020-03-02T10:15:00-05:00"
BLOCK_BYTES = 8 << 20
"""How much of the file :class:`LeadReader` reads at a time (tests shrink it to force chunks)."""

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_Report = Callable[[int, str, str], None]


def parse_flag(value: str) -> bool | None:
    """true/false, yes/no, 1/0 in any case (surrounding blanks ignored); None otherwise."""
    return _FLAGS.get(value.strip().lower())


@dataclass(frozen=True)
class LeadColumns:
    """Valid leads, column-wise; times are epoch µs with :data:`NO_TIME` for none."""

    lead_id: list[str]
    lead_type: list[str]
    stage: list[str]
    requested_follow_up: BoolArray
    owner: list[str]  # "" when nobody owns the lead
    attributes: list[str] | None  # JSON objects; None when the file has no extra columns
    created_us: Int64Array
    notified_us: Int64Array
    first_touch_us: Int64Array
    applies: BoolArray

    def __len__(self) -> int:
        return len(self.lead_id)


@dataclass(frozen=True)
class RejectedRow:
    """A row that cannot be stored: its line in the file, its fields and what is wrong."""

    line: int
    fields: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class LeadChunk:
    """One block of the file: the valid leads and the rejected rows, in file order."""

    leads: LeadColumns
    rejected: tuple[RejectedRow, ...]
    rows: int  # data rows read in this chunk (valid + rejected)


class ChunkSource(Protocol):
    """What reads a lead file chunk by chunk (:class:`LeadReader`, or one in a helper process)."""

    source: str
    header: tuple[str, ...]
    rows_read: int

    @property
    def sha256(self) -> str: ...

    def chunks(self) -> Iterator[LeadChunk]: ...

    def estimated_rows(self) -> int: ...


class LeadReader:
    """Reads a canonical lead file; the header is checked on construction.

    ``fp`` is a binary file object (UTF-8, a BOM is fine) or a text one. Iterate
    :meth:`chunks` once; afterwards :attr:`sha256` is the digest of the bytes read.
    """

    def __init__(
        self,
        fp: IO[bytes] | IO[str],
        *,
        source: str,
        agreement: Agreement,
        block_bytes: int | None = None,
    ) -> None:
        self.source = source
        self._fp = fp
        self._block_bytes = BLOCK_BYTES if block_bytes is None else block_bytes
        self._hash = hashlib.sha256()
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.bytes_read = 0
        self.bytes_total = _size(fp)
        self.rows_read = 0
        self._types = frozenset(agreement.lead_types())
        self._zone = ZoneInfo(agreement.calendar.timezone)
        self._window = TimeWindow.of(agreement)
        self._applies = AppliesCache(
            agreement.sales.follow_up,
            {"requested_follow_up": parse_flag, "owner": lambda value: value or None},
        )
        self._seen: set[str] = set()
        self._blocks = self._read_blocks()
        self.header, self._rest = self._read_header()
        self._check_header()
        self.extra = tuple(c for c in self.header if c not in CANONICAL_COLUMNS)
        self._line = 2  # the line the next data row starts on

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def estimated_rows(self) -> int:
        """Rows in the whole file, extrapolated from the bytes read so far."""
        if not self.bytes_total or not self.bytes_read:
            return self.rows_read
        return max(self.rows_read, round(self.rows_read * self.bytes_total / self.bytes_read))

    # ------------------------------------------------------------------ reading

    def chunks(self) -> Iterator[LeadChunk]:
        """The file's rows, a block at a time."""
        for block in itertools.chain([self._rest], self._blocks):
            if not block:
                continue
            if not block.endswith("\n"):
                block += "\n"
            first = self._line
            self._line += block.count("\n")
            columns, lines, rejected, clean = self._split(block, first)
            chunk = self._validate(columns, lines, rejected, clean)
            self.rows_read += chunk.rows
            yield chunk

    def _read_blocks(self) -> Iterator[str]:
        """Decoded text ending at a line break outside quotes (the last block may not)."""
        pending = ""
        size = min(self._block_bytes, 1 << 20)  # a small first block gets the caller going
        while True:
            data = self._fp.read(size)
            size = self._block_bytes
            if isinstance(data, bytes):
                self._hash.update(data)
                self.bytes_read += len(data)
                try:
                    text = self._decoder.decode(data, final=not data)
                except UnicodeDecodeError as exc:
                    at = self.bytes_read - len(data) + exc.start
                    raise InputError(
                        f"{self.source} is not UTF-8 text (byte {at}); save it as UTF-8 CSV"
                    ) from None
            else:
                raw = data.encode("utf-8")
                self._hash.update(raw)
                self.bytes_read += len(raw)
                text = data.removeprefix("\ufeff") if self.bytes_read == len(raw) else data
            if not data:
                if pending:
                    yield pending
                return
            pending += text
            cut = pending.rfind("\n") + 1
            if cut == 0:
                continue
            block = pending[:cut]
            if '"' in block and block.count('"') % 2:
                continue  # the cut falls inside a quoted field: read on
            pending = pending[cut:]
            yield block

    def _read_header(self) -> tuple[tuple[str, ...], str]:
        text = ""
        for block in self._blocks:
            text += block
            if "\n" in text:
                break
        line, _, rest = text.partition("\n")
        if not line.strip():
            raise InputError(
                f"{self.source} has no header; its first line must name the columns: "
                + ",".join(CANONICAL_COLUMNS)
            )
        header = tuple(name.strip() for name in next(csv.reader([line.rstrip("\r")])))
        return header, rest

    def _check_header(self) -> None:
        problems: list[str] = []
        missing = [c for c in CANONICAL_COLUMNS if c not in self.header]
        if missing:
            problems.append(
                f"the header lacks the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}; it needs {','.join(CANONICAL_COLUMNS)}"
            )
        repeated = sorted({c for c in self.header if self.header.count(c) > 1})
        if repeated:
            problems.append(f"the header names {', '.join(repeated)} more than once")
        if "" in self.header:
            problems.append(f"column {self.header.index('') + 1} of the header has no name")
        for name in self._applies.fields:
            if name not in self.header:
                problems.append(
                    f'the agreement\'s sales.follow_up decides by "{name}", a column the file lacks'
                )
        if problems:
            raise InputError(f"{self.source}: the header is not usable", problems)

    def _split(
        self, block: str, first: int
    ) -> tuple[dict[str, list[str]], list[int], list[RejectedRow], bool]:
        """Fields per column, the line of each row, rows with the wrong number of fields, and
        whether every field is known to keep the text rule (all lines short, no NUL)."""
        width = len(self.header)
        if "\r" in block:
            block = block.replace("\r\n", "\n")
        layout = _line_layout(block) if '"' not in block and "\r" not in block else None
        if layout is not None and layout[0] == width - 1:
            flat = block.replace("\n", ",").split(",")
            flat.pop()  # the empty text after the last line break
            columns = {name: flat[j::width] for j, name in enumerate(self.header)}
            clean = layout[1] <= MAX_ID and "\x00" not in block  # no field is longer than its line
            return columns, list(range(first, first + len(flat) // width)), [], clean
        rows: list[list[str]] = []
        numbers: list[int] = []
        rejected: list[RejectedRow] = []
        reader = CsvRows(io.StringIO(block), self.source, first - 1)
        start = first
        for row in reader:
            line, start = start, first + reader.line_num
            if not row:
                continue
            if len(row) != width:
                problem = (
                    f"{self.source} row {line}: has {len(row)} field{'s' * (len(row) != 1)}, "
                    f"the header has {width}"
                )
                rejected.append(RejectedRow(line, tuple(row), (problem,)))
                continue
            rows.append(row)
            numbers.append(line)
        transposed = list(zip(*rows, strict=True)) if rows else [() for _ in self.header]
        columns = {name: list(transposed[j]) for j, name in enumerate(self.header)}
        return columns, numbers, rejected, False

    # ------------------------------------------------------------------ checking

    def _validate(
        self, cols: dict[str, list[str]], lines: list[int], rejected: list[RejectedRow], clean: bool
    ) -> LeadChunk:
        n = len(lines)
        problems: dict[int, list[tuple[int, str]]] = {}
        position = {name: k for k, name in enumerate(self.header)}

        def report(i: int, column: str, detail: str) -> None:
            problems.setdefault(i, []).append(
                (position[column], f"{self.source} row {lines[i]}, column {column}: {detail}")
            )

        ids = cols["lead_id"]
        if "" in ids:
            for i in (i for i, v in enumerate(ids) if not v):
                report(i, "lead_id", "is empty; every lead needs an id")
        self._check_unique(ids, lines, report)
        if not clean:
            for i, column, detail in bad_text(cols, ("lead_id",), ("lead_type", "stage", "owner")):
                report(i, column, detail)

        # The columns of few distinct values, factorised together: every check below is
        # asked once per distinct combination, not once per row.
        names = list(dict.fromkeys(["lead_type", "requested_follow_up", *self._applies.fields]))
        combos = Factor.of_text_rows([cols[c] for c in names])
        at_type, at_flag = names.index("lead_type"), names.index("requested_follow_up")
        allowed = ", ".join(sorted(self._types))
        types = cols["lead_type"]
        for i in combos.rows_where(lambda combo: combo[at_type] not in self._types):
            report(i, "lead_type", f"{_show(types[i])} is not a lead type; write one of {allowed}")
        raw_flags = cols["requested_follow_up"]
        for i in combos.rows_where(lambda combo: parse_flag(combo[at_flag]) is None):
            report(
                i,
                "requested_follow_up",
                f"{_show(raw_flags[i])} is not a yes/no value; write true or false",
            )
        flag_of_combo = [parse_flag(combo[at_flag]) is True for combo in combos.values]
        requested: BoolArray = np.array(flag_of_combo, dtype=bool)[combos.codes]

        times: dict[str, Int64Array] = {}
        empty: dict[str, BoolArray] = {}
        for column in _TIME_COLUMNS:
            parsed = parse_instants(cols[column], self._zone)
            times[column], empty[column] = parsed.us, parsed.empty
            for i in np.flatnonzero(parsed.bad).tolist():
                report(
                    i,
                    column,
                    f"{_show(cols[column][i])} is not an ISO 8601 timestamp; "
                    f"write e.g. {_EXAMPLE_TIME}",
                )
            for i in np.flatnonzero(self._window.outside(parsed.us)).tolist():
                report(i, column, self._window.problem(_show(cols[column][i])))
        for i in np.flatnonzero(empty["created_at"]).tolist():
            report(i, "created_at", "is empty; write when the lead was created")

        applies = self._applies.column(combos, names)
        for i in np.flatnonzero(applies & empty["notified_at"]).tolist():
            report(
                i,
                "notified_at",
                "is empty, but the follow-up SLA covers this lead and its clock starts at the "
                "notification; write when the rep was notified",
            )

        attributes = None
        if self.extra:
            extra = self.extra
            attributes = [
                json.dumps(dict(zip(extra, values, strict=True)), ensure_ascii=False)
                for values in zip(*(cols[c] for c in extra), strict=True)
            ]

        leads = LeadColumns(
            lead_id=ids,
            lead_type=types,
            stage=cols["stage"],
            requested_follow_up=requested,
            owner=cols["owner"],
            attributes=attributes,
            created_us=times["created_at"],
            notified_us=times["notified_at"],
            first_touch_us=times["first_touch_at"],
            applies=applies,
        )
        rows = n + len(rejected)
        if problems:
            for i in sorted(problems):
                fields = tuple(cols[c][i] for c in self.header)
                found = tuple(text for _, text in sorted(problems[i], key=lambda p: p[0]))
                rejected.append(RejectedRow(lines[i], fields, found))
            rejected.sort(key=lambda r: r.line)
            keep = np.ones(n, dtype=bool)
            keep[list(problems)] = False
            leads = _take(leads, keep)
        return LeadChunk(leads=leads, rejected=tuple(rejected), rows=rows)

    def _check_unique(self, ids: list[str], lines: list[int], report: _Report) -> None:
        fresh = set(ids)
        if len(fresh) == len(ids) and self._seen.isdisjoint(fresh):
            self._seen |= fresh
            return
        here: dict[str, int] = {}
        for i, (lead_id, line) in enumerate(zip(ids, lines, strict=True)):
            if not lead_id:
                continue
            if lead_id in self._seen:
                report(i, "lead_id", f"{_show(lead_id)} is on an earlier row too; list a lead once")
                continue
            first = here.setdefault(lead_id, line)
            if first != line:
                report(i, "lead_id", f"{_show(lead_id)} is on row {first} too; list a lead once")
        self._seen |= fresh


def _line_layout(block: str) -> tuple[int, int] | None:
    """The number of commas on every line of ``block`` (None when lines differ) and the
    longest line's length in UTF-8 bytes (at least its length in characters)."""
    buf = np.frombuffer(block.encode("utf-8"), dtype=np.uint8)
    breaks = np.flatnonzero(buf == ord("\n"))
    commas = np.flatnonzero(buf == ord(","))
    per_line = np.diff(np.searchsorted(commas, breaks), prepend=0)
    if per_line.size == 0 or (per_line != per_line[0]).any():
        return None
    return int(per_line[0]), int(np.diff(breaks, prepend=-1).max())


def _take(leads: LeadColumns, keep: BoolArray) -> LeadColumns:
    def pick(values: list[str]) -> list[str]:
        return list(itertools.compress(values, keep.tolist()))

    return LeadColumns(
        lead_id=pick(leads.lead_id),
        lead_type=pick(leads.lead_type),
        stage=pick(leads.stage),
        requested_follow_up=leads.requested_follow_up[keep],
        owner=pick(leads.owner),
        attributes=None if leads.attributes is None else pick(leads.attributes),
        created_us=leads.created_us[keep],
        notified_us=leads.notified_us[keep],
        first_touch_us=leads.first_touch_us[keep],
        applies=leads.applies[keep],
    )


def _size(fp: IO[bytes] | IO[str]) -> int | None:
    try:
        if fp.seekable():
            here = fp.tell()
            end = fp.seek(0, io.SEEK_END)
            fp.seek(here)
            return end - here
    except (OSError, ValueError):
        pass
    return None
