"""The claimed times a write may carry: the same window imports and webhook events use
(:class:`revpact.ingest.timestamps.TimeWindow`, the agreement's period widened by a year on
each side). A time outside it — the year 514, or 1999 — is a typo, refused before anything is
stored."""

from __future__ import annotations

from datetime import datetime

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.clock.moments import moment_problem
from revpact.errors import InputError
from revpact.ingest.timestamps import TimeWindow

__all__ = ["check_claimed"]


def check_claimed(agreement: Agreement, moment: datetime, field: str) -> None:
    """Refuse ``moment`` (the value of ``field``) more than a year outside ``agreement``'s
    period with an :class:`InputError` naming the field, the value and the times allowed."""
    window = TimeWindow.of(agreement)
    if moment_problem(moment) is not None or not window.holds(to_us(moment)):
        raise InputError(f"{field}: {window.problem(moment.isoformat())}; nothing was stored", ())
