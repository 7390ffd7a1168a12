"""Mapping files: a user's changes to an export format's rules, in YAML.

::

    leads:                          # or deals:, with the deal fields
      lead_type:                    # a canonical field
        columns: [Original Source, hs_analytics_source]   # replaces the format's columns
        values: {AI_REFERRALS: internet_sales_ready}      # added to (or replacing) its map
        otherwise: reject           # keep | reject | a canonical value, for unlisted values
        default: content            # when no column is present or every one is empty
        pick: first                 # first | earliest (time fields only)
        split: ";"                  # a list in one field: take its first item
      ignore: [Email, Phone Number] # source columns not kept as lead attributes
    deals:
      closed_flag: [IsClosed]       # yes/no columns that decide the outcome when present
      won_flag: [IsWon]
    dates:
      day_first: true               # 02/03/2020 is 2 March
    amounts:
      decimal_separator: ","        # 12,500 is twelve and a half

Every value is read as text (``yes`` stays ``yes``); problems name the file and the key.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from revpact.errors import InputError
from revpact.ingest.deals import DEAL_COLUMNS, Outcome
from revpact.ingest.formats.spec import (
    KEEP,
    REJECT,
    TIME_FIELDS,
    ExportFormat,
    FieldRule,
    RecordSpec,
    normalise,
)
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS, parse_flag

__all__ = ["apply_mapping", "load_mapping"]

_FIELD_KEYS: Final = ("columns", "values", "otherwise", "default", "pick", "split")
_LIST_KEYS: Final = {"leads": ("ignore",), "deals": ("closed_flag", "won_flag")}
_FIELDS: Final = {"leads": CANONICAL_COLUMNS, "deals": DEAL_COLUMNS}
_TOP: Final = ("leads", "deals", "dates", "amounts")


class _TextLoader(yaml.SafeLoader):
    """YAML with every scalar as text: no booleans, numbers or dates guessed."""


_TextLoader.yaml_implicit_resolvers = {}


def load_mapping(path: str | os.PathLike[str]) -> Mapping[str, Any]:
    """The mapping file's YAML (every scalar a string); :class:`InputError` when unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the mapping file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: the mapping file is not UTF-8 text") from None
    try:
        data = yaml.load(text, Loader=_TextLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(f"{path}: the mapping file is not valid YAML{where}") from None
    if data in (None, ""):
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: the mapping file must be a mapping with {', '.join(_TOP)}")
    return data


def apply_mapping(
    fmt: ExportFormat, path: str | os.PathLike[str], *, lead_types: Collection[str] = ()
) -> ExportFormat:
    """``fmt`` with the mapping file at ``path`` applied; every problem found is raised at
    once, each naming its key."""
    data = load_mapping(path)
    checker = _Checker(lead_types)
    for key in data:
        if key not in _TOP:
            checker.problem(str(key), f"is not a key of a mapping file; use {', '.join(_TOP)}")
    leads = checker.record("leads", data.get("leads"), fmt.leads)
    deals = checker.record("deals", data.get("deals"), fmt.deals)
    day_first = checker.day_first(data.get("dates"), fmt.day_first)
    decimal = checker.decimal(data.get("amounts"), fmt.decimal_separator)
    if checker.problems:
        raise InputError(f"{path}: the mapping file is not usable", checker.problems)
    return dataclasses.replace(
        fmt, leads=leads, deals=deals, day_first=day_first, decimal_separator=decimal
    )


class _Checker:
    def __init__(self, lead_types: Collection[str]) -> None:
        self.problems: list[str] = []
        self._lead_types = frozenset(lead_types)

    def problem(self, key: str, text: str) -> None:
        self.problems.append(f"{key}: {text}")

    def record(self, kind: str, data: object, base: RecordSpec) -> RecordSpec:
        if data is None:
            return base
        if not isinstance(data, dict):
            self.problem(kind, "must be a mapping of canonical fields")
            return base
        fields = dict(base.fields)
        lists: dict[str, tuple[str, ...]] = {}
        for key, value in data.items():
            where = f"{kind}.{key}"
            if key in _LIST_KEYS[kind]:
                lists[key] = self.names(where, value)
            elif key in _FIELDS[kind]:
                fields[key] = self.field(kind, key, value, fields.get(key, FieldRule()))
            else:
                known = ", ".join((*_FIELDS[kind], *_LIST_KEYS[kind]))
                self.problem(where, f"is not a {kind[:-1]} field; use one of {known}")
        return dataclasses.replace(base, fields=fields, **lists)

    def field(self, kind: str, name: str, data: object, base: FieldRule) -> FieldRule:
        where = f"{kind}.{name}"
        if not isinstance(data, dict):
            self.problem(where, f"must be a mapping with some of {', '.join(_FIELD_KEYS)}")
            return base
        changes: dict[str, Any] = {}
        for key, value in data.items():
            at = f"{where}.{key}"
            if key == "columns":
                changes["columns"] = self.names(at, value)
            elif key == "values":
                changes["values"] = self.values(kind, name, at, value, base.values)
            elif key in ("otherwise", "default", "split"):
                if not isinstance(value, str):
                    self.problem(at, "must be a single value")
                    continue
                if (key == "otherwise" and value not in (KEEP, REJECT)) or (
                    key == "default" and value
                ):
                    self.canonical_value(kind, name, at, value)
                changes[key] = value
            elif key == "pick":
                if value not in ("first", "earliest"):
                    self.problem(at, f"{value!r} is not first or earliest")
                elif value == "earliest" and name not in TIME_FIELDS:
                    self.problem(at, "earliest is for time fields only")
                else:
                    changes["pick"] = value
            else:
                self.problem(at, f"is not a field rule key; use one of {', '.join(_FIELD_KEYS)}")
        return dataclasses.replace(base, **changes)

    def names(self, where: str, data: object) -> tuple[str, ...]:
        items = [data] if isinstance(data, str) else data
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            self.problem(where, "must be a column name or a list of column names")
            return ()
        return tuple(items)

    def values(
        self, kind: str, name: str, where: str, data: object, base: Mapping[str, str]
    ) -> dict[str, str]:
        if not isinstance(data, dict):
            self.problem(where, "must map source values to canonical values")
            return dict(base)
        given: dict[str, str] = {}
        for source, target in data.items():
            if not isinstance(target, str):
                self.problem(f"{where}.{source}", "must be a single value")
                continue
            self.canonical_value(kind, name, f"{where}.{source}", target)
            given[str(source)] = target
        replaced = {normalise(key) for key in given}
        return {**{k: v for k, v in base.items() if normalise(k) not in replaced}, **given}

    def canonical_value(self, kind: str, name: str, where: str, value: str) -> None:
        if name == "lead_type" and self._lead_types and value not in self._lead_types:
            allowed = ", ".join(sorted(self._lead_types))
            self.problem(where, f"{value!r} is not a lead type of the agreement; use {allowed}")
        elif name == "outcome" and value not in {o.value for o in Outcome}:
            self.problem(where, f"{value!r} is not an outcome; use open, won or lost")
        elif name == "requested_follow_up" and parse_flag(value) is None:
            self.problem(where, f"{value!r} is not a yes/no value; use true or false")

    def day_first(self, data: object, base: bool) -> bool:
        if data is None:
            return base
        if not isinstance(data, dict) or set(data) - {"day_first"}:
            self.problem("dates", "must be a mapping with day_first: true or false")
            return base
        if "day_first" not in data:
            return base
        flag = parse_flag(data["day_first"]) if isinstance(data["day_first"], str) else None
        if flag is None:
            self.problem("dates.day_first", "must be true or false")
            return base
        return flag

    def decimal(self, data: object, base: str | None) -> str | None:
        if data is None:
            return base
        if not isinstance(data, dict) or set(data) - {"decimal_separator"}:
            self.problem("amounts", 'must be a mapping with decimal_separator: "," or "."')
            return base
        value = data.get("decimal_separator", base)
        if value not in (",", ".", None):
            self.problem("amounts.decimal_separator", f'{value!r} is not "," or "."')
            return base
        return value if isinstance(value, str) else None
