"""Importing the canonical lead file: all or nothing, idempotent by ``lead_id``.

Every import says who and when: each lead it inserts or changes is stamped with the import's
time and actor (``by``: an e-mail, or None), and the import writes one audit row
(``import.leads``, with its counts) in its transaction. A lead's first import takes the file's
notification and first touch as the CRM recorded them; a re-import that changes a stored
lead's first touch records that touch now, so a late one is judged by the late-entry rule
(:mod:`revpact.domain.late_entries`) and gets an audit row of its own. A first touch before
the notification is accepted and reported (:attr:`ImportReport.touched_before_notified`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us
from revpact.domain.clock.sla import NO_TIME, due_many
from revpact.errors import InputError
from revpact.ingest.files import PathOrFile, opened
from revpact.ingest.formats import ExportLeadReader, export_format, is_translated
from revpact.ingest.leads.canonical import ChunkSource, LeadColumns, LeadReader
from revpact.ingest.leads.parallel import ProcessLeadReader
from revpact.ingest.rejects import RejectsWriter, rejects_path_for
from revpact.services.clock import now_or_system, recorded_at_us
from revpact.services.deadlines import recompute_deadlines, settle_late_touches
from revpact.services.events import apply_pending
from revpact.store.audit import record_write
from revpact.store.column_writes import Column, rollback_journal
from revpact.store.events import EventRepository
from revpact.store.leads import LeadRepository
from revpact.store.revision import bump_revision

__all__ = ["ImportReport", "Progress", "import_leads"]

Progress = Callable[[int, int], None]
"""Called as ``progress(rows_done, rows_total)`` while an import runs; ``rows_total`` is an
estimate from the bytes read until the last call, where it is exact."""

Int64Array = npt.NDArray[np.int64]

_PROBLEMS_SHOWN = 20
_PARALLEL_FROM_BYTES = 32 << 20  # below this a helper process costs more than it saves


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows read, and how many leads were new, changed, the same or bad."""

    file_name: str
    sha256: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    rejects_path: Path | None  # the rejected rows and why (only with skip_invalid)
    pending_applied: int = 0  # webhook events that waited for these leads, applied now
    touched_before_notified: int = 0  # leads whose first touch is before their notification
    touched_before_notified_shown: tuple[str, ...] = ()  # the first few of them, described
    late_touches: int = 0  # first touches the file changed, recorded late (and judged so)


