"""A cache of the scoreboard's facts, correct by construction: keyed on the store's revision.

:func:`year_scoreboard <revpact.services.scoreboard.year_scoreboard>` costs two passes over the
leads (lead counts by month and type; follow-up verdicts by month). Both are cached per engine,
under the store's revision (:mod:`revpact.store.revision`), which every write that can change a
figure bumps in its own transaction — so an entry is never served after such a write:

* **deal facts** (revenue, deals, lead counts by type) are those of a store cut at the moment
  asked about, ``T`` (see :func:`revpact.services.deals.monthly_facts`). An entry computed at
  ``T0`` also holds the first moment after it at which they can change (a lead or deal event in
  the months, or a month's end: :func:`revpact.services.deals.next_change_us`), and answers
  every ``T`` in ``[T0, that moment)`` — where the facts are the same, so it never serves a
  figure of another moment. Keyed on (agreement, months);
* **follow-up verdicts** do depend on it: a waiting lead turns breached when its due time
  passes, a lead notified later joins its month. At a moment ``T0`` the leads are split into
  the *settled* (their verdict is final for every ``T >= T0``: counted by SQL) and the
  *unsettled* (notified after ``T0``, or waiting at ``T0``: kept as arrays), and the figures at
  any ``T >= T0`` in the same months are the settled counts plus the unsettled leads evaluated
  at ``T`` — exactly what the SQL would say, without asking it. A ``T`` before ``T0`` is a miss
  (and the new entry, at the earlier moment, serves both).

An entry is stored only under the revision read *before* its facts were read, and only while
that is still the newest revision seen; a revision the cache has not seen drops every entry of
the engine. Entries are few (the months so far, per agreement) and bounded.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final, TypeVar

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.versions import version_hash
from revpact.services.deals import DealMonth, month_ranges, monthly_facts, next_change_us
from revpact.store.follow_up import (
    FollowUpCounts,
    Unsettled,
    counts_at,
    settled_by_month,
    unsettled,
)
from revpact.store.revision import store_revision

__all__ = ["CacheStats", "cache_stats", "clear_cache", "deal_facts", "follow_up_facts"]

_MAX_ENTRIES: Final = 16

_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(frozen=True)
class _FollowUp:
    since_us: int  # T0: the entry answers every moment from here on
    settled: tuple[FollowUpCounts, ...]
    pending: Unsettled


@dataclass(frozen=True)
class _Deals:
    since_us: int  # T0: the moment the facts were read as of
    until_us: int | None  # the first moment they can differ (None: not in these months)
    facts: list[DealMonth]

    def answers(self, as_of_us: int) -> bool:
        return self.since_us <= as_of_us and (self.until_us is None or as_of_us < self.until_us)


@dataclass
class CacheStats:
    """How the cache has fared (for tests and the benchmark)."""

    hits: int = 0
    misses: int = 0


@dataclass
class _EngineCache:
    revision: int = -1
    deals: OrderedDict[tuple[str, tuple[date, ...]], _Deals] = field(default_factory=OrderedDict)
    follow: OrderedDict[tuple[str, tuple[date, ...]], _FollowUp] = field(
        default_factory=OrderedDict
    )
    stats: CacheStats = field(default_factory=CacheStats)

    def seen(self, revision: int) -> bool:
        """Adopt ``revision`` if it is newer; whether entries may be read/stored under it."""
        if revision > self.revision:
            self.revision = revision
            self.deals.clear()
            self.follow.clear()
        return revision == self.revision


_LOCK = threading.Lock()
_CACHES: weakref.WeakKeyDictionary[Engine, _EngineCache] = weakref.WeakKeyDictionary()


def _cache(engine: Engine) -> _EngineCache:
    found = _CACHES.get(engine)
    if found is None:
        found = _CACHES[engine] = _EngineCache()
    return found


def _revision(engine: Engine) -> int:
    with engine.connect() as conn:
        return store_revision(conn)


def _put(table: OrderedDict[_K, _V], key: _K, value: _V) -> None:
    table[key] = value
    table.move_to_end(key)
    while len(table) > _MAX_ENTRIES:
        table.popitem(last=False)


def deal_facts(
    engine: Engine, agreement: Agreement, months: Sequence[date], *, as_of_us: int
) -> list[DealMonth]:
    """:func:`revpact.services.deals.monthly_facts` of ``months`` as of ``as_of_us``, cached."""
    key = (version_hash(agreement), tuple(months))
    revision = _revision(engine)
    with _LOCK:
        cache = _cache(engine)
        entry = cache.deals.get(key) if cache.seen(revision) else None
        if entry is not None and entry.answers(as_of_us):
            cache.stats.hits += 1
            cache.deals.move_to_end(key)
            return entry.facts
        cache.stats.misses += 1
    facts = monthly_facts(engine, agreement, months, as_of_us=as_of_us)
    until = next_change_us(engine, agreement, months, after_us=as_of_us)
    with _LOCK:
        cache = _cache(engine)
        if cache.seen(revision):
            _put(cache.deals, key, _Deals(as_of_us, until, facts))
    return facts


def follow_up_facts(
    engine: Engine, agreement: Agreement, months: Sequence[date], *, as_of_us: int
) -> list[FollowUpCounts]:
    """What :meth:`revpact.store.follow_up.FollowUpRepository.by_month` says of ``months`` as of
    ``as_of_us``, cached. The stored deadlines must be current (recompute them first)."""
    key = (version_hash(agreement), tuple(months))
    revision = _revision(engine)
    with _LOCK:
        cache = _cache(engine)
        entry = cache.follow.get(key) if cache.seen(revision) else None
        if entry is not None and entry.since_us <= as_of_us:
            cache.stats.hits += 1
            cache.follow.move_to_end(key)
        else:
            entry = None
            cache.stats.misses += 1
    if entry is None:
        ranges = month_ranges(agreement, months)
        with engine.connect() as conn:
            entry = _FollowUp(
                as_of_us,
                tuple(settled_by_month(conn, ranges, as_of_us=as_of_us)),
                unsettled(conn, ranges, as_of_us=as_of_us),
            )
        with _LOCK:
            cache = _cache(engine)
            if cache.seen(revision):
                _put(cache.follow, key, entry)
    return counts_at(entry.settled, entry.pending, as_of_us=as_of_us)


def cache_stats(engine: Engine) -> CacheStats:
    """The hits and misses of ``engine``'s cache so far."""
    with _LOCK:
        return _cache(engine).stats


def clear_cache(engine: Engine | None = None) -> None:
    """Forget the entries of ``engine`` (every engine's when None)."""
    with _LOCK:
        if engine is None:
            _CACHES.clear()
        elif engine in _CACHES:
            del _CACHES[engine]
