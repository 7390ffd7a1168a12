"""The field types of request bodies: revpact's text and moment rules as pydantic types.

Each holds a field to the one rule of its kind (:mod:`revpact.domain.text_values`: no NUL,
no lone surrogate, a length per kind; :mod:`revpact.domain.clock.moments`: years 1970 to
2199), so a bad value is refused with 422 naming the field's path and the value (see
:mod:`revpact.server.errors`) before a route sees it — never a 500 from the database or the
calendar.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from revpact.domain.clock.moments import moment_problem
from revpact.domain.text_values import MAX_ID, MAX_NAME, MAX_TEXT, MAX_VALUE, text_problem

__all__ = [
    "AwareMoment",
    "IdText",
    "IsoMoment",
    "NameText",
    "SafeMoment",
    "SafeText",
    "ValueText",
    "safe_text",
]


def safe_text(limit: int) -> Callable[[str], str]:
    """A validator holding a text to :func:`~revpact.domain.text_values.text_problem`."""

    def check(value: str) -> str:
        problem = text_problem(value, limit)
        if problem is not None:
            raise PydanticCustomError("text", problem)
        return value

    return check


_DATED: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ]")


def _written_as_a_moment(value: object) -> object:
    """A body's moment is ISO 8601 text: a number (or a number in a string) is not read as
    seconds since 1970, as pydantic's lax mode would."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or _DATED.match(value) is None:
        raise PydanticCustomError(
            "moment_text", "is not an ISO 8601 moment (YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])"
        )
    return value


def _in_range(moment: datetime) -> datetime:
    problem = moment_problem(moment)
    if problem is not None:
        raise PydanticCustomError("moment", problem)
    return moment


IdText = Annotated[str, Field(min_length=1, max_length=MAX_ID), AfterValidator(safe_text(MAX_ID))]
"""An id (a lead's, a deal's): 1 to 256 characters."""
NameText = Annotated[
    str, Field(min_length=1, max_length=MAX_NAME), AfterValidator(safe_text(MAX_NAME))
]
"""A name (an owner, a stage, a lead type, an e-mail): 1 to 320 characters."""
ValueText = Annotated[str, Field(max_length=MAX_VALUE), AfterValidator(safe_text(MAX_VALUE))]
"""An attribute's value: at most 2,000 characters."""
SafeText = Annotated[
    str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(safe_text(MAX_TEXT))
]
"""Free text (feedback, a reason): 1 to 10,000 characters."""
SafeMoment = Annotated[
    AwareDatetime, BeforeValidator(_written_as_a_moment), AfterValidator(_in_range)
]
"""An ISO 8601 moment with an offset, from 1970 to 2199."""
AwareMoment = Annotated[AwareDatetime, BeforeValidator(_written_as_a_moment)]
"""An ISO 8601 moment with an offset, held to a narrower window by the route (the agreement's
period), which names it."""
IsoMoment = Annotated[datetime, BeforeValidator(_written_as_a_moment)]
"""An ISO 8601 moment, with or without an offset (the route says how a local time is read)."""