def import_leads(
    engine: Engine,
    agreement: Agreement,
    path_or_fp: PathOrFile,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    rejects_path: str | os.PathLike[str] | None = None,
    parallel: bool | None = None,
    now: datetime | None = None,
    source_format: str = "canonical",
    mapping: str | os.PathLike[str] | None = None,
    encoding: str = "auto",
    by: str | None = None,
    via: str = "cli",
) -> ImportReport:
    """Store the leads of a canonical lead file, inserting new ones and updating changed ones.

    ``by`` is who imports (recorded on every lead written and in the audit trail; None: not
    named) and ``via`` the face it came through.

    A bad file raises :class:`InputError` listing its problems, and nothing from it is stored.
    With ``skip_invalid`` the good rows are stored and the bad ones written, each with its
    reasons in an ``error`` column, to ``rejects_path`` (default: ``NAME.rejects.csv`` beside
    the input file). ``parallel`` parses a file given by path in a helper process while this
    one writes (default: for files of 32 MiB and more, when the machine has two cores).

    ``source_format`` names a CRM export format (:mod:`revpact.ingest.formats`: ``hubspot``,
    ``salesforce``), ``mapping`` a mapping file that changes its rules and ``encoding`` the
    file's (``auto``, ``utf-8``, ``cp1250``, ``cp1252``); problems then name the export's rows,
    columns and values.
    """
    translated = is_translated(source_format, mapping, encoding)
    fmt = export_format(source_format, mapping, lead_types=agreement.lead_types())
    recompute_deadlines(engine, agreement)
    with opened(path_or_fp, "the lead file") as (fp, source, path):
        reader: ChunkSource
        if translated:
            reader = ExportLeadReader(
                fp, source=source, agreement=agreement, fmt=fmt, encoding=encoding
            )
        elif isinstance(path_or_fp, str | os.PathLike) and _parallel(parallel, Path(path_or_fp)):
            reader = ProcessLeadReader(Path(path_or_fp), source=source, agreement=agreement)
        else:
            reader = LeadReader(fp, source=source, agreement=agreement)
        if rejects_path is not None:
            target: Path | None = Path(rejects_path)
        else:
            target = None if path is None else rejects_path_for(path)
        rejects = RejectsWriter(reader.header, target) if skip_invalid else None
        at_us = recorded_at_us(now)
        early = _EarlyTouches()
        try:
            with _gc_paused(), _load_transaction(engine) as conn:
                repo = LeadRepository(conn)
                stamp: dict[str, str | int] = {"recorded_us": at_us, "recorded_by": by or ""}
                counts = _store(repo, agreement, reader, rejects, progress, stamp, early)
                EventRepository(conn).restore_touches()
                late = settle_late_touches(repo, agreement.sales.follow_up.late_entry_after)
                repo.record_import(
                    file_name=source,
                    sha256=reader.sha256,
                    rows=reader.rows_read,
                    at_us=at_us,
                    **counts,
                )
                judged = [entry for entry in late if entry[2] == at_us]
                _audit(conn, at_us, by, via, source, reader.sha256, counts, early, judged)
                bump_revision(conn)
                written = rejects.finish() if rejects is not None else None
        finally:
            if rejects is not None:
                rejects.discard()
    if progress is not None:
        progress(reader.rows_read, reader.rows_read)
    waited = apply_pending(engine, agreement, now_or_system(now))
    return ImportReport(
        file_name=source,
        sha256=reader.sha256,
        rows=reader.rows_read,
        rejects_path=written,
        pending_applied=waited,
        touched_before_notified=early.count,
        touched_before_notified_shown=tuple(early.shown),
        late_touches=len(judged),
        **counts,
    )


class _EarlyTouches:
    """Leads whose first touch is before their notification: accepted, and reported."""

    def __init__(self) -> None:
        self.count = 0
        self.shown: list[str] = []

    def add(self, leads: LeadColumns) -> None:
        touched, notified = leads.first_touch_us, leads.notified_us
        rows = np.flatnonzero((touched != NO_TIME) & (notified != NO_TIME) & (touched < notified))
        self.count += int(rows.size)
        for i in rows[: max(_PROBLEMS_SHOWN - len(self.shown), 0)].tolist():
            self.shown.append(
                f"lead {leads.lead_id[i]}: first touch {from_us(int(touched[i])).isoformat()} "
                f"is before its notification {from_us(int(notified[i])).isoformat()}"
            )


def _audit(
    conn: Any,
    at_us: int,
    by: str | None,
    via: str,
    source: str,
    sha256: str,
    counts: dict[str, int],
    early: _EarlyTouches,
    late: list[tuple[str, int, int, bool]],
) -> None:
    record_write(
        conn,
        recorded_us=at_us,
        actor=by,
        via=via,
        action="import.leads",
        subject=f"file:{source}",
        detail={
            "sha256": sha256,
            **counts,
            "touched_before_notified": early.count,
            "late_touches": len(late),
        },
    )
    for lead_id, claimed_us, recorded_us, awaiting in late:
        record_write(
            conn,
            recorded_us=recorded_us,
            actor=by,
            via=via,
            action="lead.touch",
            subject=f"lead:{lead_id}",
            claimed_us=claimed_us,
            late=True,
            detail={"file": source, "awaiting_approval": awaiting},
        )


def _parallel(requested: bool | None, path: Path) -> bool:
    if requested is not None:
        return requested
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size >= _PARALLEL_FROM_BYTES and (os.cpu_count() or 1) > 1


