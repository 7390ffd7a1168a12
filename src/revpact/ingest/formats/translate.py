"""An export, row by row, as canonical CSV text, with where every canonical value came from.

:class:`Translator` turns one source row into the canonical fields its format's rules give
(:mod:`.spec`), converting dates (:func:`.values.to_iso`) and amounts
(:func:`.values.plain_amount`); :class:`CanonicalStream` offers the translated rows as a
binary file object that the canonical readers read as they would a canonical file, producing
them only as they are read. Each canonical row keeps an :class:`Origin`: its line in the
source, the source fields and which source column fed each canonical one, so that
:mod:`.exports` can tell every problem in the source's own terms.

A value the translator cannot use (an unknown lead source, a date it cannot read) is noted in
the origin and written as :data:`INVALID`, which every canonical reader refuses, so the row is
rejected with the rest of its problems and counted like any other.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Final
from zoneinfo import ZoneInfo

from revpact.domain.agreement.model import Agreement
from revpact.errors import InputError
from revpact.ingest.deals import DEAL_COLUMNS
from revpact.ingest.formats.spec import (
    KEEP,
    REJECT,
    TIME_FIELDS,
    ExportFormat,
    FieldRule,
    normalise,
)
from revpact.ingest.formats.values import ValueProblem, moment, plain_amount, to_iso
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS, parse_flag

__all__ = [
    "INVALID",
    "CanonicalStream",
    "Origin",
    "Translator",
    "show",
    "source_rows",
]

INVALID: Final = "#invalid"
"""Written in place of a value the translator refused (no canonical reader accepts it)."""

_TIMES: Final = TIME_FIELDS
_CHECKED: Final = {
    "leads": frozenset({"lead_type", "requested_follow_up", "created_at", "notified_at"})
    | {"first_touch_at"},
    "deals": frozenset({"outcome", "created_at", "proposal_at", "closed_at", "amount"}),
}
"""Canonical fields the canonical readers validate, so :data:`INVALID` there rejects a row."""
_ANCHOR: Final = {"leads": "lead_type", "deals": "outcome"}
_REQUIRED: Final = {"leads": ("lead_id", "created_at"), "deals": ("deal_id", "created_at")}
_ROWS_PER_BATCH: Final = 1024


def show(value: str) -> str:
    """A value quoted as problems quote it."""
    shown = value if len(value) <= 60 else value[:57] + "..."
    return json.dumps(shown, ensure_ascii=False)


@dataclass(frozen=True)
class Origin:
    """Where a canonical row came from.

    ``used`` maps each canonical column to the index of the source column its value came
    from (-1: none of its columns is in the file); ``problems`` are those the translator
    found, as (source column index, text); the canonical reader's problems on the columns in
    ``replaced`` are dropped (``None``: on every column).
    """

    line: int
    fields: tuple[str, ...]
    used: Mapping[str, int]
    problems: tuple[tuple[int, str], ...] = ()
    replaced: frozenset[str] | None = frozenset()


def source_rows(
    text: IO[str], source: str, *, footer: bool
) -> tuple[tuple[str, ...], Iterator[tuple[list[str], int]]]:
    """The source's header and its non-blank rows, each with its line in the file.

    The delimiter is the one of ``,``, ``;`` and tab the header line holds most of (Excel
    writes ``;`` in Polish and German locales). With ``footer``, one-field rows after a blank
    one (a report export's closing lines) are skipped.
    """
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        raise _decode_error(source, text, exc, 1) from None
    if not first.strip():
        raise InputError(f"{source} has no header; its first line must name the columns")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
    header = tuple(name.strip() for name in next(reader))
    return header, _rows(reader, text, source, footer)


def _rows(
    reader: Iterator[list[str]], text: IO[str], source: str, footer: bool
) -> Iterator[tuple[list[str], int]]:
    line_num = getattr(reader, "line_num", 0)
    start = line_num + 1
    blank_seen = False
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise _decode_error(source, text, exc, start) from None
        except csv.Error as exc:
            raise InputError(f"{source} row {start}: cannot be read as CSV ({exc})") from None
        line, start = start, getattr(reader, "line_num", 0) + 1
        if not any(field.strip() for field in row):
            blank_seen = True
            continue
        if footer and blank_seen and len(row) == 1:
            continue
        yield row, line


def _decode_error(source: str, text: IO[str], exc: UnicodeDecodeError, line: int) -> InputError:
    name = getattr(text, "encoding", "") or exc.encoding
    return InputError(
        f"{source} is not {name} text (a byte on or after line {line} is not); "
        "pass --encoding utf-8, cp1250 or cp1252 to say which it is, or leave it to auto"
    )


class Translator:
    """Turns one source row into canonical fields; the header is checked on construction."""

    def __init__(
        self,
        fmt: ExportFormat,
        kind: str,
        header: tuple[str, ...],
        *,
        source: str,
        agreement: Agreement,
    ) -> None:
        self.kind = kind
        self.source = source
        self.source_header = header
        self._fmt = fmt
        self._spec = fmt.leads if kind == "leads" else fmt.deals
        self._zone = ZoneInfo(agreement.calendar.timezone)
        self._currency = agreement.currency
        canonical = CANONICAL_COLUMNS if kind == "leads" else DEAL_COLUMNS
        index: dict[str, int] = {}
        for j, name in enumerate(header):
            index.setdefault(normalise(name), j)

        def present(names: tuple[str, ...]) -> tuple[int, ...]:
            return tuple(dict.fromkeys(index[n] for n in map(normalise, names) if n in index))

        self._rules = {name: self._spec.fields.get(name, FieldRule()) for name in canonical}
        self._columns = {name: present(rule.columns) for name, rule in self._rules.items()}
        self._maps = {
            name: {normalise(key): value for key, value in rule.values.items()}
            for name, rule in self._rules.items()
        }
        self._closed = present(self._spec.closed_flag)
        self._won = present(self._spec.won_flag)
        problems = [
            f"no column gives {name}; the {fmt.title} format looks for "
            + ", ".join(self._rules[name].columns or (name,))
            for name in _REQUIRED[kind]
            if not self._columns[name]
        ]
        used = {j for cols in self._columns.values() for j in cols} | {*self._closed, *self._won}
        ignored = {normalise(name) for name in self._spec.ignore}
        self.extra: tuple[int, ...] = ()
        if kind == "leads":
            self.extra = tuple(
                j
                for j, name in enumerate(header)
                if j not in used and normalise(name) not in ignored
            )
            names = [header[j] for j in self.extra]
            for j in self.extra:
                if not header[j]:
                    problems.append(f"column {j + 1} of the header has no name")
                elif header[j] in canonical:
                    problems.append(
                        f'column {j + 1}, "{header[j]}", is not one the {fmt.title} format '
                        "reads, yet has a canonical field's name; map or ignore it"
                    )
            repeated = sorted({n for n in names if n and names.count(n) > 1})
            if repeated:
                problems.append(f"the header names {', '.join(repeated)} more than once")
        if problems:
            raise InputError(f"{source}: the header is not usable", problems)
        self.header: tuple[str, ...] = (*canonical, *(header[j] for j in self.extra))

    def column_label(self, column: str, origin: Origin) -> str:
        """How a problem names the source of canonical ``column`` in the row of ``origin``."""
        at = origin.used.get(column, -1)
        if at >= 0:
            return self.source_header[at]
        if column in self._rules:
            tried = self._rules[column].columns or (column,)
            return f"{column} (the file has none of {', '.join(tried)})"
        return column

    # ------------------------------------------------------------------ rows

    def translate(self, row: list[str], line: int) -> tuple[list[str], Origin]:
        width = len(self.source_header)
        if len(row) != width:
            out = ["" for _ in self.header]
            out[self.header.index(_ANCHOR[self.kind])] = INVALID
            problem = (
                f"{self.source} row {line}: has {len(row)} field{'s' * (len(row) != 1)}, "
                f"the header has {width}"
            )
            return out, Origin(line, tuple(row), {}, ((-1, problem),), None)
        values: dict[str, str] = {}
        used: dict[str, int] = {}
        problems: dict[str, tuple[int, str]] = {}
        for name, rule in self._rules.items():
            try:
                values[name], used[name] = self._value(name, rule, row)
            except _Refused as refused:
                used[name] = refused.at
                values[name] = INVALID
                problems[name] = (refused.at, self._problem(line, refused.at, name, refused.text))
        if self.kind == "deals":
            self._decide(row, line, values, used, problems)
        replaced = frozenset(problems)
        if problems and not replaced & _CHECKED[self.kind]:
            values[_ANCHOR[self.kind]] = INVALID
            replaced |= {_ANCHOR[self.kind]}
        out = [values[name] for name in self._rules]
        out += [_one_line(row[j]) for j in self.extra]
        origin = Origin(line, tuple(row), used, tuple(problems.values()), replaced)
        return out, origin

    def _value(self, name: str, rule: FieldRule, row: list[str]) -> tuple[str, int]:
        columns = self._columns[name]
        if rule.pick == "earliest" and name in _TIMES:
            return self._earliest(rule, columns, row)
        for j in columns:
            raw = row[j].strip()
            if raw:
                break
        else:
            empty = "" if name == "lead_id" or name == "deal_id" else rule.default
            if name == "lead_type" and not empty:
                at = columns[0] if columns else -1
                raise _Refused(at, "is empty; every lead needs a lead type", "")
            return empty, columns[0] if columns else -1
        value = raw.split(rule.split)[0].strip() if rule.split else raw
        lookup = self._maps[name]
        if lookup:
            mapped = lookup.get(normalise(value))
            if mapped is None:
                if rule.otherwise == REJECT:
                    listed = list(rule.values)
                    known = ", ".join(listed[:8]) + (", ..." if len(listed) > 8 else "")
                    raise _Refused(
                        j,
                        f"is not a value the {self._fmt.title} format maps to a {name} "
                        f"(it maps {known}); add it under {self.kind}.{name}.values in a "
                        "mapping file",
                        raw,
                    )
                mapped = value if rule.otherwise == KEEP else rule.otherwise
            value = mapped
        try:
            if name in _TIMES:
                value = to_iso(value, day_first=self._fmt.day_first)
            elif name == "amount":
                value = plain_amount(value, self._currency, self._fmt.decimal_separator)
        except ValueProblem as problem:
            raise _Refused(j, str(problem), raw) from None
        return _one_line(value), j

    def _earliest(
        self, rule: FieldRule, columns: tuple[int, ...], row: list[str]
    ) -> tuple[str, int]:
        best: tuple[datetime, str, int] | None = None
        for j in columns:
            raw = row[j].strip()
            if not raw:
                continue
            try:
                iso = to_iso(raw, day_first=self._fmt.day_first)
                at = moment(iso, self._zone)
            except ValueProblem as problem:
                raise _Refused(j, str(problem), raw) from None
            except ValueError:
                raise _Refused(j, "is not a date or time", raw) from None
            if best is None or at < best[0]:
                best = (at, iso, j)
        if best is None:
            return rule.default, columns[0] if columns else -1
        return best[1], best[2]

    def _decide(
        self,
        row: list[str],
        line: int,
        values: dict[str, str],
        used: dict[str, int],
        problems: dict[str, tuple[int, str]],
    ) -> None:
        """A deal's outcome from IsClosed / IsWon when present; an open deal's close date is
        the expected one, so it is dropped; a close date without a time on the day the deal
        was created means the moment it was created."""
        flags: dict[str, tuple[bool | None, int]] = {}
        for key, columns in (("closed", self._closed), ("won", self._won)):
            flags[key] = (None, -1)
            for j in columns:
                raw = row[j].strip()
                if not raw:
                    continue
                flag = parse_flag(raw)
                if flag is None and "outcome" not in problems:
                    text = f"{show(raw)} is not a yes/no value; write true or false (or 1 or 0)"
                    problems["outcome"] = (j, self._problem(line, j, "outcome", text))
                    values["outcome"], used["outcome"] = INVALID, j
                flags[key] = (flag, j)
                break
        (closed, at_closed), (won, at_won) = flags["closed"], flags["won"]
        if "outcome" not in problems:
            if closed is not None:
                values["outcome"] = "open" if not closed else ("won" if won else "lost")
                used["outcome"] = at_closed
            elif won:
                values["outcome"], used["outcome"] = "won", at_won
        if "closed_at" in problems:
            return
        if values["outcome"] == "open":
            values["closed_at"] = ""
        elif len(values["closed_at"]) == 10 and values["created_at"] not in ("", INVALID):
            try:
                created = moment(values["created_at"], self._zone)
            except ValueError:
                return
            if created.astimezone(self._zone).date().isoformat() == values["closed_at"]:
                values["closed_at"] = values["created_at"]

    def _problem(self, line: int, at: int, name: str, text: str) -> str:
        column = self.source_header[at] if at >= 0 else name
        return f"{self.source} row {line}, column {column}: {text}"


class _Refused(Exception):
    """A source value the translator cannot use; ``text`` starts with the quoted value."""

    def __init__(self, at: int, detail: str, raw: str) -> None:
        super().__init__(detail)
        self.at = at
        self.text = f"{show(raw)} {detail}" if raw else detail


def _one_line(value: str) -> str:
    """Line breaks as ``\\n`` only: the canonical readers count lines by ``\\n``."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


class CanonicalStream:
    """The translated rows as a binary file object of UTF-8 canonical CSV, made as it is read.

    ``origins`` maps each canonical row's line to its :class:`Origin`; :meth:`forget` drops
    those of rows already read and checked, so memory stays flat.
    """

    def __init__(self, translator: Translator, rows: Iterator[tuple[list[str], int]]) -> None:
        self._translator = translator
        self._rows = rows
        self._pending = bytearray(_csv_line(translator.header))
        self._next_line = 2
        self._done = False
        self._forgotten = 0
        self.origins: dict[int, Origin] = {}
        self._order: deque[int] = deque()

    def seekable(self) -> bool:
        return False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._pending) < size):
            self._produce()
        cut = len(self._pending) if size < 0 else min(size, len(self._pending))
        data = bytes(self._pending[:cut])
        del self._pending[:cut]
        return data

    def forget(self, rows_read: int) -> None:
        """Drop the origins of the first ``rows_read`` canonical rows."""
        while self._forgotten < rows_read and self._order:
            self.origins.pop(self._order.popleft(), None)
            self._forgotten += 1

    def _produce(self) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        translate = self._translator.translate
        for row, line in itertools.islice(self._rows, _ROWS_PER_BATCH):
            fields, origin = translate(row, line)
            writer.writerow(fields)
            self.origins[self._next_line] = origin
            self._order.append(self._next_line)
            self._next_line += 1 + sum(field.count("\n") for field in fields)
        text = buffer.getvalue()
        if not text:
            self._done = True
        self._pending += text.encode("utf-8")


def _csv_line(fields: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue().encode("utf-8")
