"""Every error revpact raises on purpose, in one tree.

    RevpactError                  base: a message a user can act on
    ├── AgreementError            the agreement file is missing, unreadable or invalid
    │                             (``.problems``: each names the field path and the line)
    ├── CalendarError             the business calendar cannot answer (e.g. no business hours)
    ├── InputError                a data file is bad (``.problems``: file, row, column, value)
    ├── MomentError               a moment (``as_of``, ``--at``) is not ISO 8601, or lies
    │                             outside the years revpact accepts (``.field``, ``.value``)
    ├── NotFoundError             no such version, feedback item, meeting or dispute
    ├── RefusedError              the agreement's rules forbid it (signing for someone else,
    │                             an old version, deciding off the panel, editing a record)
    └── StoreError                the database cannot be opened or migrated
        └── BusyError             another writer held the database too long (the API
                                  answers 503 with Retry-After)

The CLI prints ``str(error)`` and exits with status 1 (2 for usage errors); nothing else
is caught, so a bug still shows its traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AgreementError",
    "BusyError",
    "CalendarError",
    "InputError",
    "MomentError",
    "NotFoundError",
    "RefusedError",
    "RevpactError",
    "StoreError",
]


class RevpactError(Exception):
    """Base of every error meant for the user."""


class _ProblemsError(RevpactError):
    """An error with a list of problems, each shown on a line of its own."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        super().__init__("\n".join([message, *(f"  - {p}" for p in self.problems)]))


class AgreementError(_ProblemsError):
    """The agreement file is missing, unreadable or does not validate."""


class CalendarError(RevpactError):
    """The business calendar cannot answer the question asked."""


class InputError(_ProblemsError):
    """A data file is bad; nothing from it was stored."""


class MomentError(RevpactError):
    """A moment a user wrote is not an ISO 8601 date and time."""

    def __init__(self, field: str, value: str, problem: str | None = None) -> None:
        self.field = field
        self.value = value
        super().__init__(
            f'{field} "{value}" '
            + (
                problem
                or "is not an ISO 8601 moment; write e.g. 2020-06-30T17:00-04:00 "
                "(without an offset it is the calendar's wall-clock time)"
            )
        )


class NotFoundError(RevpactError):
    """What was asked for does not exist (the API answers 404)."""


class RefusedError(RevpactError):
    """The agreement's rules forbid the action; nothing was stored (the API answers 409)."""


class StoreError(RevpactError):
    """The database cannot be opened or migrated."""


class BusyError(StoreError):
    """Another writer held the database longer than this one may wait; nothing was written.

    ``retry_after`` is how many seconds to wait before trying again (the API sends it as
    ``Retry-After`` with 503)."""

    def __init__(self, message: str, retry_after: int = 2) -> None:
        self.retry_after = retry_after
        super().__init__(message)
