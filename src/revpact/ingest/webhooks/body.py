"""A webhook body before its events are read: its JSON, its bounds, the event types it may
name, and pydantic's errors as problem lines.

:func:`load_json_body` refuses, before any event is validated, an array of more than
:data:`MAX_EVENTS` items or with items that are not objects, so a body of a million numbers
is refused as fast as it is read; :func:`validate_in_slices` validates the events a slice at
a time and stops after the slice where the 50th problem is found, instead of building an
error for every field of every event of a bad body.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, Final, TypeVar

from pydantic import TypeAdapter, ValidationError

from revpact.domain.text_values import escaped
from revpact.domain.text_values import shown as _show
from revpact.errors import InputError

__all__ = [
    "MAX_EVENTS",
    "EventType",
    "EventsError",
    "format_errors",
    "kind_of",
    "load_json_body",
    "validate_in_slices",
]

_PROBLEMS_SHOWN: Final = 50
_SLICE: Final = 500  # events validated at a time: a bad body stops after the slice with the
# 50th problem, instead of building an error for every field of every event

MAX_EVENTS: Final = 50_000
"""The most events one request may carry (a body is also at most 10 MiB)."""


class EventType(StrEnum):
    LEAD_NOTIFIED = "lead.notified"
    LEAD_TOUCHED = "lead.touched"
    LEAD_UPDATED = "lead.updated"
    DEAL_UPDATED = "deal.updated"


class EventsError(InputError):
    """A webhook body that cannot be used; ``problems`` name the event, field and value."""


def load_json_body(body: bytes) -> tuple[Any, bool]:
    """The JSON of ``body`` and whether it was a single object (not an array).

    An array is checked before anything else looks at it: at most :data:`MAX_EVENTS` items,
    each an object (:class:`EventsError` naming the first ones that are not)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise EventsError("the body is not JSON", ["body: not UTF-8 text"]) from None
    except json.JSONDecodeError as exc:
        raise EventsError("the body is not JSON", [f"body: {exc.msg}"]) from None
    except RecursionError:
        raise EventsError("the body is not JSON", ["body: nested too deeply"]) from None
    if isinstance(data, list):
        _check_items(data)
    return data, isinstance(data, dict)


def _check_items(items: list[Any]) -> None:
    if len(items) > MAX_EVENTS:
        raise EventsError(
            f"the body holds {len(items)} events; send at most {MAX_EVENTS} per request",
            [f"events: {len(items)} items, more than {MAX_EVENTS}"],
        )
    wrong = [i for i, item in enumerate(items) if not isinstance(item, dict)]
    if wrong:
        problems = [
            f"events[{i}]: must be an event object, not {kind_of(items[i])} ({_show(items[i])})"
            for i in wrong[:_PROBLEMS_SHOWN]
        ]
        if len(wrong) > _PROBLEMS_SHOWN:
            problems.append(f"and {len(wrong) - _PROBLEMS_SHOWN} more")
        raise EventsError("the events are not valid; nothing was stored", problems)


_Item = TypeVar("_Item")


def validate_in_slices(
    adapter: TypeAdapter[list[_Item]],
    items: list[Any],
    prefix: str,
    single: bool,
    message: str,
) -> list[_Item]:
    """``items`` validated by ``adapter`` a slice at a time; :class:`EventsError` with
    ``message`` and the first problems (see :func:`format_errors`) when any is bad. The
    slices after the one where the problems shown run out are not checked (the last line
    says from which event on)."""
    wired: list[_Item] = []
    problems: list[str] = []
    hidden = 0
    unchecked = ""
    for start in range(0, len(items), _SLICE):
        if len(problems) >= _PROBLEMS_SHOWN:
            unchecked = f"; {prefix}[{start}] and after were not checked"
            break
        try:
            wired += adapter.validate_python(items[start : start + _SLICE])
        except ValidationError as exc:
            room = _PROBLEMS_SHOWN - len(problems)
            problems += _error_lines(exc, prefix, single, start, room)
            hidden += max(exc.error_count() - room, 0)
    if not problems:
        return wired
    if hidden or unchecked:
        problems.append(f"and {hidden} more{unchecked}")
    raise EventsError(message, problems)


def format_errors(exc: ValidationError, prefix: str, single: bool) -> list[str]:
    """pydantic's errors as ``events[i].field.path: what is wrong (got value)``: the first
    50, then how many more."""
    found = _error_lines(exc, prefix, single, 0, _PROBLEMS_SHOWN)
    if exc.error_count() > len(found):
        found.append(f"and {exc.error_count() - len(found)} more")
    return found


def _error_lines(
    exc: ValidationError, prefix: str, single: bool, offset: int, limit: int
) -> list[str]:
    found: list[str] = []
    for error in exc.errors(include_url=False)[:limit]:
        loc = list(error["loc"])
        path = prefix
        first = loc[0] if loc else None
        if isinstance(first, int):
            loc.pop(0)
            if not single:
                path += f"[{first + offset}]"
        if loc and isinstance(loc[0], str) and "." in loc[0]:
            loc.pop(0)  # the discriminator's value (e.g. "lead.touched"), not a field
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            path += ".type"
        found.append(escaped(f"{path}: {_message(error)}"))
    return found


def _message(error: Any) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return f"is not a field here (value {_show(value)}); remove it"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        known = ", ".join(t.value for t in EventType)
        got = "" if kind == "union_tag_not_found" else f"{_show(_tag(value))} "
        return f"{got}is not an event type; write one of {known}".replace("  ", " ")
    message = str(error["msg"])
    if kind in ("instant", "amount"):
        return f"{_show(value)} {message}"
    return f"{message} (got {_show(value)})"


def _tag(value: Any) -> Any:
    return value.get("type") if isinstance(value, dict) else value


def kind_of(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "text", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )
