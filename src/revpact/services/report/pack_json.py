"""The pack's JSON twin: money and ratios as exact Decimal strings, times ISO 8601. The documents
(:mod:`revpact.render.pack`) are rendered from it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from revpact.domain.scoreboard.year import LeadTypeValue, month_to_json
from revpact.services.feedback import feedback_to_json
from revpact.services.month_states import close_block, restatement_to_json
from revpact.services.report.model import MeetingPack

__all__ = [
    "pack_to_json",
]


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _by_type(items: tuple[LeadTypeValue, ...]) -> list[dict[str, Any]]:
    return [
        {
            "lead_type": i.lead_type,
            "count": i.count,
            "unit_value": _s(i.unit_value),
            "value": _s(i.value),
        }
        for i in items
    ]


def pack_to_json(pack: MeetingPack) -> dict[str, Any]:
    """The pack as JSON-ready data: money and ratios as exact Decimal strings, times ISO 8601."""
    period, results = pack.period, pack.results
    status = pack.close.status
    closed = close_block(status)
    goals = results.company_goals
    moves = pack.moves
    agenda = pack.agenda
    escalation = pack.escalation
    return {
        "kind": pack.kind,
        "company": pack.company,
        "title": pack.title,
        "language": pack.language,
        "currency": pack.currency,
        "timezone": pack.timezone,
        "lead_types": dict(pack.lead_types),
        "period": {
            "label": period.label,
            "first_day": period.first_day.isoformat(),
            "last_day": period.last_day.isoformat(),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "as_of": period.as_of.isoformat(),
            "complete": period.complete,
        },
        "results": {
            "month": f"{results.month:%Y-%m}",
            "as_of": results.as_of.isoformat(),
            "complete": results.complete,
            "agreement_version": None
            if results.version is None
            else {"number": results.version.number, "hash": results.version.hash},
            "goals": [
                {
                    "key": g.key,
                    "unit": g.unit,
                    "actual": _s(g.actual),
                    "target": _s(g.target),
                    "met": g.met,
                }
                for g in results.goals
            ],
            "company_goals": {
                "goal1": goals.goal1.met,
                "goal2": goals.goal2.met,
                "goal3": goals.goal3.met,
                "shortfall": _s(goals.shortfall),
                "surplus": _s(goals.surplus),
            },
            "lead_value_by_type": _by_type(results.lead_value_by_type),
            "revenue_by_month": [
                {"month": f"{m:%Y-%m}", "actual": _s(a), "target": _s(t)}
                for m, a, t in results.revenue_by_month
            ],
            "month_score": {**month_to_json(results.score), "close": closed},
            "closed_under": None
            if closed["version"] is None
            else {"number": pack.close.version_number, "hash": closed["version"]},
            "restatement": None
            if status.restatement is None
            else restatement_to_json(status.restatement),
        },
        "moves": None
        if moves is None
        else {
            "basis": moves.basis,
            "previous_label": moves.previous_label,
            "previous_as_of": moves.previous_as_of.isoformat(),
            "items": [
                {
                    "key": m.key,
                    "unit": m.unit,
                    "previous": _s(m.previous),
                    "current": _s(m.current),
                    "change": _s(m.change),
                    "better": m.better,
                }
                for m in moves.items
            ],
            "previous_by_type": _by_type(moves.previous_by_type),
            "current_by_type": _by_type(moves.current_by_type),
        },
        "follow_up": {
            "notified": pack.follow_up.notified,
            "counts": {s.value: n for s, n in pack.follow_up.counts.items()},
            "compliance": _s(pack.follow_up.compliance),
            "target": _s(pack.follow_up.target),
            "breaches": [
                {"owner": b.owner, "count": len(b.lead_ids), "lead_ids": list(b.lead_ids)}
                for b in pack.follow_up.breaches
            ],
        },
        "feedback": {
            "raised": [feedback_to_json(f) for f in pack.feedback.raised],
            "open": [feedback_to_json(f) for f in pack.feedback.waiting],
        },
        "escalation": {
            "level": escalation.level,
            "since": None if escalation.since is None else f"{escalation.since:%Y-%m}",
            "months_missed": escalation.months_missed,
            "actions": [
                {
                    "month": f"{a.month:%Y-%m}",
                    "level": a.level,
                    "seq": a.seq,
                    "text": a.text,
                    "owner": a.owner.value,
                    "due": a.due.isoformat(),
                }
                for a in escalation.actions
            ],
            "swat_reports_due": [w.week for w in escalation.reports_due],
        },
        "agenda": None
        if agenda is None
        else {
            "meeting_id": agenda.meeting_id,
            "name": agenda.name,
            "starts_at": _iso(agenda.starts_at),
            "ends_at": _iso(agenda.ends_at),
            "attendees": list(agenda.attendees),
            "items": list(agenda.items),
            "version": agenda.version,
        },
    }
