"""Deterministic demo data: Company A's marketing-generated leads for one year.

The generator follows the article's sample month (10 referral, 200 content, 50 webinar and
50 internet sales-ready leads) with Poisson variation and volumes that grow through the year,
so marketing misses its 550,000 USD lead-value target in the early months and meets it later.

Leads arrive around the clock (more during office hours, a real share at night, on weekends
and on US holidays); the marketing platform notifies the reps seconds to minutes later; reps
answer in business time, faster as the year goes on, one of them notably slower, a few of
them sometimes right away at night. From September on (``_PERFECT_FROM_MONTH``) the team has
fixed its follow-up: every lead the follow-up rule covers is touched within its hour. Nothing
is touched after the moment the demo is evaluated (``DEMO_AS_OF``), and a handful of leads
notified shortly before it are still waiting: some close to their one-hour deadline, some
fresh.

Everything is computed with arrays of epoch seconds; the same seed gives the same leads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import numpy as np
import numpy.typing as npt

from revpact.domain import csv_safe
from revpact.errors import CalendarError
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS

__all__ = [
    "CSV_COLUMNS",
    "DEMO_AS_OF",
    "LEAD_TYPES",
    "REPS",
    "DemoLead",
    "generate_leads",
    "write_leads_csv",
]

Int64s = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

_AS_OF_HOUR = 16


def _as_of(year: int, zone: ZoneInfo) -> datetime:
    return datetime(year, 12, 31, _AS_OF_HOUR, tzinfo=zone)


DEMO_AS_OF: datetime = _as_of(2020, ZoneInfo("America/New_York"))
"""The moment the demo is evaluated: 2020-12-31 16:00 in New York."""

CSV_COLUMNS: tuple[str, ...] = (*CANONICAL_COLUMNS, "source", "campaign")


@dataclass(frozen=True)
class DemoLead:
    """One generated lead, in the canonical import shape plus ``source`` and ``campaign``."""

    lead_id: str
    lead_type: str
    stage: str
    requested_follow_up: bool
    created_at: datetime
    notified_at: datetime | None
    first_touch_at: datetime | None
    owner: str
    source: str
    campaign: str


# --- the rules of the data, declared once -------------------------------------------------


@dataclass(frozen=True)
class _LeadTypeProfile:
    name: str
    per_month: float  # the article's sample month
    off_day_weight: float  # arrivals on a weekend day or holiday relative to a weekday
    p_early: float  # share early in the buyer's journey
    p_request_late: float  # asks for sales follow-up when late in the journey
    p_request_early: float  # ... when early


_TYPES: tuple[_LeadTypeProfile, ...] = (
    _LeadTypeProfile("referral", 10, 0.15, 0.15, 0.95, 0.60),
    _LeadTypeProfile("content", 200, 0.45, 0.85, 0.60, 0.08),
    _LeadTypeProfile("webinar", 50, 0.30, 0.60, 0.70, 0.30),
    _LeadTypeProfile("internet_sales_ready", 50, 0.30, 0.10, 0.97, 0.70),
)
LEAD_TYPES: tuple[str, ...] = tuple(t.name for t in _TYPES)
_REFERRAL, _CONTENT, _WEBINAR, _INTERNET = range(len(_TYPES))

# Lead volume per month relative to the article's sample month (January .. December).
_MONTHLY_VOLUME = (0.80, 0.85, 0.90, 0.95, 0.99, 1.04, 1.06, 1.05, 1.09, 1.12, 1.14, 1.10)
_WEBINARS_PER_MONTH = 2
_WEBINAR_WEEKDAYS = (1, 2, 3)  # Tuesday .. Thursday
_WEBINAR_START_HOURS = (11, 14)  # one hour long
_WEBINAR_LIVE_SHARE = 0.75  # the rest watch the recording within _RECORDING_DAYS
_RECORDING_DAYS = 10
_WEBINAR_TOPICS = (
    "sales-marketing-sla",
    "lead-scoring",
    "inbound-playbook",
    "crm-automation",
    "pipeline-reviews",
    "account-based-marketing",
)

# Arrival hour of day (local), relative weights for weekdays and for weekends/holidays.
_WORKDAY_HOURS = (2, 1, 1, 1, 1, 2, 4, 8, 14, 26, 32, 32, 27, 29, 32, 30, 24, 14, 10, 9, 8, 6, 4, 3)
_OFF_DAY_HOURS = (2, 1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 13, 13, 13, 12, 12, 11, 10, 10, 10, 9, 7, 5, 3)
_QUIET_SEASON = (12, 24)  # from this December day on, weekdays are quieter
_QUIET_WEIGHT = 0.6


@dataclass(frozen=True)
class _Campaign:
    name: str
    source: str
    months: range
    weight: float


_CAMPAIGNS: dict[int, tuple[_Campaign, ...]] = {
    _REFERRAL: (
        _Campaign("partner-referral-program", "partner", range(1, 13), 0.6),
        _Campaign("customer-referral", "hubspot", range(1, 13), 0.4),
    ),
    _CONTENT: (
        _Campaign("blog-subscription", "website", range(1, 13), 0.25),
        _Campaign("ebook-sla-playbook", "hubspot", range(1, 7), 0.35),
        _Campaign("whitepaper-revenue-growth", "hubspot", range(1, 13), 0.20),
        _Campaign("guide-lead-scoring", "hubspot", range(4, 13), 0.30),
        _Campaign("linkedin-ads-content", "linkedin", range(3, 13), 0.15),
        _Campaign("report-sales-trends-2021", "hubspot", range(10, 13), 0.35),
    ),
    _INTERNET: (
        _Campaign("demo-request", "website", range(1, 13), 0.45),
        _Campaign("pricing-page-contact", "website", range(1, 13), 0.25),
        _Campaign("google-ads-brand", "google_ads", range(1, 13), 0.20),
        _Campaign("chat-qualified", "hubspot", range(1, 13), 0.10),
    ),
}
_WEBINAR_SOURCE = "hubspot"


@dataclass(frozen=True)
class _Rep:
    email: str
    share: float  # share of leads assigned
    speed: float  # multiplies the response time
    neglect: float  # multiplies the chance a lead is never touched
    night: float  # chance to answer an after-hours lead at once


_REP_PROFILES: tuple[_Rep, ...] = (
    _Rep("anna.kowalska@company-a.example", 0.18, 0.85, 0.8, 0.05),
    _Rep("james.oconnor@company-a.example", 0.17, 1.00, 1.0, 0.12),
    _Rep("maria.garcia@company-a.example", 0.17, 0.90, 0.9, 0.30),
    _Rep("david.chen@company-a.example", 0.17, 1.00, 1.0, 0.03),
    _Rep("priya.patel@company-a.example", 0.16, 0.95, 0.9, 0.05),
    _Rep("tom.becker@company-a.example", 0.15, 2.60, 1.8, 0.00),  # the slow one
)
REPS: tuple[str, ...] = tuple(r.email for r in _REP_PROFILES)


@dataclass(frozen=True)
class _TouchProfile:
    p_never: float
    median_s: float  # median response in business seconds (January, average rep)
    sigma: float  # log-normal spread


# Leads the follow-up rule covers; other leads that asked for follow-up; leads that did not.
_SLA, _OTHER_REQUEST, _NO_REQUEST = range(3)
_TOUCH: tuple[_TouchProfile, ...] = (
    _TouchProfile(0.050, 22 * 60, 1.15),
    _TouchProfile(0.150, 2 * 3600, 1.20),
    _TouchProfile(0.700, 8 * 3600, 1.00),
)
_IMPROVE_SPEED = (1.50, -0.085)  # response factor = a + b * (month - 1)
_IMPROVE_NEGLECT = (1.40, -0.07)
_PERFECT_FROM_MONTH = 9  # from September on every covered lead is touched within its hour
_PERFECT_MAX_S = 50 * 60  # ... at most this many business seconds after notification
_P_TOUCH_BEFORE_NOTICE = 0.06  # referral reps already talking to the partner
_NOTIFY_MEDIAN_S, _NOTIFY_SIGMA, _NOTIFY_MAX_S = 25.0, 1.0, 1800

# Year-end leads still waiting at the as-of moment: business seconds since notification.
_WAITING_AT_AS_OF: tuple[tuple[int, int], ...] = (
    (_INTERNET, 53 * 60),  # at risk: 7 minutes left of the hour
    (_REFERRAL, 50 * 60),  # at risk
    (_INTERNET, 47 * 60),  # at risk
    (_INTERNET, 31 * 60),  # open
    (_CONTENT, 18 * 60),  # open
    (_INTERNET, 4 * 60),  # open
)

_DEFAULT_OPEN = (9 * 3600, 17 * 3600)
_SAMPLE_STEP_S = 1800
_NEVER = np.iinfo(np.int64).max // 2  # an instant past any horizon


# --- business time as sorted open intervals ------------------------------------------------


@dataclass(frozen=True)
class _OpenTime:
    """Open intervals ``[start, end)`` in epoch seconds with cumulative open seconds."""

    start: Int64s
    end: Int64s
    before: Int64s  # open seconds before each interval

    @classmethod
    def of(cls, start: Int64s, end: Int64s) -> _OpenTime:
        if start.size == 0:
            raise CalendarError("the business calendar has no open hours in the demo year")
        length = end - start
        return cls(start, end, np.cumsum(length) - length)

    def _index(self, t: Int64s) -> Int64s:
        return np.searchsorted(self.start, t, side="right").astype(np.int64) - 1

    def contains(self, t: Int64s) -> Bools:
        i = self._index(t)
        ic = np.maximum(i, 0)
        return (i >= 0) & (t < self.end[ic])

    def seconds_before(self, t: Int64s) -> Int64s:
        i = self._index(t)
        ic = np.maximum(i, 0)
        inside = np.clip(t - self.start[ic], 0, self.end[ic] - self.start[ic])
        return np.where(i >= 0, self.before[ic] + inside, 0)

    def at(self, b: Int64s) -> Int64s:
        """The open instant after ``b`` open seconds; a far-future sentinel past the horizon."""
        done = self.before + (self.end - self.start)
        j = np.searchsorted(done, b, side="right").astype(np.int64)
        jc = np.minimum(j, self.start.size - 1)
        t = self.start[jc] + (b - self.before[jc])
        return np.where(j < self.start.size, t, _NEVER)

    def add(self, t: Int64s, seconds: Int64s) -> Int64s:
        return self.at(self.seconds_before(t) + seconds)


def _default_open_time(days: _Days, zone: ZoneInfo) -> _OpenTime:
    """Mon–Fri 09:00–17:00 local, closed on US federal holidays."""
    workdays = np.flatnonzero(~days.off).astype(np.int64)
    start, end = (days.epochs(workdays, np.full(workdays.size, s), zone) for s in _DEFAULT_OPEN)
    return _OpenTime.of(start, end)


def _sampled_open_time(is_open: Callable[[datetime], bool], year: int, zone: ZoneInfo) -> _OpenTime:
    """Open intervals of a predicate: sampled every half hour, edges found to the second."""
    first = _epoch(date(year, 1, 1), 0, zone)
    last = _epoch(date(year + 1, 1, 1), 0, zone)

    def probe(t: int) -> bool:
        return bool(is_open(datetime.fromtimestamp(t, zone)))

    samples = [*range(first, last, _SAMPLE_STEP_S), last]
    probe(last)  # both ends first, so that a lazily built calendar sizes itself once
    probe(first)
    states = [probe(t) for t in samples]
    edges: list[int] = []
    for k in range(1, len(samples)):
        if states[k] == states[k - 1]:
            continue
        lo, hi = samples[k - 1], samples[k]
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if probe(mid) == states[k - 1]:
                lo = mid
            else:
                hi = mid
        edges.append(hi)
    bounds = ([first] if states[0] else []) + edges + ([last] if states[-1] else [])
    arr = np.array(bounds, np.int64)
    return _OpenTime.of(arr[0::2], arr[1::2])


# --- helpers ------------------------------------------------------------------------------


def _days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def _epoch(day: date, second_of_day: int, zone: ZoneInfo) -> int:
    local = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(seconds=second_of_day)
    return int(local.timestamp())


def _lognormal(rng: np.random.Generator, median: Floats | float, sigma: float, n: int) -> Floats:
    return np.asarray(median * np.exp(sigma * rng.standard_normal(n)), np.float64)


def _pick(rng: np.random.Generator, cdf: Floats, n: int) -> Int64s:
    """Draw ``n`` indices from a cumulative distribution (last entry 1)."""
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), cdf.size - 1).astype(
        np.int64
    )


def _cdf(weights: Sequence[float] | Floats) -> Floats:
    w = np.asarray(weights, np.float64)
    return np.asarray(np.cumsum(w) / w.sum(), np.float64)


@dataclass(frozen=True)
class _Days:
    """The days of the year (index 0 = January 1) as people live them (US holidays)."""

    first: date
    midnight: int  # epoch seconds of January 1, 00:00 local
    month: Int64s
    mday: Int64s
    weekday: Int64s
    off: Bools  # weekend or holiday
    quiet: Bools  # the holiday season

    @classmethod
    def of(cls, year: int, zone: ZoneInfo) -> _Days:
        closed = holidays.country_holidays("US", years=year)
        days = [date(year, 1, 1) + timedelta(days=k) for k in range(_days_in_year(year))]
        return cls(
            first=days[0],
            midnight=_epoch(days[0], 0, zone),
            month=np.array([d.month for d in days], np.int64),
            mday=np.array([d.day for d in days], np.int64),
            weekday=np.array([d.weekday() for d in days], np.int64),
            off=np.array([d.weekday() >= 5 or d in closed for d in days], np.bool_),
            quiet=np.array([(d.month, d.day) >= _QUIET_SEASON for d in days], np.bool_),
        )

    def month_of(self, t: Int64s) -> Int64s:
        """Month of epoch instants (to the hour around DST; enough for trends)."""
        return self.month[np.clip((t - self.midnight) // 86400, 0, self.month.size - 1)]

    def second_of_day(self, rng: np.random.Generator, day: Int64s) -> Int64s:
        hour = np.where(
            self.off[day],
            _pick(rng, _cdf(_OFF_DAY_HOURS), day.size),
            _pick(rng, _cdf(_WORKDAY_HOURS), day.size),
        )
        return hour * 3600 + rng.integers(0, 3600, day.size)

    def epochs(self, day: Int64s, second: Int64s, zone: ZoneInfo) -> Int64s:
        return np.array(
            [
                _epoch(self.first + timedelta(days=int(d)), int(s), zone)
                for d, s in zip(day, second, strict=True)
            ],
            np.int64,
        )


# --- arrivals -----------------------------------------------------------------------------


def _arrivals(
    rng: np.random.Generator, days: _Days, zone: ZoneInfo
) -> tuple[Int64s, Int64s, list[str], list[str]]:
    """Creation instants, type indices, sources and campaigns of the year's leads."""
    created: list[Int64s] = []
    kinds: list[Int64s] = []
    sources: list[str] = []
    campaigns: list[str] = []
    for k, profile in enumerate(_TYPES):
        if k == _WEBINAR:
            continue
        day_w = np.where(days.off, profile.off_day_weight, np.where(days.quiet, _QUIET_WEIGHT, 1.0))
        picked: list[Int64s] = []
        months: list[Int64s] = []
        for m, volume in enumerate(_MONTHLY_VOLUME, start=1):
            in_month = np.flatnonzero(days.month == m).astype(np.int64)
            n = int(rng.poisson(profile.per_month * volume))
            picked.append(in_month[_pick(rng, _cdf(day_w[in_month]), n)])
            months.append(np.full(n, m, np.int64))
        day, month = np.concatenate(picked), np.concatenate(months)
        created.append(days.epochs(day, days.second_of_day(rng, day), zone))
        kinds.append(np.full(day.size, k, np.int64))
        options = _CAMPAIGNS[k]
        weights = np.array([[c.weight * (m in c.months) for c in options] for m in range(1, 13)])
        cdfs = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
        u = rng.random(day.size)
        chosen = np.minimum((u[:, None] > cdfs[month - 1]).sum(axis=1), len(options) - 1)
        for c in chosen:
            sources.append(options[c].source)
            campaigns.append(options[c].name)

    w_created, w_campaigns = _webinar_arrivals(rng, days, zone)
    created.append(w_created)
    kinds.append(np.full(w_created.size, _WEBINAR, np.int64))
    sources.extend([_WEBINAR_SOURCE] * w_created.size)
    campaigns.extend(w_campaigns)
    return np.concatenate(created), np.concatenate(kinds), sources, campaigns


