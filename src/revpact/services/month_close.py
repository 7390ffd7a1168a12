"""Month close: freezing a month's figures, reopening it, and the restatements that data arriving
later for a closed month would cause.

(Being built: until it is, no month is closed.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine

from revpact.domain.agreement import Agreement
from revpact.domain.scoreboard import MonthFacts

__all__ = ["closed_facts"]


def closed_facts(
    engine: Engine, agreement: Agreement, months: Sequence[date], *, as_of_us: int
) -> dict[date, MonthFacts]:
    """The frozen facts of those of ``months`` that were closed at ``as_of_us`` (by the latest
    close or reopen recorded at or before it), keyed by the month's first day."""
    del engine, agreement, months, as_of_us
    return {}
