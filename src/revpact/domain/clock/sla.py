"""The follow-up SLA of one lead: when it falls due and where it stands at a given moment.

The clock starts when the marketing platform notified the rep (``notified_at``). A lead is due
once ``within`` of business time has elapsed, so a lead that arrives after hours falls due in the
first hour(s) of the next business day. As of a moment ``T`` a lead is

* ``excluded`` — the agreement's ``applies_to`` / ``excludes`` say the SLA does not apply;
* ``met`` — first touched at or before its due time (a touch before the notification counts,
  with a response time of zero);
* ``breached`` — touched after its due time, or not touched and ``T`` is past due;
* ``at_risk`` — not touched, and no more than ``at_risk_within`` of business time is left;
* ``open`` — not touched, with more time left than that.

A touch later than ``T`` has not happened yet as of ``T``. Response time is the business time
from notification to first touch, floored to whole seconds.

:func:`evaluate_lead` answers for one lead; :func:`due_many` and :func:`evaluate_many` answer
for whole numpy columns of epoch microseconds and agree with it on every lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from revpact.domain.clock.calendar import BusinessCalendar, from_us, to_us

__all__ = [
    "NO_TIME",
    "STATUS_CODES",
    "FollowUpRule",
    "LeadResult",
    "LeadStatus",
    "ManyResults",
    "due_many",
    "evaluate_lead",
    "evaluate_many",
    "status_code",
]

NO_TIME: int = int(np.iinfo(np.int64).min)
"""Marks "no timestamp" in int64 epoch-microsecond columns."""

_US = 1_000_000


class LeadStatus(StrEnum):
    EXCLUDED = "excluded"
    MET = "met"
    BREACHED = "breached"
    AT_RISK = "at_risk"
    OPEN = "open"


STATUS_CODES: tuple[LeadStatus, ...] = tuple(LeadStatus)
"""The vectorised API's int8 status codes: ``STATUS_CODES[code]`` is the status."""

_CODE = {status: np.int8(i) for i, status in enumerate(STATUS_CODES)}


def status_code(status: LeadStatus) -> int:
    """The int8 code of ``status`` in :data:`STATUS_CODES`."""
    return int(_CODE[status])


@dataclass(frozen=True)
class FollowUpRule:
    """How long sales has (``within``) and when an open lead counts as at risk, in seconds."""

    within_seconds: int
    at_risk_seconds: int

    def __post_init__(self) -> None:
        if self.within_seconds <= 0:
            raise ValueError("within_seconds must be positive")
        if self.at_risk_seconds < 0:
            raise ValueError("at_risk_seconds must not be negative")


@dataclass(frozen=True)
class LeadResult:
    status: LeadStatus
    due_at: datetime | None
    response_business_seconds: int | None
    business_seconds_left: int | None


def evaluate_lead(
    cal: BusinessCalendar,
    rule: FollowUpRule,
    *,
    applies: bool,
    notified_at: datetime | None,
    first_touch_at: datetime | None,
    as_of: datetime,
) -> LeadResult:
    """Where one lead stands as of ``as_of``."""
    if not applies:
        return LeadResult(LeadStatus.EXCLUDED, None, None, None)
    if notified_at is None:
        raise ValueError("a lead the SLA applies to needs its notification time")
    notified_us = to_us(notified_at)
    due_us = cal.add_business_us(notified_us, rule.within_seconds * _US)
    due = from_us(due_us)
    as_of_us = to_us(as_of)
    touch_us = None if first_touch_at is None else to_us(first_touch_at)
    if touch_us is not None and touch_us <= as_of_us:
        if touch_us <= notified_us:
            return LeadResult(LeadStatus.MET, due, 0, None)
        response = cal.business_us(notified_us, touch_us) // _US
        status = LeadStatus.MET if touch_us <= due_us else LeadStatus.BREACHED
        return LeadResult(status, due, response, None)
    if as_of_us > due_us:
        return LeadResult(LeadStatus.BREACHED, due, None, None)
    left_us = cal.business_us(as_of_us, due_us)
    status = LeadStatus.AT_RISK if left_us <= rule.at_risk_seconds * _US else LeadStatus.OPEN
    return LeadResult(status, due, None, left_us // _US)


def due_many(
    cal: BusinessCalendar,
    rule: FollowUpRule,
    notified_us: npt.NDArray[np.int64],
    applies: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    """Due instants (epoch µs) of a column of leads; :data:`NO_TIME` where the SLA is off."""
    notified = np.asarray(notified_us, dtype=np.int64)
    mask = np.asarray(applies, dtype=bool) & (notified != NO_TIME)
    out = np.full(notified.shape, NO_TIME, dtype=np.int64)
    if mask.any():
        out[mask] = cal.due_us(notified[mask], rule.within_seconds)
    return out


@dataclass(frozen=True)
class ManyResults:
    """Column results: int8 status codes, response seconds and seconds left (-1 = none)."""

    status: npt.NDArray[np.int8]
    response_s: npt.NDArray[np.int64]
    left_s: npt.NDArray[np.int64]

    def statuses(self) -> list[LeadStatus]:
        return [STATUS_CODES[c] for c in self.status.tolist()]


def evaluate_many(
    cal: BusinessCalendar,
    rule: FollowUpRule,
    *,
    applies: npt.NDArray[np.bool_],
    notified_us: npt.NDArray[np.int64],
    due_us: npt.NDArray[np.int64],
    touch_us: npt.NDArray[np.int64],
    as_of_us: int,
) -> ManyResults:
    """:func:`evaluate_lead` for whole columns; ``due_us`` comes from :func:`due_many`."""
    notified = np.asarray(notified_us, dtype=np.int64)
    due = np.asarray(due_us, dtype=np.int64)
    touch = np.asarray(touch_us, dtype=np.int64)
    live = np.asarray(applies, dtype=bool) & (due != NO_TIME)
    n = notified.shape[0]

    status = np.full(n, _CODE[LeadStatus.EXCLUDED], dtype=np.int8)
    response = np.full(n, -1, dtype=np.int64)
    left = np.full(n, -1, dtype=np.int64)

    touched = live & (touch != NO_TIME) & (touch <= as_of_us)
    on_time = touched & (touch <= due)
    status[on_time] = _CODE[LeadStatus.MET]
    status[touched & ~on_time] = _CODE[LeadStatus.BREACHED]
    if touched.any():
        elapsed = cal.business_us_between(notified[touched], touch[touched])
        response[touched] = np.maximum(elapsed, 0) // _US

    waiting = live & ~touched
    overdue = waiting & (as_of_us > due)
    status[overdue] = _CODE[LeadStatus.BREACHED]
    pending = waiting & ~overdue
    if pending.any():
        left_us = cal.business_us_between(
            np.full(int(pending.sum()), as_of_us, np.int64), due[pending]
        )
        at_risk = left_us <= rule.at_risk_seconds * _US
        status[pending] = np.where(at_risk, _CODE[LeadStatus.AT_RISK], _CODE[LeadStatus.OPEN])
        left[pending] = left_us // _US
    return ManyResults(status=status, response_s=response, left_s=left)
