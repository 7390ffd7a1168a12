"""How often a failed alert is tried again: exponential backoff, capped, then given up."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_RETRY", "RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """After the n-th failed attempt the next one waits ``first_delay * 2**(n-1)`` seconds, at
    most ``max_delay``; after ``max_attempts`` failures the alert is given up.

    The defaults wait 30 s, 1 min, 2 min, 4 min, 8 min, 16 min and 30 min: eight attempts
    over about an hour.
    """

    first_delay_seconds: int = 30
    max_delay_seconds: int = 1800
    max_attempts: int = 8

    def __post_init__(self) -> None:
        if self.first_delay_seconds <= 0 or self.max_delay_seconds < self.first_delay_seconds:
            raise ValueError("delays must be positive, the first no longer than the longest")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def delay_after(self, attempts: int) -> int | None:
        """Seconds to wait after ``attempts`` failed attempts; None: give up."""
        if attempts >= self.max_attempts:
            return None
        doublings = min(max(attempts - 1, 0), 32)
        return min(self.first_delay_seconds << doublings, self.max_delay_seconds)

    def schedule(self) -> tuple[int, ...]:
        """Every wait between attempts, in order (``max_attempts - 1`` of them)."""
        return tuple(self.delay_after(n) or 0 for n in range(1, self.max_attempts))


DEFAULT_RETRY = RetryPolicy()
