"""The one clock: every face asks a :class:`Clock` for ``now`` and passes it down as an argument.

The server holds one on its state, the CLI one for the whole invocation; tests pass a
:class:`FixedClock`. Below the services nothing asks for the time: ``now``/``as_of`` are
arguments (see :mod:`revpact.domain.clock.moments` for reading an ``as_of`` a user typed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["SYSTEM_CLOCK", "Clock", "FixedClock", "SystemClock"]


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
