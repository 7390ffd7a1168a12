"""The pieces every public shape shares: the base model and how money, ratios and moments are
written in JSON (exact decimal strings, ISO 8601 with the offset)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer

__all__ = ["Day", "Exact", "Moment", "Public", "month_key"]


class Public(BaseModel):
    """A value as revpact sends it: immutable, and nothing beyond its declared fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _exact(value: Decimal) -> str:
    return str(value)


def _iso(value: datetime) -> str:
    return value.isoformat()


def _day(value: date) -> str:
    return value.isoformat()


Exact = Annotated[Decimal, PlainSerializer(_exact, return_type=str, when_used="json")]
"""Money, ratios and other exact figures: the Decimal's own string (``"1250000.00"``)."""

Moment = Annotated[datetime, PlainSerializer(_iso, return_type=str, when_used="json")]
"""A moment as ISO 8601 with its offset, exactly as ``datetime.isoformat`` writes it."""

Day = Annotated[date, PlainSerializer(_day, return_type=str, when_used="json")]
"""A calendar day as ``YYYY-MM-DD``."""


def month_key(first: date) -> str:
    """A month as revpact names it in JSON: ``YYYY-MM`` (``first`` is any day of it)."""
    return f"{first:%Y-%m}"
