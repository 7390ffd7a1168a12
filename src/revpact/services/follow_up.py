"""Reading the follow-up SLA: each lead as of a moment, and the scoreboard."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.clock.sla import (
    NO_TIME,
    STATUS_CODES,
    LeadStatus,
    ManyResults,
    evaluate_many,
    status_code,
)
from revpact.domain.versions import AgreementTimeline
from revpact.errors import RevpactError
from revpact.services.agreement_versions import governing_timeline
from revpact.services.deadlines import recompute_deadlines
from revpact.services.late_entries import LateEntryView, late_entries
from revpact.store.leads import LeadRepository, SlaArrays

__all__ = [
    "FollowUpSummary",
    "LeadView",
    "OwnerSummary",
    "evaluate_leads",
    "find_lead",
    "follow_up_summary",
    "lead_queue",
    "list_leads",
    "version_numbers",
]

Int64Array = npt.NDArray[np.int64]

_LOOKUP_LIMIT = 2_000
"""Up to this many leads shown, their late entries are looked up by lead id (the index);
beyond it one pass over the leads finds them all."""


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
    agreement_version: int | None = None  # the version in force at notification (None: none)
    late_entry: LateEntryView | None = None  # its notification or first touch recorded late


def list_leads(
    engine: Engine,
    agreement: Agreement,
    *,
    as_of: datetime,
    status: LeadStatus | None = None,
    owner: str | None = None,
    limit: int | None = None,
    lead_id: str | None = None,
    waiting: bool = False,
) -> list[LeadView]:
    """The leads that exist as of ``as_of`` and where each stands, in notification order.

    Every lead is evaluated (vectorised); ``limit`` only bounds how many views are built.
    ``owner`` keeps one owner's leads, ``lead_id`` one lead; ``waiting`` reads only the leads
    the database can tell are still waiting for a touch before their due time.
    """
    timeline = governing_timeline(engine, agreement)
    recompute_deadlines(engine, agreement, timeline)
    as_of_us = to_us(as_of)
    with engine.connect() as conn:
        leads = LeadRepository(conn).load(
            as_of_us=as_of_us, owner=owner, lead_id=lead_id, waiting=waiting
        )
    results = evaluate_leads(timeline, leads, as_of_us)
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
        "notified_us": leads.notified_us,
    }
    texts: dict[str, list[Any]] = {
        "lead_id": leads.lead_id,
        "lead_type": leads.lead_type,
        "stage": leads.stage,
        "owner": leads.owner,
    }
    if status is not None or limit is not None:
        keep = np.arange(len(results.status))
        if status is not None:
            keep = np.flatnonzero(results.status == status_code(status))
        keep = keep[:limit]
        columns = {name: values[keep] for name, values in columns.items()}
        picked = keep.tolist()
        texts = {name: [values[i] for i in picked] for name, values in texts.items()}
    views = [
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
            version_numbers(timeline, columns["notified_us"]),
            strict=True,
        )
    ]
    few = [view.lead_id for view in views] if len(views) <= _LOOKUP_LIMIT else None
    late = late_entries(engine, agreement, lead_ids=few) if views else {}
    if not late:
        return views
    return [
        replace(view, late_entry=entry)
        if (entry := _known_by(late.get(view.lead_id), as_of)) is not None
        else view
        for view in views
    ]


def _known_by(entry: LateEntryView | None, as_of: datetime) -> LateEntryView | None:
    """A late entry as known at ``as_of``: only what had been recorded by then."""
    if entry is None:
        return None
    touch = entry.touch_recorded_at is not None and entry.touch_recorded_at <= as_of
    notified = (
        entry.notification_recorded_at is not None and entry.notification_recorded_at <= as_of
    )
    if not touch and not notified:
        return None
    approved = entry.approved_at is not None and entry.approved_at <= as_of
    return replace(
        entry,
        notification_recorded_at=entry.notification_recorded_at if notified else None,
        notified_by=entry.notified_by if notified else None,
        touch_claimed_at=entry.touch_claimed_at if touch else None,
        touch_recorded_at=entry.touch_recorded_at if touch else None,
        touch_by=entry.touch_by if touch else None,
        awaiting_approval=touch
        and (entry.awaiting_approval or (entry.approved_at is not None and not approved)),
        approved_at=entry.approved_at if approved else None,
        approved_by=entry.approved_by if approved else None,
    )


def lead_queue(
    engine: Engine,
    agreement: Agreement,
    *,
    as_of: datetime,
    owner: str | None = None,
    limit: int | None = None,
) -> list[LeadView]:
    """The sales floor's queue: open and at-risk leads, the least business time left first
    (ties: notified first)."""
    candidates = list_leads(engine, agreement, as_of=as_of, owner=owner, waiting=True)
    waiting = [v for v in candidates if v.status in (LeadStatus.AT_RISK, LeadStatus.OPEN)]
    waiting.sort(key=lambda v: (v.business_seconds_left or 0, v.notified_at or v.created_at))
    return waiting[:limit]


def find_lead(engine: Engine, agreement: Agreement, lead_id: str, *, as_of: datetime) -> LeadView:
    """One lead as of ``as_of``; :class:`RevpactError` when there is no such lead then."""
    for view in list_leads(engine, agreement, as_of=as_of, lead_id=lead_id):
        return view
    raise RevpactError(f'no lead "{lead_id}" as of {as_of.isoformat()}')


def evaluate_leads(timeline: AgreementTimeline, leads: SlaArrays, as_of_us: int) -> ManyResults:
    """Each lead evaluated under the version in force at its notification (its calendar and
    at-risk threshold; its due time is already stored under the same version)."""
    starts = np.array(timeline.starts_us(), np.int64)
    if not len(starts):
        return _evaluate_under(timeline.spans[0].agreement, leads, slice(None), as_of_us)
    span = np.searchsorted(starts, leads.notified_us, side="right")
    n = len(span)
    out = ManyResults(np.zeros(n, np.int8), np.full(n, -1, np.int64), np.full(n, -1, np.int64))
    for index in np.unique(span).tolist():
        chosen = np.flatnonzero(span == index)
        part = _evaluate_under(timeline.spans[index].agreement, leads, chosen, as_of_us)
        out.status[chosen], out.response_s[chosen], out.left_s[chosen] = (
            part.status,
            part.response_s,
            part.left_s,
        )
    return out


def _evaluate_under(
    agreement: Agreement, leads: SlaArrays, rows: slice | npt.NDArray[np.intp], as_of_us: int
) -> ManyResults:
    return evaluate_many(
        agreement.business_calendar(),
        agreement.follow_up_rule(),
        applies=leads.applies[rows],
        notified_us=leads.notified_us[rows],
        due_us=leads.due_us[rows],
        touch_us=leads.first_touch_us[rows],
        as_of_us=as_of_us,
    )


def version_numbers(timeline: AgreementTimeline, notified_us: Int64Array) -> list[int | None]:
    """The number of the version each lead is measured under (None: no version published)."""
    if not timeline.published:
        return [None] * len(notified_us)
    span = np.searchsorted(np.array(timeline.starts_us(), np.int64), notified_us, side="right")
    numbers = [s.number for s in timeline.spans]
    return [numbers[i] for i in span.tolist()]


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
    timeline = governing_timeline(engine, agreement)
    recompute_deadlines(engine, agreement, timeline)
    as_of_us = to_us(as_of)
    with engine.connect() as conn:
        leads = LeadRepository(conn).load_sla(as_of_us=as_of_us)
    results = evaluate_leads(timeline, leads, as_of_us)
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
