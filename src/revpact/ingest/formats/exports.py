"""Reading an export through the canonical readers, with problems told in the export's terms.

:class:`ExportLeadReader` is a :class:`~revpact.ingest.leads.canonical.ChunkSource` over an export:
it translates the export (:mod:`.translate`) into canonical text that a
:class:`~revpact.ingest.leads.canonical.LeadReader` reads, so every check, the chunking and the
progress estimate are the canonical import's. :func:`read_deal_export` does the same for deals
with :func:`~revpact.ingest.deals.read_deals`. A rejected row comes back as the export's own
row (its line in the export, its fields, so a rejects file has the export's columns), and each
problem names the export's file, row, column and value: ``"ORGANIC_SEARCH" (read as
"content")`` where a value was translated.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from typing import IO, Final

from revpact.domain.agreement.model import Agreement
from revpact.ingest.deals import DealFile, read_deals
from revpact.ingest.formats.encoding import HashingReader, open_text
from revpact.ingest.formats.spec import ExportFormat
from revpact.ingest.formats.translate import CanonicalStream, Origin, Translator, show, source_rows
from revpact.ingest.leads.canonical import LeadChunk, LeadReader, RejectedRow

__all__ = ["ExportLeadReader", "read_deal_export"]

_ON_ROW: Final = re.compile(r"is on row (\d+) too")


class ExportLeadReader:
    """Reads a CRM export of leads as the canonical lead reader would read its translation.

    ``sha256`` is the digest of the export's bytes (of its text encoded as UTF-8 for a text
    file object), known once :meth:`chunks` has been read to the end.
    """

    def __init__(
        self,
        fp: IO[bytes] | IO[str],
        *,
        source: str,
        agreement: Agreement,
        fmt: ExportFormat,
        encoding: str = "auto",
        block_bytes: int | None = None,
    ) -> None:
        self.source = source
        self.rows_read = 0
        self.bytes_total = _size(fp)
        text, self._hashing, self.encoding = open_text(fp, encoding, source)
        header, rows = source_rows(text, source, footer=fmt.report_footer)
        self.header = header
        self._translator = Translator(fmt, "leads", header, source=source, agreement=agreement)
        self._stream = CanonicalStream(self._translator, rows)
        self._inner = LeadReader(
            self._stream,  # type: ignore[arg-type]
            source=source,
            agreement=agreement,
            block_bytes=block_bytes,
        )

    @property
    def sha256(self) -> str:
        return self._hashing.sha256 if self._hashing is not None else self._inner.sha256

    def estimated_rows(self) -> int:
        done = self._hashing.bytes_read if self._hashing is not None else 0
        if not self.bytes_total or not done:
            return self.rows_read
        return max(self.rows_read, round(self.rows_read * self.bytes_total / done))

    def chunks(self) -> Iterator[LeadChunk]:
        rewrite = _Rewriter(self._translator, self._stream)
        for chunk in self._inner.chunks():
            rejected = tuple(rewrite(row) for row in chunk.rejected)
            self.rows_read = self._inner.rows_read
            self._stream.forget(self.rows_read)
            yield LeadChunk(leads=chunk.leads, rejected=rejected, rows=chunk.rows)


def read_deal_export(
    fp: IO[bytes] | IO[str],
    *,
    source: str,
    agreement: Agreement,
    fmt: ExportFormat,
    encoding: str = "auto",
) -> DealFile:
    """Read and check a CRM export of deals, as :func:`~revpact.ingest.deals.read_deals`."""
    text, hashing, _ = open_text(fp, encoding, source)
    header, rows = source_rows(text, source, footer=fmt.report_footer)
    translator = Translator(fmt, "deals", header, source=source, agreement=agreement)
    stream = CanonicalStream(translator, rows)
    parsed = read_deals(stream, source=source, agreement=agreement)  # type: ignore[arg-type]
    rewrite = _Rewriter(translator, stream)
    return dataclasses.replace(
        parsed,
        header=header,
        sha256=_digest(hashing, parsed.sha256),
        rejected=tuple(rewrite(row) for row in parsed.rejected),
    )


def _digest(hashing: HashingReader | None, fallback: str) -> str:
    return hashing.sha256 if hashing is not None else fallback


class _Rewriter:
    """A canonical rejected row as the export's row, its problems in the export's terms."""

    def __init__(self, translator: Translator, stream: CanonicalStream) -> None:
        self._translator = translator
        self._stream = stream
        self._source = translator.source
        self._canonical = translator.header
        self._order = {name: k for k, name in enumerate(translator.header)}

    def __call__(self, row: RejectedRow) -> RejectedRow:
        origin = self._stream.origins.get(row.line)
        if origin is None:  # pragma: no cover - every canonical row has an origin
            return row
        values = dict(zip(self._canonical, row.fields, strict=False))
        found = list(origin.problems)
        prefix = f"{self._source} row {row.line}, column "
        for text in row.problems:
            if not text.startswith(prefix):
                continue  # a whole-row problem: the translator wrote none
            column, _, detail = text[len(prefix) :].partition(": ")
            if origin.replaced is None or column in origin.replaced:
                continue
            found.append(self._told(column, detail, origin, values))
        found.sort(key=lambda problem: problem[0])
        return RejectedRow(origin.line, origin.fields, tuple(text for _, text in found))

    def _told(
        self, column: str, detail: str, origin: Origin, values: dict[str, str]
    ) -> tuple[int, str]:
        label = self._translator.column_label(column, origin)
        detail = self._with_source_value(column, detail, origin, values, first=True)
        for other in self._canonical:
            if other != column and f"{other} {show(values.get(other, ''))}" in detail:
                mention = f"{other} {show(values[other])}"
                told = self._with_source_value(other, show(values[other]), origin, values)
                detail = detail.replace(
                    mention, f"{self._translator.column_label(other, origin)} {told}"
                )
        detail = _ON_ROW.sub(lambda m: f"is on row {self._line_of(int(m[1]))} too", detail)
        at = origin.used.get(column, -1)
        position = at if at >= 0 else len(origin.fields) + self._order.get(column, 0)
        return position, f"{self._source} row {origin.line}, column {label}: {detail}"

    def _with_source_value(
        self, column: str, detail: str, origin: Origin, values: dict[str, str], first: bool = False
    ) -> str:
        at = origin.used.get(column, -1)
        value = values.get(column, "")
        if at < 0 or at >= len(origin.fields):
            return detail
        raw = origin.fields[at].strip()
        if raw == value or show(value) not in detail:
            return detail
        return detail.replace(show(value), f"{show(raw)} (read as {show(value)})", 1)

    def _line_of(self, canonical_line: int) -> int:
        origin = self._stream.origins.get(canonical_line)
        return origin.line if origin is not None else canonical_line


def _size(fp: IO[bytes] | IO[str]) -> int | None:
    try:
        if fp.seekable():
            here = fp.tell()
            end = fp.seek(0, io.SEEK_END)
            fp.seek(here)
            return end - here
    except (AttributeError, OSError, ValueError):
        pass
    return None
