"""A month's facts (:class:`~revpact.domain.scoreboard.facts.MonthFacts`) as canonical JSON, read
back, hashed and compared figure by figure — what a month close stores and a restatement shows.

The codec is generic: it walks the dataclass's fields and their type hints, so a field added to
``MonthFacts`` (with a default) is stored by the next close, and a close stored before it was
added reads back with the default. Money and days stay exact (``Decimal`` as its text).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from revpact.domain.scoreboard.facts import MonthFacts

__all__ = [
    "FigureChange",
    "canonical",
    "changed_figures",
    "facts_from_json",
    "facts_hash",
    "facts_to_json",
]

_T = TypeVar("_T")


def _encode(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return _encode(value.value)
    if isinstance(value, Decimal | date):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    raise TypeError(f"cannot store a {type(value).__name__} of a month's facts ({value!r})")


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        _, of = typing.get_args(hint)
        return {str(k): _decode(of, v) for k, v in value.items()}
    if origin in (tuple, list):
        (of, *_) = typing.get_args(hint)
        return origin(_decode(of, v) for v in value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value)
    if hint is Decimal:
        return Decimal(value)
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    return value


def _build(cls: type[_T], data: Mapping[str, Any]) -> _T:
    """``cls`` from its encoded fields: unknown keys are ignored, missing ones take defaults."""
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs = {name: _decode(hints[name], value) for name, value in data.items() if name in known}
    return cls(**kwargs)


def facts_to_json(facts: MonthFacts) -> dict[str, Any]:
    """``facts`` as JSON-ready values (amounts as exact strings)."""
    encoded: dict[str, Any] = _encode(facts)
    return encoded


def facts_from_json(data: Mapping[str, Any]) -> MonthFacts:
    """The facts :func:`facts_to_json` wrote (by this or an earlier revpact)."""
    return _build(MonthFacts, data)


def canonical(data: object) -> str:
    """JSON with sorted keys and no whitespace: one text for one content."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def facts_hash(facts: MonthFacts) -> str:
    """SHA-256 (hex) of the canonical JSON of ``facts``."""
    return hashlib.sha256(canonical(facts_to_json(facts)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FigureChange:
    """One figure of a month's facts that changed: its name (``revenue``,
    ``leads_by_type.referral``, ``won_cycle.median_days``), and its old and new value as JSON
    (None: absent)."""

    name: str
    old: Any
    new: Any


def _flat(value: object, prefix: str = "") -> dict[str, object]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items: Mapping[str, object] = {
            f.name: getattr(value, f.name) for f in dataclasses.fields(value)
        }
    elif isinstance(value, Mapping):
        items = {str(k): v for k, v in value.items()}
    else:
        return {prefix: value}
    found: dict[str, object] = {}
    for name, item in items.items():
        found.update(_flat(item, f"{prefix}.{name}" if prefix else name))
    return found


def changed_figures(old: MonthFacts, new: MonthFacts) -> tuple[FigureChange, ...]:
    """Each figure that differs between ``old`` and ``new``, in field order. Values are compared
    as numbers, so ``100`` and ``100.00`` are the same amount."""
    before, after = _flat(old), _flat(new)
    names = [*before, *(name for name in after if name not in before)]
    return tuple(
        FigureChange(name, _encode(before.get(name)), _encode(after.get(name)))
        for name in names
        if before.get(name) != after.get(name)
    )
