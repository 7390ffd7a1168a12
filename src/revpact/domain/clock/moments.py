"""Moments people write: an ISO 8601 ``as_of`` read the one way every face reads it.

The rule, written once: a moment without a UTC offset is the agreement calendar's wall-clock
time (``2020-06-30T17:00`` in ``America/New_York`` is 21:00 UTC); with an offset it is that
instant. ``Z`` is UTC. In a URL's query string a ``+`` arrives as a space, so
``2020-06-30T12:00 05:00`` is read as ``+05:00``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from revpact.errors import MomentError

__all__ = ["in_zone", "read_moment"]


def in_zone(moment: datetime, zone: str) -> datetime:
    """``moment`` made aware: without an offset it is ``zone``'s wall-clock time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def read_moment(text: str, zone: str, *, field: str = "as_of") -> datetime:
    """``text`` (ISO 8601) as an aware moment; :class:`MomentError` naming ``field`` and the
    value when it is not one."""
    raw = text.strip()
    candidate = raw.replace(" ", "+") if "T" in raw else raw
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise MomentError(field, text) from None
    return in_zone(moment, zone)
