"""The audit trail: ``/dashboard/audit``, every write revpact recorded.

From :mod:`revpact.services.audit`: who made it, what it did to what, the time it claims and
when it was recorded — late entries marked — newest first. ``?since=`` (ISO 8601; no offset:
the calendar's zone) shows the writes recorded from then on, ``?action=`` those whose action
starts with it. Readable by the roles granted ``read_audit``; the page only reads: the trail is
append-only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from revpact.domain.clock.moments import read_moment
from revpact.domain.roles import Permission
from revpact.errors import MomentError
from revpact.server.web.site import Page, PageRequest, page
from revpact.services.audit import audit_trail
from revpact.services.public.audit import AuditEntryPublic

__all__ = ["audit"]

SHOWN: Final = 1000
"""At most this many writes on the page (the newest); ``--json`` on the CLI lists them all."""


def _since(value: str | None, zone: str) -> tuple[datetime | None, str | None]:
    """``?since=`` read by the one rule (:func:`read_moment`), and the value when it is not a
    moment."""
    if not value or not value.strip():
        return None, None
    text = value.strip()
    try:
        return read_moment(text, zone, field="since"), None
    except MomentError:
        return None, text


@page("audit", permission=Permission.READ_AUDIT)
def audit(req: PageRequest) -> Page:
    """Every write, newest first."""
    zone = req.agreement.calendar.timezone
    since, invalid = _since(req.query.get("since"), zone)
    action = (req.query.get("action") or "").strip() or None
    entries = audit_trail(req.state.engine, since=since, action=action)
    shown = entries[::-1][:SHOWN]
    data: dict[str, Any] = {
        "since": None if since is None else since.isoformat(),
        "action": action,
        "total": len(entries),
        "late": sum(1 for e in entries if e.late),
        "entries": [AuditEntryPublic.of(e).model_dump(mode="json") for e in shown],
    }
    if invalid is not None:
        data["invalid_since"] = invalid
    return Page(
        title=req.labels.text("audit.title"),
        template="audit.html.j2",
        data=data,
        context={"zone": zone, "shown": shown},
    )