def _webinar_arrivals(
    rng: np.random.Generator, days: _Days, zone: ZoneInfo
) -> tuple[Int64s, list[str]]:
    """Attendees arrive in a burst after each live webinar; some watch the recording later."""
    per_webinar = _TYPES[_WEBINAR].per_month / _WEBINARS_PER_MONTH
    created: list[Int64s] = []
    campaigns: list[str] = []
    for m, volume in enumerate(_MONTHLY_VOLUME, start=1):
        for half in range(_WEBINARS_PER_MONTH):
            candidates = np.flatnonzero(
                (days.month == m)
                & ~days.off
                & np.isin(days.weekday, _WEBINAR_WEEKDAYS)
                & (days.mday > 14 * half)
                & (days.mday <= 14 * (half + 1))
            )
            day = int(candidates[rng.integers(candidates.size)])
            held = days.first + timedelta(days=day)
            ends = _epoch(held, (int(rng.choice(_WEBINAR_START_HOURS)) + 1) * 3600, zone)
            topic = _WEBINAR_TOPICS[(2 * (m - 1) + half) % len(_WEBINAR_TOPICS)]
            n = int(rng.poisson(per_webinar * volume))
            live = rng.random(n) < _WEBINAR_LIVE_SHARE
            synced = ends + np.minimum(_lognormal(rng, 600.0, 0.8, n), 7200).astype(np.int64)
            later = day + rng.integers(1, _RECORDING_DAYS + 1, n)
            in_year = np.minimum(later, days.month.size - 1)
            recording = days.epochs(in_year, days.second_of_day(rng, in_year), zone)
            recording[later != in_year] = _NEVER  # watched next year: not in the demo
            created.append(np.where(live, synced, recording))
            campaigns.extend([f"webinar-{held.isoformat()}-{topic}"] * n)
    return np.concatenate(created), campaigns


