"""Use cases the CLI and the API share: import leads, list them, summarise the follow-up SLA.

Each service takes an engine (from :func:`revpact.store.open_store`), the agreement and plain
arguments, and returns frozen values with a ``*_to_json`` twin. Time is an argument (``as_of``)
except for the moment an import is recorded, which defaults to now.

Deadlines are computed once, at import, under the agreement's SLA and stored together with its
fingerprint; :func:`recompute_deadlines` brings them up to date when the calendar or the
follow-up rule has changed since, and every service calls it before reading.
"""

from __future__ import annotations

import gc
import itertools
import json
import math
import os
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine

from revpact.domain.agreement import Agreement
from revpact.domain.agreement_sales import CANONICAL_LEAD_FIELDS
from revpact.domain.calendar import to_us
from revpact.domain.sla import (
    NO_TIME,
    STATUS_CODES,
    LeadStatus,
    ManyResults,
    due_many,
    evaluate_many,
    status_code,
)
from revpact.errors import InputError
from revpact.ingest.canonical import AppliesCache, ChunkSource, Factor, LeadColumns, LeadReader
from revpact.ingest.parallel import ProcessLeadReader
from revpact.ingest.rejects import RejectsWriter, rejects_path_for
from revpact.store.leads import LeadRepository, SlaArrays

__all__ = [
    "FollowUpSummary",
    "ImportReport",
    "LeadView",
    "OwnerSummary",
    "Progress",
    "follow_up_summary",
    "import_leads",
    "lead_view_to_json",
    "list_leads",
    "recompute_deadlines",
    "summary_to_json",
]

Progress = Callable[[int, int], None]
"""Called as ``progress(rows_done, rows_total)`` while an import runs; ``rows_total`` is an
estimate from the bytes read until the last call, where it is exact."""

Int64Array = npt.NDArray[np.int64]

_PROBLEMS_SHOWN = 20
_PARALLEL_FROM_BYTES = 32 << 20  # below this a helper process costs more than it saves
_RECOMPUTE_CHUNK = 50_000


# ---------------------------------------------------------------------------- import


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


