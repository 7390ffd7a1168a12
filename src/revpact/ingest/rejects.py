"""The rejects file: rows an import skipped, with their original columns and an ``error`` one."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from revpact.domain import csv_safe
from revpact.ingest.leads.canonical import RejectedRow

__all__ = ["RejectsWriter", "rejects_path_for"]


def rejects_path_for(path: Path) -> Path:
    """Where the rejects of ``leads.csv`` go: ``leads.rejects.csv`` beside it."""
    return path.with_name(f"{path.stem}.rejects.csv")


class RejectsWriter:
    """Streams rejected rows to a temporary file that :meth:`finish` moves into place.

    Nothing is written until there is a reject, and an import that fails calls
    :meth:`discard`, so a rejects file on disk always belongs to an import that happened.
    """

    def __init__(self, header: Sequence[str], path: Path | None) -> None:
        self._header = [*header, "error"]
        self._path = path
        self._tmp = None if path is None else path.with_name(path.name + ".tmp")
        self._fp: TextIO | None = None
        self._writer: csv_safe.SafeWriter | None = None

    def write(self, rows: Sequence[RejectedRow]) -> None:
        if not rows or self._tmp is None:
            return
        if self._writer is None:
            self._fp = self._tmp.open("w", newline="", encoding="utf-8")
            self._writer = csv_safe.writer(self._fp)
            self._writer.writerow(self._header)
        self._writer.writerows([*row.fields, "; ".join(row.problems)] for row in rows)

    def finish(self) -> Path | None:
        """The rejects file, or None when no row was rejected (or there is nowhere to write)."""
        if self._fp is None or self._tmp is None or self._path is None:
            return None
        self._fp.close()
        self._fp = None
        os.replace(self._tmp, self._path)
        return self._path

    def discard(self) -> None:
        if self._fp is not None and self._tmp is not None:
            self._fp.close()
            self._fp = None
            self._tmp.unlink(missing_ok=True)
