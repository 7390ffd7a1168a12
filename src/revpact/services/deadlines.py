"""Stored deadlines follow the agreement: recomputed when its SLA fingerprint changes."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Hashable, Sequence

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from revpact.domain.agreement import Agreement
from revpact.domain.agreement_sales import CANONICAL_LEAD_FIELDS
from revpact.domain.sla import (
    NO_TIME,
    due_many,
)
from revpact.ingest.canonical import AppliesCache, Factor
from revpact.store.leads import LeadRepository

__all__ = ["recompute_deadlines"]

_RECOMPUTE_CHUNK = 50_000
_ATTEMPTS = 5


def recompute_deadlines(engine: Engine, agreement: Agreement) -> int:
    """Recompute ``due``/``applies`` of every lead stored under another SLA; returns how many.

    Cheap when nothing changed: the store remembers the fingerprint all deadlines are under.
    Safe to call from concurrent requests: when another one is recording the fingerprint at
    the same moment (SQLite refuses the second writer, PostgreSQL the second insert), this
    one waits a little and looks again, and finds the work done.
    """
    for attempt in range(_ATTEMPTS):
        try:
            return _recompute(engine, agreement)
        except (OperationalError, IntegrityError):
            if attempt == _ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def _recompute(engine: Engine, agreement: Agreement) -> int:
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
