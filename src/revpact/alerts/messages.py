"""The text of an alert: which lead, whose, and how much time is left or overdue.

Plain text, two lines; the first is the headline (a Slack notification's preview, an e-mail's
subject). Durations are business time, shown to the minute; the due time is shown on the
agreement's calendar, in its zone::

    At risk: lead A8 (referral), owner ben, 10m of business time left
    Follow up by Mon 9 Mar 2020 09:40 EDT (America/New_York).

    Breached: lead A8 (referral), owner ben, 5m of business time overdue
    It was due Mon 9 Mar 2020 09:40 EDT (America/New_York); follow up now.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from revpact.alerts.base import AlertKind
from revpact.domain.clock.calendar import from_us
from revpact.domain.clock.durations import format_duration

__all__ = ["AlertSubject", "alert_text", "local_time"]


@dataclass(frozen=True)
class AlertSubject:
    """The lead an alert is about."""

    lead_id: str
    lead_type: str
    owner: str | None
    due_us: int


def alert_text(kind: AlertKind, lead: AlertSubject, *, seconds: int, timezone: str) -> str:
    """The alert's text; ``seconds`` of business time left (at risk) or overdue (breach)."""
    who = f"lead {lead.lead_id} ({lead.lead_type}), " + (
        f"owner {lead.owner}" if lead.owner else "no owner"
    )
    due = f"{local_time(lead.due_us, timezone)} ({timezone})"
    amount = _minutes(seconds)
    match kind:
        case AlertKind.AT_RISK:
            return f"At risk: {who}, {amount} of business time left\nFollow up by {due}."
        case AlertKind.BREACH:
            return (
                f"Breached: {who}, {amount} of business time overdue\n"
                f"It was due {due}; follow up now."
            )


def local_time(us: int, timezone: str) -> str:
    """An instant as people on the calendar read it: ``Mon 9 Mar 2020 09:40 EDT``."""
    local = from_us(us).astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b %Y %H:%M %Z}"


def _minutes(seconds: int) -> str:
    if seconds < 60:
        return "less than 1m"
    return format_duration(seconds // 60 * 60)
