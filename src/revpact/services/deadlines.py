"""Stored deadlines follow the agreement: recomputed when its SLA fingerprint changes.

Each lead is measured under the agreement version in force at its notification
(:class:`~revpact.domain.versions.AgreementTimeline`); while no version is in force, under the
agreement file. Each lead's row carries the SLA fingerprint it was computed under and the store
remembers the whole timeline's, so an amendment that changes the calendar or the follow-up rule
recomputes only the leads it governs — those notified after it came into force — and one that
does not touch them recomputes nothing. A late-entered first touch is judged against its lead's
due time (:mod:`revpact.domain.late_entries`), so when due times move, the counted moment of
every unapproved late touch is decided again (:func:`settle_late_touches`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Hashable
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from revpact.domain.agreement.model import Agreement
from revpact.domain.agreement.sales import CANONICAL_LEAD_FIELDS
from revpact.domain.clock.sla import (
    NO_TIME,
    due_many,
)
from revpact.domain.late_entries import settle_touches
from revpact.domain.versions import AgreementTimeline
from revpact.ingest.leads.canonical import AppliesCache, Factor
from revpact.services.agreement_versions import governing_timeline
from revpact.store.bulk import ByIdColumns
from revpact.store.leads import LeadRepository
from revpact.store.revision import bump_revision

__all__ = ["recompute_deadlines", "settle_late_touches"]

_TIMES: Final = ("notified_us",)  # the times a lead's stored deadline columns derive from
_ATTEMPTS = 5


def recompute_deadlines(
    engine: Engine, agreement: Agreement, timeline: AgreementTimeline | None = None
) -> int:
    """Recompute ``due``/``applies`` of every lead stored under another SLA; returns how many.

    Cheap when nothing changed: the store remembers the fingerprint all deadlines are under.
    Safe to call from concurrent requests: when another one is recording the fingerprint at
    the same moment (SQLite refuses the second writer, PostgreSQL the second insert), this
    one waits a little and looks again, and finds the work done.
    """
    for attempt in range(_ATTEMPTS):
        try:
            return _recompute(engine, timeline or governing_timeline(engine, agreement))
        except (OperationalError, IntegrityError):
            if attempt == _ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def _recompute(engine: Engine, timeline: AgreementTimeline) -> int:
    marker = timeline.fingerprint()
    with engine.connect() as conn:  # a read first: it waits for no writer
        if LeadRepository(conn).deadlines_fingerprint() == marker:
            return 0
    with engine.begin() as conn:
        repo = LeadRepository(conn)
        if repo.deadlines_fingerprint() == marker:
            return 0
        # Span i governs the leads notified in [bounds[i], bounds[i + 1]); each lead's row
        # carries the SLA fingerprint of its span, so only the leads whose span's SLA changed
        # are recomputed.
        bounds: list[int | None] = [None, *timeline.starts_us(), None]
        total = 0
        for index, span in enumerate(timeline.spans):
            fingerprint = span.agreement.sla_fingerprint()
            within = {"notified_from": bounds[index], "notified_until": bounds[index + 1]}
            applies_of = AppliesCache(span.agreement.sales.follow_up)
            stale = repo.stale(fingerprint, times=_TIMES, fields=_fields(applies_of), **within)
            if not len(stale):
                continue  # the span's due times and its late-entry rule are as they were
            repo.refresh_deadlines(
                stale.id, _deadlines(span.agreement, applies_of, stale), fingerprint=fingerprint
            )
            total += len(stale)
            # A late touch awaiting approval is judged against the due time: decide again.
            late_after = span.agreement.sales.follow_up.late_entry_after
            settle_late_touches(repo, late_after, **within)
        repo.set_deadlines_fingerprint(marker)
        bump_revision(conn)
    return total


def settle_late_touches(
    repo: LeadRepository,
    late_after_s: int,
    *,
    notified_from: int | None = None,
    notified_until: int | None = None,
) -> list[tuple[str, int, int, bool]]:
    """Decide again when each unapproved late first touch counts (after a re-import or a
    change of due times); returns ``(lead_id, claimed_us, recorded_us, awaiting_approval)`` of
    each late touch looked at."""
    found = repo.late_touches(
        late_after_s * 1_000_000, notified_from=notified_from, notified_until=notified_until
    )
    if not found.lead_id:
        return []
    first = settle_touches(
        first_us=found.first_us,
        claimed_us=found.claimed_us,
        recorded_us=found.recorded_us,
        due_us=found.due_us,
        approved=np.zeros(len(found.lead_id), dtype=bool),
        late_after_s=late_after_s,
    )
    moved = np.flatnonzero(first != found.first_us)
    repo.set_counted_touches((int(first[i]), found.lead_id[i]) for i in moved.tolist())
    return [
        (lead_id, int(claimed), int(recorded), bool(counted > claimed))
        for lead_id, claimed, recorded, counted in zip(
            found.lead_id,
            found.claimed_us.tolist(),
            found.recorded_us.tolist(),
            first.tolist(),
            strict=True,
        )
    ]


def _fields(applies_of: AppliesCache) -> list[str]:
    """The lead columns ``applies_of`` reads: its canonical fields, and ``attributes`` when it
    reads a field of the lead file's own."""
    own = [f for f in applies_of.fields if f not in CANONICAL_LEAD_FIELDS]
    return [f for f in applies_of.fields if f in CANONICAL_LEAD_FIELDS] + (
        ["attributes"] if own else []
    )


def _deadlines(
    agreement: Agreement, applies_of: AppliesCache, stale: ByIdColumns
) -> dict[str, npt.NDArray[Any]]:
    """What the leads governed by ``agreement`` store of their deadline, by column: due times
    and whether the SLA applies (decided once per combination of the fields it reads)."""
    fields = _fields(applies_of)
    values: list[tuple[Hashable, ...]] = []
    for kind in stale.kinds:
        known: dict[str, Hashable] = dict(zip(fields, kind, strict=True))
        if "attributes" in known:
            attrs = json.loads(str(known.pop("attributes")))
            known |= {f: _hashable(attrs.get(f)) for f in applies_of.fields if f not in known}
        values.append(tuple(known[f] for f in applies_of.fields))
    notified = stale.ints["notified_us"]
    # A lead never notified cannot be measured: it stays out of the SLA.
    applies = applies_of.column(Factor(stale.kind, values), applies_of.fields)
    applies &= notified != NO_TIME
    due = due_many(agreement.business_calendar(), agreement.follow_up_rule(), notified, applies)
    return {"due_us": due, "applies": applies}


def _hashable(value: object) -> Hashable:
    return value if isinstance(value, str | int | float | bool | None) else json.dumps(value)