# --- the generator ------------------------------------------------------------------------


def generate_leads(
    *,
    seed: int = 2020,
    year: int = 2020,
    timezone: str = "America/New_York",
    is_business_time: Callable[[datetime], bool] | None = None,
) -> list[DemoLead]:
    """Company A's leads of ``year`` up to Dec 31, 16:00 local, in creation order.

    ``is_business_time`` tells when reps work (touches are pushed into it); without it,
    Mon–Fri 09:00–17:00 local outside US federal holidays. Same arguments, same leads.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CalendarError(f'"{timezone}" is not an IANA time zone') from exc
    rng = np.random.default_rng(seed)
    as_of = int(_as_of(year, zone).timestamp())
    days = _Days.of(year, zone)
    open_time = (
        _default_open_time(days, zone)
        if is_business_time is None
        else _sampled_open_time(is_business_time, year, zone)
    )

    created, kind, sources, campaigns = _arrivals(rng, days, zone)
    n_natural = created.size
    waiting_kind = np.array([k for k, _ in _WAITING_AT_AS_OF], np.int64)
    waiting_for = np.array([s for _, s in _WAITING_AT_AS_OF], np.int64)
    waiting_notice = open_time.at(
        np.maximum(open_time.seconds_before(np.array([as_of])) - waiting_for, 1)
    )
    created = np.concatenate([created, waiting_notice - rng.integers(5, 60, waiting_kind.size)])
    kind = np.concatenate([kind, waiting_kind])
    for k in waiting_kind:
        sources.append(_CAMPAIGNS[int(k)][0].source)
        campaigns.append(_CAMPAIGNS[int(k)][0].name)
    waiting = np.arange(created.size) >= n_natural

    n = created.size
    p_early = np.array([t.p_early for t in _TYPES])[kind]
    early = (rng.random(n) < p_early) & ~waiting
    p_request = np.where(
        early,
        np.array([t.p_request_early for t in _TYPES])[kind],
        np.array([t.p_request_late for t in _TYPES])[kind],
    )
    requested = (rng.random(n) < p_request) | waiting
    delay = np.clip(_lognormal(rng, _NOTIFY_MEDIAN_S, _NOTIFY_SIGMA, n), 2, _NOTIFY_MAX_S)
    notified = created + delay.astype(np.int64)
    notified[waiting] = waiting_notice
    owner = _pick(rng, _cdf([r.share for r in _REP_PROFILES]), n)

    month = days.month_of(notified)
    perfect = notified >= _epoch(date(year, _PERFECT_FROM_MONTH, 1), 0, zone)
    touch = _first_touches(
        rng, open_time, kind, month, early, requested, created, notified, owner, perfect
    )
    touch = np.where(waiting | (touch > as_of), -1, touch)

    keep = np.flatnonzero(notified <= as_of)  # the platform's record as of the demo moment
    order = keep[np.argsort(created[keep], kind="stable")]
    leads: list[DemoLead] = []
    for number, i in enumerate(order, start=1):
        leads.append(
            DemoLead(
                lead_id=f"L{year}-{number:06d}",
                lead_type=_TYPES[kind[i]].name,
                stage="early" if early[i] else "late",
                requested_follow_up=bool(requested[i]),
                created_at=datetime.fromtimestamp(int(created[i]), zone),
                notified_at=datetime.fromtimestamp(int(notified[i]), zone),
                first_touch_at=(
                    datetime.fromtimestamp(int(touch[i]), zone) if touch[i] >= 0 else None
                ),
                owner=REPS[owner[i]],
                source=sources[i],
                campaign=campaigns[i],
            )
        )
    return leads


def _first_touches(
    rng: np.random.Generator,
    open_time: _OpenTime,
    kind: Int64s,
    month: Int64s,
    early: Bools,
    requested: Bools,
    created: Int64s,
    notified: Int64s,
    owner: Int64s,
    perfect: Bools,
) -> Int64s:
    """First-touch instants in epoch seconds; -1 for never.

    Covered leads notified where ``perfect`` holds are all touched within the hour.
    """
    n = kind.size
    category = np.where(
        requested & ~early & (kind != _WEBINAR),
        _SLA,
        np.where(requested, _OTHER_REQUEST, _NO_REQUEST),
    )
    speed = _IMPROVE_SPEED[0] + _IMPROVE_SPEED[1] * (month - 1)
    speed = speed * np.array([r.speed for r in _REP_PROFILES])[owner]
    neglect = _IMPROVE_NEGLECT[0] + _IMPROVE_NEGLECT[1] * (month - 1)
    neglect = neglect * np.array([r.neglect for r in _REP_PROFILES])[owner]
    p_never = np.array([p.p_never for p in _TOUCH])[category] * neglect
    median = np.array([p.median_s for p in _TOUCH])[category] * speed
    sigma = np.array([p.sigma for p in _TOUCH])[category]

    perfect = perfect & (category == _SLA)
    never = (rng.random(n) < p_never) & ~perfect
    respond = np.maximum(median * np.exp(sigma * rng.standard_normal(n)), 20).astype(np.int64)
    respond = np.where(perfect, np.minimum(respond, _PERFECT_MAX_S), respond)
    touch = open_time.add(notified, respond)

    after_hours = ~open_time.contains(notified)
    night = (
        after_hours
        & (category != _NO_REQUEST)
        & (rng.random(n) < np.array([r.night for r in _REP_PROFILES])[owner])
    )
    at_night = notified + np.clip(_lognormal(rng, 480.0, 0.7, n), 30, 3600).astype(np.int64)
    touch = np.where(night, at_night, touch)

    early_bird = (kind == _REFERRAL) & (category == _SLA) & (rng.random(n) < _P_TOUCH_BEFORE_NOTICE)
    before_notice = created + (rng.random(n) * (notified - created)).astype(np.int64)
    touch = np.where(early_bird, before_notice, touch)
    return np.where(never, -1, touch)


# --- canonical CSV ------------------------------------------------------------------------


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="seconds")


def write_leads_csv(leads: Sequence[DemoLead], fp: TextIO) -> None:
    """Write leads as canonical CSV: the import columns, then ``source`` and ``campaign``."""
    writer = csv_safe.writer(fp, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for lead in leads:
        writer.writerow(
            (
                lead.lead_id,
                lead.lead_type,
                lead.stage,
                "true" if lead.requested_follow_up else "false",
                _iso(lead.created_at),
                _iso(lead.notified_at),
                _iso(lead.first_touch_at),
                lead.owner,
                lead.source,
                lead.campaign,
            )
        )
