"""The sales floor's queue: ``/dashboard/queue``, the leads waiting for a touch, soonest due first.

Every open and at-risk lead (:func:`revpact.services.lead_queue`) with its business time left,
counting down live in the browser. The page polls its JSON twin every
:data:`POLL_SECONDS` and ticks once a second in between. Business time only runs while the
calendar is open, so the twin gives each lead the stretch of wall-clock time in which its clock
runs next — ``ticks_from``..``ticks_until``: from now (or the next opening, when closed) to the
end of that unbroken run of business hours, under the calendar of the agreement version the lead
is measured under. Between polls the browser subtracts only the part of the elapsed time that
falls inside that stretch, and only once two polls have shown the server's clock moving (a
server with a frozen clock never ticks); every poll re-syncs to the server's figures.

``?as_of=`` shows a past moment, and replays from it: each poll asks for ``as_of`` plus the
time since the page loaded. ``?owner=`` keeps one owner's leads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from revpact.domain.clock.calendar import BusinessCalendar, from_us, to_us
from revpact.domain.clock.sla import LeadStatus
from revpact.domain.versions import AgreementTimeline
from revpact.render import formatting
from revpact.server.web.moment_param import requested_moment
from revpact.server.web.site import Page, PageRequest, page
from revpact.services import lead_queue
from revpact.services.agreement_versions import governing_timeline
from revpact.services.follow_up import LeadView
from revpact.services.public.leads import LeadPublic

__all__ = ["POLL_SECONDS", "business_run_end", "countdown", "queue"]

POLL_SECONDS = 5
"""How often the page asks its twin for fresh figures."""

_HORIZON_US = 8 * 86_400 * 1_000_000  # longer than any run of business hours worth ticking
_US = 1_000_000


def countdown(seconds: int | None) -> str:
    """Business seconds left as a clock, ``h:mm:ss`` (the page's script writes the same)."""
    if seconds is None:
        return ""
    hours, rest = divmod(max(int(seconds), 0), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def business_run_end(calendar: BusinessCalendar, start_us: int) -> int:
    """The end of the unbroken run of business time that starts at ``start_us`` (which must be
    inside business hours), looking at most eight days ahead."""
    if calendar.business_us(start_us, start_us + _HORIZON_US) == _HORIZON_US:
        return start_us + _HORIZON_US
    low, high = 0, _HORIZON_US  # business time runs throughout [start, start + low)
    while high - low > 1:
        middle = (low + high) // 2
        if calendar.business_us(start_us, start_us + middle) == middle:
            low = middle
        else:
            high = middle
    return start_us + low


def _ticking(calendar: BusinessCalendar, as_of: datetime) -> tuple[datetime, datetime]:
    """When the calendar's clock next runs, from ``as_of``: (from, until)."""
    start = calendar.next_opening(as_of)
    return start, from_us(business_run_end(calendar, to_us(start)))


class _Windows:
    """The ticking stretch of each span of the timeline, computed once per span."""

    def __init__(self, timeline: AgreementTimeline, as_of: datetime) -> None:
        self._timeline = timeline
        self._as_of = as_of
        self._found: dict[int, tuple[datetime, datetime]] = {}

    def of(self, view: LeadView) -> tuple[datetime, datetime]:
        moment = view.notified_at or view.created_at
        index = self._timeline.index_at_us(to_us(moment))
        if index not in self._found:
            calendar = self._timeline.spans[index].agreement.business_calendar()
            self._found[index] = _ticking(calendar, self._as_of)
        return self._found[index]


def _lead(view: LeadView, windows: _Windows, zone: str, req: PageRequest) -> dict[str, Any]:
    start, until = windows.of(view)
    texts = req.labels
    return {
        **LeadPublic.of(view).model_dump(mode="json"),
        "at_risk": view.status is LeadStatus.AT_RISK,
        "ticks_from": start.isoformat(),
        "ticks_until": until.isoformat(),
        "display": {
            "lead_type": view.lead_type,
            "owner": view.owner or texts.text("queue.nobody"),
            "notified": ""
            if view.notified_at is None
            else formatting.format_moment(view.notified_at, zone, req.lang),
            "due": ""
            if view.due_at is None
            else formatting.format_moment(view.due_at, zone, req.lang),
            "left": countdown(view.business_seconds_left),
            "status": texts.text(f"queue.status.{view.status.value}"),
        },
    }


@page("queue")
def queue(req: PageRequest) -> Page:
    """Open and at-risk leads, the least business time left first, with their countdowns."""
    moment = requested_moment(req)
    as_of = moment.at
    owner = (req.query.get("owner") or "").strip() or None
    timeline = governing_timeline(req.state.engine, req.agreement)
    governing = timeline.at(as_of).agreement
    zone = governing.calendar.timezone
    calendar = governing.business_calendar()
    open_now = calendar.is_business_time(as_of)
    start, until = _ticking(calendar, as_of)
    views = lead_queue(req.state.engine, req.agreement, as_of=as_of, owner=owner)
    windows = _Windows(timeline, as_of)
    leads = [_lead(view, windows, zone, req) for view in views]
    at_risk = sum(1 for lead in leads if lead["at_risk"])
    texts = req.labels
    clock = (
        texts.text("queue.clock_open", until=formatting.format_moment(until, zone, req.lang))
        if open_now
        else texts.text("queue.clock_closed", start=formatting.format_moment(start, zone, req.lang))
    )
    data: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "server_time": req.now.isoformat(),
        "replay": moment.asked,
        "owner": owner,
        "time_zone": zone,
        "business_open": open_now,
        "open_until": until.isoformat() if open_now else None,
        "next_opening": None if open_now else start.isoformat(),
        "poll_seconds": POLL_SECONDS,
        "counts": {"waiting": len(leads), "at_risk": at_risk, "open": len(leads) - at_risk},
        "leads": leads,
        "display": {
            "as_of": formatting.format_moment(as_of, zone, req.lang),
            "clock": clock,
        },
    }
    if moment.invalid is not None:
        data["invalid_as_of"] = moment.invalid
    return Page(
        title=texts.text("queue.title"),
        template="queue.html.j2",
        data=data,
    )