def _store(
    repo: LeadRepository,
    agreement: Agreement,
    reader: ChunkSource,
    rejects: RejectsWriter | None,
    progress: Progress | None,
    stamp: dict[str, str | int],
    early: _EarlyTouches,
) -> dict[str, int]:
    calendar, rule = agreement.business_calendar(), agreement.follow_up_rule()
    fingerprint = agreement.sla_fingerprint()
    before = repo.count()
    bulk = before == 0
    if bulk:  # an empty table: append the rows, then build each index once, sorted
        repo.drop_indexes()
    problems: list[str] = []
    n_problems = n_rejected = stored = changed = 0
    for chunk in reader.chunks():
        n_rejected += len(chunk.rejected)
        if rejects is not None:
            rejects.write(chunk.rejected)
        else:
            for row in chunk.rejected:
                n_problems += len(row.problems)
                problems.extend(row.problems[: max(_PROBLEMS_SHOWN - len(problems), 0)])
        if not problems and len(chunk.leads):
            leads = chunk.leads
            due = due_many(calendar, rule, leads.notified_us, leads.applies)
            columns, same = _lead_columns(leads, due), {**_same(leads, fingerprint), **stamp}
            early.add(leads)
            # Into an empty table every lead is new (ids are unique within a file).
            changed += repo.insert(columns, same) if bulk else repo.upsert(columns, same)
            stored += len(leads)
        if progress is not None:
            progress(reader.rows_read, reader.estimated_rows())
    if problems:
        if n_problems > len(problems):
            problems.append(f"and {n_problems - len(problems)} more")
        raise InputError(
            f"{reader.source}: {n_problems} problem{'s' * (n_problems != 1)} in "
            f"{n_rejected} row{'s' * (n_rejected != 1)}; nothing was imported",
            problems,
        )
    if bulk:
        repo.create_indexes()
    repo.settle_fingerprint(fingerprint)
    inserted = repo.count() - before
    return {
        "inserted": inserted,
        "updated": changed - inserted,
        "unchanged": stored - changed,
        "rejected": n_rejected,
    }


def _lead_columns(leads: LeadColumns, due: Int64Array) -> dict[str, Column]:
    """The columns :meth:`LeadRepository.insert` writes, by name, as lists of ``str`` and
    ``int``; attributes (when none) and the fingerprint are left out, see :func:`_same`."""
    first_touch = leads.first_touch_us.tolist()
    columns: dict[str, Column] = {
        "lead_id": leads.lead_id,
        "lead_type": leads.lead_type,
        "stage": leads.stage,
        "requested_follow_up": leads.requested_follow_up.astype(np.int8).tolist(),
        "owner": leads.owner,
        "created_us": leads.created_us.tolist(),
        "notified_us": leads.notified_us.tolist(),
        "first_touch_us": first_touch,
        "due_us": due.tolist(),
        "applies": leads.applies.astype(np.int8).tolist(),
        "touch_claimed_us": first_touch,  # the claimed first touch is the file's, again
    }
    if leads.attributes is not None:
        columns["attributes"] = leads.attributes
    # sla_fingerprint, recorded_us and recorded_by are constants of the statement.
    return columns


def _same(leads: LeadColumns, fingerprint: str) -> dict[str, str | int]:
    """The values every row of a chunk shares."""
    same: dict[str, str | int] = {"sla_fingerprint": fingerprint}
    if leads.attributes is None:
        same["attributes"] = "{}"
    return same


@contextmanager
def _load_transaction(engine: Engine) -> Iterator[Connection]:
    """``engine.begin()``; when the store holds no lead yet (a first, bulk load), a SQLite
    file takes the import through a rollback journal, which writes each new page once
    (:func:`~revpact.store.column_writes.rollback_journal`) — still all or nothing."""
    with engine.connect() as conn:
        empty = LeadRepository(conn).count() == 0
        conn.rollback()  # end the read, so the journal may change
        with rollback_journal(conn) if empty else nullcontext(), conn.begin():
            yield conn


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Bulk work allocates millions of small objects and no cycles; skip the cycle collector."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
