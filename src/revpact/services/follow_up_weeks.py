"""The follow-up promise per ISO week of notification: counts, compliance, median and p90.

The same figures as :func:`revpact.services.follow_up_summary` (statuses and response times of
every lead as of a moment, each evaluated under the agreement version in force at its
notification), grouped by the ISO week — in the agreement's time zone — of the lead's
notification. Vectorised: the leads come back as columns and are grouped with numpy; only the
distinct hours and weeks are converted in Python. Leads never notified have no week.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.clock.sla import NO_TIME, STATUS_CODES, LeadStatus, status_code
from revpact.services.agreement_versions import governing_timeline
from revpact.services.deadlines import recompute_deadlines
from revpact.services.follow_up import evaluate_leads  # the one evaluation the summary uses
from revpact.store.leads import LeadRepository

__all__ = ["WeekFollowUp", "weekly_follow_up"]

_US_PER_HOUR = 3_600_000_000
_US_PER_DAY = 86_400_000_000
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class WeekFollowUp:
    """The leads notified in one ISO week, as of a moment."""

    week: str  # YYYY-Www
    monday: date
    leads: int
    counts: dict[LeadStatus, int]
    compliance: float | None  # met / (met + breached)
    median_response_seconds: int | None  # business seconds, nearest rank
    p90_response_seconds: int | None


def _offset_us(hour: int, zone: ZoneInfo) -> int:
    offset = datetime.fromtimestamp(hour * 3600, UTC).astimezone(zone).utcoffset()
    return 0 if offset is None else int(offset.total_seconds()) * 1_000_000


def _local_days(notified_us: npt.NDArray[np.int64], zone: ZoneInfo) -> npt.NDArray[np.int64]:
    """Each moment's local calendar day (days since 1970-01-01): the zone's offset is looked
    up once per distinct UTC hour (offsets change on the hour)."""
    hours, inverse = np.unique(notified_us // _US_PER_HOUR, return_inverse=True)
    offsets = np.array([_offset_us(int(h), zone) for h in hours.tolist()], np.int64)
    return (notified_us + offsets[inverse]) // _US_PER_DAY


def _nearest(ordered: npt.NDArray[np.int64], percent: int) -> int | None:
    if ordered.size == 0:
        return None
    return int(ordered[max(math.ceil(percent * ordered.size / 100), 1) - 1])


def weekly_follow_up(
    engine: Engine, agreement: Agreement, *, as_of: datetime
) -> list[WeekFollowUp]:
    """Every ISO week with a lead notified by ``as_of``, oldest first."""
    timeline = governing_timeline(engine, agreement)
    recompute_deadlines(engine, agreement, timeline)
    as_of_us = to_us(as_of)
    with engine.connect() as conn:
        leads = LeadRepository(conn).load_sla(as_of_us=as_of_us)
    results = evaluate_leads(timeline, leads, as_of_us)
    notified = leads.notified_us != NO_TIME
    status = results.status.astype(np.int64)[notified]
    response = results.response_s[notified]
    days = _local_days(leads.notified_us[notified], ZoneInfo(agreement.calendar.timezone))
    mondays = days - (days + 3) % 7  # 1970-01-01 was a Thursday
    weeks, group = np.unique(mondays, return_inverse=True)
    n = len(weeks)
    per_status = np.zeros((n, len(STATUS_CODES)), np.int64)
    np.add.at(per_status, (group, status), 1)
    answered = response >= 0
    order = np.lexsort((response[answered], group[answered]))
    times, owners = response[answered][order], group[answered][order]
    bounds = np.searchsorted(owners, np.arange(n + 1))
    out = []
    met_code, breached_code = status_code(LeadStatus.MET), status_code(LeadStatus.BREACHED)
    for k, first in enumerate(weeks.tolist()):
        monday = _EPOCH + timedelta(days=int(first))
        iso = monday.isocalendar()
        row = per_status[k]
        decided = int(row[met_code] + row[breached_code])
        chunk = times[bounds[k] : bounds[k + 1]]
        out.append(
            WeekFollowUp(
                week=f"{iso.year}-W{iso.week:02d}",
                monday=monday,
                leads=int(row.sum()),
                counts={s: int(row[i]) for i, s in enumerate(STATUS_CODES)},
                compliance=int(row[met_code]) / decided if decided else None,
                median_response_seconds=_nearest(chunk, 50),
                p90_response_seconds=_nearest(chunk, 90),
            )
        )
    return out
