"""The one clock: every face asks a :class:`Clock` for ``now`` and passes it down as an argument.

The server holds one on its state, the CLI one for the whole invocation; tests pass a
:class:`FixedClock`. Below the services nothing asks for the time: ``now``/``as_of`` are
arguments (see :mod:`revpact.domain.clock.moments` for reading an ``as_of`` a user typed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from revpact.domain.clock.calendar import to_us

__all__ = ["SYSTEM_CLOCK", "Clock", "FixedClock", "SystemClock", "now_or_system", "recorded_at_us"]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, aware (UTC)."""
        ...


@dataclass(frozen=True)
class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock:
    """A clock that always reads ``at`` (aware): for tests and reproducible runs."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"a fixed clock needs an aware moment, not {self.at.isoformat()}")

    def now(self) -> datetime:
        return self.at


SYSTEM_CLOCK: Clock = SystemClock()


def now_or_system(now: datetime | None) -> datetime:
    """``now`` as the caller's clock gave it, else the system clock's (a service called
    without a moment records when it ran)."""
    return SYSTEM_CLOCK.now() if now is None else now


def recorded_at_us(now: datetime | None) -> int:
    """When revpact records a write, in microseconds: ``now`` as given, else the system clock."""
    return to_us(now_or_system(now))
