"""Feedback, meetings and disputes: ``/dashboard/rhythm``, how the two teams keep talking.

Open and overdue feedback (:func:`revpact.services.feedback.list_feedback`), how faithfully
each meeting of the agreement was held (:func:`revpact.services.meetings.compliance_report`),
the agenda of the next weekly meeting (:func:`revpact.services.meetings.next_agenda`; after
the agreement's period, or without a weekly meeting, a note says why there is none) and every
dispute with its chain of decisions. ``?as_of=`` shows a past moment; disputes are listed as
recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from revpact.domain.feedback import FeedbackState
from revpact.errors import RevpactError
from revpact.render import formatting
from revpact.server.web.moment_param import requested_moment
from revpact.server.web.site import Page, PageRequest, page
from revpact.services import meetings
from revpact.services.disputes import list_disputes
from revpact.services.feedback import list_feedback
from revpact.services.public.disputes import DisputePublic
from revpact.services.public.feedback import FeedbackPublic
from revpact.services.public.meetings import AgendaPublic, ComplianceReportPublic

__all__ = ["rhythm"]

WAITING = (FeedbackState.OPEN, FeedbackState.OVERDUE)
"""The feedback the page lists: not answered yet."""


def _formatter(zone: str, lang: str) -> Callable[[str | None], str]:
    """ISO 8601 moments (as the twins write them) for people: ``""`` for none."""

    def when(value: str | None) -> str:
        if not value:
            return ""
        if len(value) == 10:
            return formatting.format_date(date.fromisoformat(value), lang)
        return formatting.format_moment(datetime.fromisoformat(value), zone, lang)

    return when


@page("rhythm")
def rhythm(req: PageRequest) -> Page:
    """Feedback waiting for an answer, meeting cadence, the next weekly agenda, disputes."""
    moment = requested_moment(req)
    as_of = moment.at
    engine, agreement = req.state.engine, req.agreement
    feedback = list_feedback(engine, as_of=as_of, states=WAITING)
    report = meetings.compliance_report(engine, agreement, as_of=as_of)
    agenda: dict[str, object] | None = None
    agenda_note: str | None = None
    try:
        found = meetings.next_agenda(engine, agreement, kind="weekly", as_of=as_of)
        agenda = AgendaPublic.of(found).model_dump(mode="json")
    except RevpactError as exc:
        agenda_note = str(exc)
    disputes = [
        DisputePublic.of(d).model_dump(mode="json") for d in list_disputes(engine, as_of=as_of)
    ]
    data: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "server_time": req.now.isoformat(),
        "feedback": [FeedbackPublic.of(v).model_dump(mode="json") for v in feedback],
        "feedback_counts": {
            state.value: sum(1 for v in feedback if v.state is state) for state in WAITING
        },
        "meetings": ComplianceReportPublic.of(report).model_dump(mode="json"),
        "weekly_agenda": agenda,
        "weekly_agenda_note": agenda_note,
        "disputes": disputes,
    }
    if moment.invalid is not None:
        data["invalid_as_of"] = moment.invalid
    return Page(
        title=req.labels.text("rhythm.title"),
        template="rhythm.html.j2",
        data=data,
        context={
            "when": _formatter(report.timezone, req.lang),
            "as_of_text": formatting.format_moment(as_of, report.timezone, req.lang),
        },
    )