def import_leads(
    engine: Engine,
    agreement: Agreement,
    path_or_fp: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    rejects_path: str | os.PathLike[str] | None = None,
    parallel: bool | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Store the leads of a canonical lead file, inserting new ones and updating changed ones.

    A bad file raises :class:`InputError` listing its problems, and nothing from it is stored.
    With ``skip_invalid`` the good rows are stored and the bad ones written, each with its
    reasons in an ``error`` column, to ``rejects_path`` (default: ``NAME.rejects.csv`` beside
    the input file). ``parallel`` parses a file given by path in a helper process while this
    one writes (default: for files of 32 MiB and more, when the machine has two cores).
    """
    recompute_deadlines(engine, agreement)
    with _opened(path_or_fp) as (fp, source, path):
        reader: ChunkSource
        if isinstance(path_or_fp, str | os.PathLike) and _parallel(parallel, Path(path_or_fp)):
            reader = ProcessLeadReader(Path(path_or_fp), source=source, agreement=agreement)
        else:
            reader = LeadReader(fp, source=source, agreement=agreement)
        if rejects_path is not None:
            target: Path | None = Path(rejects_path)
        else:
            target = None if path is None else rejects_path_for(path)
        rejects = RejectsWriter(reader.header, target) if skip_invalid else None
        try:
            with _gc_paused(), engine.begin() as conn:
                repo = LeadRepository(conn)
                counts = _store(repo, agreement, reader, rejects, progress)
                repo.record_import(
                    file_name=source,
                    sha256=reader.sha256,
                    rows=reader.rows_read,
                    at_us=to_us(now or datetime.now(UTC)),
                    **counts,
                )
                written = rejects.finish() if rejects is not None else None
        finally:
            if rejects is not None:
                rejects.discard()
    if progress is not None:
        progress(reader.rows_read, reader.rows_read)
    return ImportReport(
        file_name=source,
        sha256=reader.sha256,
        rows=reader.rows_read,
        rejects_path=written,
        **counts,
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
            rows, same = _lead_rows(leads, due), _same(leads, fingerprint)
            # Into an empty table every lead is new (ids are unique within a file).
            changed += repo.insert(rows, same) if bulk else repo.upsert(rows, same)
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
    inserted = repo.count() - before
    return {
        "inserted": inserted,
        "updated": changed - inserted,
        "unchanged": stored - changed,
        "rejected": n_rejected,
    }


def _lead_rows(leads: LeadColumns, due: Int64Array) -> Iterator[tuple[str | int, ...]]:
    """Rows for :meth:`LeadRepository.insert`; attributes (when none) and the fingerprint are
    left out, see :func:`_same`."""
    columns: list[Sequence[str | int]] = [
        leads.lead_id,
        leads.lead_type,
        leads.stage,
        leads.requested_follow_up.astype(np.int8).tolist(),
        leads.owner,
    ]
    if leads.attributes is not None:
        columns.append(leads.attributes)
    columns += [
        leads.created_us.tolist(),
        leads.notified_us.tolist(),
        leads.first_touch_us.tolist(),
        due.tolist(),
        leads.applies.astype(np.int8).tolist(),
    ]
    return zip(*columns, strict=True)


def _same(leads: LeadColumns, fingerprint: str) -> dict[str, str | int]:
    """The values every row of a chunk shares."""
    same: dict[str, str | int] = {"sla_fingerprint": fingerprint}
    if leads.attributes is None:
        same["attributes"] = "{}"
    return same


@contextmanager
def _opened(
    path_or_fp: str | os.PathLike[str] | IO[bytes] | IO[str],
) -> Iterator[tuple[IO[bytes] | IO[str], str, Path | None]]:
    """The file object, the name problems cite, and the file's path when it has one."""
    if isinstance(path_or_fp, str | os.PathLike):
        path = Path(path_or_fp)
        try:
            fp = path.open("rb")
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
        with fp:
            yield fp, str(path_or_fp), path
        return
    name = getattr(path_or_fp, "name", None)
    if isinstance(name, str) and name and not name.startswith("<"):
        yield path_or_fp, name, Path(name)
    else:
        yield path_or_fp, "the lead file", None


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


# ---------------------------------------------------------------------------- deadlines


def recompute_deadlines(engine: Engine, agreement: Agreement) -> int:
    """Recompute ``due``/``applies`` of every lead stored under another SLA; returns how many.

    Cheap when nothing changed: the store remembers the fingerprint all deadlines are under.
    """
    fingerprint = agreement.sla_fingerprint()
    with engine.begin() as conn:
        repo = LeadRepository(conn)
        if repo.deadlines_fingerprint() == fingerprint:
            return 0
        calendar, rule = agreement.business_calendar(), agreement.follow_up_rule()
        applies_of = AppliesCache(agreement.sales.follow_up)
        extra = [f for f in applies_of.fields if f not in CANONICAL_LEAD_FIELDS]
        total, after = 0, None
        while batch := repo.stale(fingerprint, after=after, limit=_RECOMPUTE_CHUNK):
            values: dict[str, Sequence[Hashable]] = {
                "lead_type": [b.lead_type for b in batch],
                "stage": [b.stage for b in batch],
                "requested_follow_up": [b.requested_follow_up for b in batch],
                "owner": [b.owner for b in batch],
            }
            if extra:
                decoded = [json.loads(b.attributes) for b in batch]
                for name in extra:
                    values[name] = [_hashable(attrs.get(name)) for attrs in decoded]
            names = list(dict.fromkeys(["lead_type", *applies_of.fields]))
            combos = Factor.of(list(zip(*(values[name] for name in names), strict=True)))
            notified = np.array(
                [NO_TIME if b.notified_us is None else b.notified_us for b in batch], np.int64
            )
            # A lead never notified cannot be measured: it stays out of the SLA.
            applies = applies_of.column(combos, names) & (notified != NO_TIME)
            due = due_many(calendar, rule, notified, applies)
            repo.refresh_deadlines(
                zip(
                    due.tolist(),
                    applies.astype(np.int8).tolist(),
                    itertools.repeat(fingerprint),
                    [b.lead_id for b in batch],
                    strict=False,
                )
            )
            total += len(batch)
            after = batch[-1].lead_id
        repo.set_deadlines_fingerprint(fingerprint)
    return total


def _hashable(value: object) -> Hashable:
    return value if isinstance(value, str | int | float | bool | None) else json.dumps(value)


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class LeadView:
    """One lead as of a moment; times are aware UTC datetimes."""

    lead_id: str
    lead_type: str
    stage: str
    owner: str | None
    created_at: datetime
    notified_at: datetime | None
    first_touch_at: datetime | None  # None also when the touch comes after as_of
    due_at: datetime | None  # None when the SLA does not apply
    status: LeadStatus
    response_business_seconds: int | None  # None until touched, or when excluded
    business_seconds_left: int | None  # only for open and at-risk leads


def list_leads(
    engine: Engine,
    agreement: Agreement,
    *,
    as_of: datetime,
    status: LeadStatus | None = None,
    owner: str | None = None,
) -> list[LeadView]:
    """The leads that exist as of ``as_of`` and where each stands, in notification order."""
    recompute_deadlines(engine, agreement)
    as_of_us = to_us(as_of)
    with engine.connect() as conn:
        leads = LeadRepository(conn).load(as_of_us=as_of_us, owner=owner)
    results = _evaluate(agreement, leads, as_of_us)
    excluded_code = status_code(LeadStatus.EXCLUDED)
    touched = (leads.first_touch_us != NO_TIME) & (leads.first_touch_us <= as_of_us)
    columns = {
        "created_at": leads.created_us,
        "notified_at": leads.notified_us,
        "first_touch_at": np.where(touched, leads.first_touch_us, NO_TIME),
        "due_at": np.where(results.status == excluded_code, NO_TIME, leads.due_us),
        "status": results.status,
        "response_business_seconds": results.response_s,
        "business_seconds_left": results.left_s,
    }
    texts: dict[str, list[Any]] = {
        "lead_id": leads.lead_id,
        "lead_type": leads.lead_type,
        "stage": leads.stage,
        "owner": leads.owner,
    }
    if status is not None:
        keep = np.flatnonzero(results.status == status_code(status))
        columns = {name: values[keep] for name, values in columns.items()}
        picked = keep.tolist()
        texts = {name: [values[i] for i in picked] for name, values in texts.items()}
    return [
        LeadView(*fields)
        for fields in zip(
            texts["lead_id"],
            texts["lead_type"],
            texts["stage"],
            texts["owner"],
            _datetimes(columns["created_at"]),
            _datetimes(columns["notified_at"]),
            _datetimes(columns["first_touch_at"]),
            _datetimes(columns["due_at"]),
            [STATUS_CODES[c] for c in columns["status"].tolist()],
            _counts(columns["response_business_seconds"]),
            _counts(columns["business_seconds_left"]),
            strict=True,
        )
    ]


def _evaluate(agreement: Agreement, leads: SlaArrays, as_of_us: int) -> ManyResults:
    return evaluate_many(
        agreement.business_calendar(),
        agreement.follow_up_rule(),
        applies=leads.applies,
        notified_us=leads.notified_us,
        due_us=leads.due_us,
        touch_us=leads.first_touch_us,
        as_of_us=as_of_us,
    )


def _datetimes(us: Int64Array) -> list[datetime | None]:
    """Aware UTC datetimes of epoch µs (None for :data:`NO_TIME`), converted by numpy."""
    naive = us.astype("datetime64[us]").tolist()  # NO_TIME is NaT, which becomes None
    return [None if d is None else d.replace(tzinfo=UTC) for d in naive]


def _counts(values: Int64Array) -> list[int | None]:
    """Whole seconds, None where the vectorised API says -1 (no value)."""
    return [None if v < 0 else v for v in values.tolist()]


@dataclass(frozen=True)
class OwnerSummary:
    """The follow-up figures of one owner's leads (``owner`` None: leads nobody owns)."""

    owner: str | None
    leads: int
    counts: Mapping[LeadStatus, int]
    compliance: float | None
    median_response_seconds: int | None
    p90_response_seconds: int | None


@dataclass(frozen=True)
class FollowUpSummary:
    """How the follow-up promise stands as of a moment.

    ``compliance`` = met / (met + breached), None while no lead is decided. Response times are
    business seconds over the covered leads touched by ``as_of``; the median and the 90th
    percentile are nearest-rank (each is the response time of an actual lead).
    """

    as_of: datetime
    leads: int
    counts: Mapping[LeadStatus, int]
    compliance: float | None
    compliance_target: Decimal
    median_response_seconds: int | None
    p90_response_seconds: int | None
    owners: tuple[OwnerSummary, ...]


def follow_up_summary(engine: Engine, agreement: Agreement, *, as_of: datetime) -> FollowUpSummary:
    """Counts per status, compliance and response times, overall and per owner."""
    recompute_deadlines(engine, agreement)
    as_of_us = to_us(as_of)
    with engine.connect() as conn:
        leads = LeadRepository(conn).load_sla(as_of_us=as_of_us)
    results = _evaluate(agreement, leads, as_of_us)
    status, response = results.status.astype(np.int64), results.response_s
    names = sorted({o for o in leads.owner if o is not None})
    code_of: dict[str | None, int] = {name: j for j, name in enumerate(names)}
    code_of[None] = len(names)  # leads nobody owns come last
    owner_code = np.fromiter(map(code_of.__getitem__, leads.owner), np.int64, len(leads))
    order = np.argsort(owner_code, kind="stable")
    bounds = np.searchsorted(owner_code[order], np.arange(len(names) + 2))
    owners = []
    for j, name in enumerate([*names, None]):
        rows = order[bounds[j] : bounds[j + 1]]
        if rows.size:
            owners.append(OwnerSummary(name, *_figures(status[rows], response[rows])))
    leads_n, counts, compliance, median, p90 = _figures(status, response)
    return FollowUpSummary(
        as_of=as_of,
        leads=leads_n,
        counts=counts,
        compliance=compliance,
        compliance_target=agreement.sales.follow_up.compliance_target,
        median_response_seconds=median,
        p90_response_seconds=p90,
        owners=tuple(owners),
    )


def _figures(
    status: Int64Array, response: Int64Array
) -> tuple[int, dict[LeadStatus, int], float | None, int | None, int | None]:
    per_code = np.bincount(status, minlength=len(STATUS_CODES)).tolist()
    counts = {s: int(per_code[i]) for i, s in enumerate(STATUS_CODES)}
    decided = counts[LeadStatus.MET] + counts[LeadStatus.BREACHED]
    compliance = counts[LeadStatus.MET] / decided if decided else None
    answered = np.sort(response[response >= 0])
    return (
        int(status.size),
        counts,
        compliance,
        _nearest_rank(answered, 50),
        _nearest_rank(answered, 90),
    )


def _nearest_rank(ordered: Int64Array, percent: int) -> int | None:
    if ordered.size == 0:
        return None
    rank = max(math.ceil(percent * ordered.size / 100), 1)
    return int(ordered[rank - 1])


# ---------------------------------------------------------------------------- JSON twins


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def lead_view_to_json(view: LeadView) -> dict[str, object]:
    return {
        "lead_id": view.lead_id,
        "lead_type": view.lead_type,
        "stage": view.stage,
        "owner": view.owner,
        "status": view.status.value,
        "created_at": _iso(view.created_at),
        "notified_at": _iso(view.notified_at),
        "first_touch_at": _iso(view.first_touch_at),
        "due_at": _iso(view.due_at),
        "response_business_seconds": view.response_business_seconds,
        "business_seconds_left": view.business_seconds_left,
    }


def _counts_json(counts: Mapping[LeadStatus, int]) -> dict[str, int]:
    return {status.value: counts.get(status, 0) for status in STATUS_CODES}


def summary_to_json(summary: FollowUpSummary) -> dict[str, object]:
    return {
        "as_of": summary.as_of.isoformat(),
        "leads": summary.leads,
        "counts": _counts_json(summary.counts),
        "compliance": summary.compliance,
        "compliance_target": float(summary.compliance_target),
        "median_response_business_seconds": summary.median_response_seconds,
        "p90_response_business_seconds": summary.p90_response_seconds,
        "owners": [
            {
                "owner": o.owner,
                "leads": o.leads,
                "counts": _counts_json(o.counts),
                "compliance": o.compliance,
                "median_response_business_seconds": o.median_response_seconds,
                "p90_response_business_seconds": o.p90_response_seconds,
            }
            for o in summary.owners
        ],
    }
