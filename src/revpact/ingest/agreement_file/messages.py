"""What a pydantic error about the agreement says to the person who wrote the file.

Each message names the value as written (``"1 hour"``, ``a list``) and what to write instead;
an unknown key suggests the closest known one or lists the keys that fit there.
"""

from __future__ import annotations

import difflib
import re
import types
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic_core import ErrorDetails

from revpact.domain.agreement.model import Agreement
from revpact.ingest.agreement_file.dialect import shorten

__all__ = ["kind_of", "message"]


def kind_of(node: yaml.Node) -> str:
    """A node in plain words: ``a mapping``, ``a list``, its text in quotes, or ``nothing``."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f'"{shorten(str(node.value))}"' if node.value != "" else "nothing"


def _shown(error: ErrorDetails, node: yaml.Node | None) -> str:
    if node is not None:
        return kind_of(node)
    value = error.get("input")
    return "nothing" if value is None else f'"{shorten(str(value))}"'


def _choices(error: ErrorDetails) -> str:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    return ", ".join(re.findall(r"'([^']*)'", expected)) or expected


_TYPE_WORDS = {
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "dict_type": "expected key: value lines",
    "model_type": "expected key: value lines",
    "model_attributes_type": "expected key: value lines",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
}


def message(error: ErrorDetails, node: yaml.Node | None) -> str:
    """The words for ``error``, about the value ``node`` (None when the file lacks it)."""
    kind = error["type"]
    shown = _shown(error, node)
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return _unknown_key(error["loc"])
    if kind in ("enum", "literal_error"):
        return f"{shown} is not allowed here; write one of: {_choices(error)}"
    if kind.startswith("date_"):
        return f"{shown} is not a date; write it as 2020-06-30"
    if kind in _TYPE_WORDS:
        words = f"{_TYPE_WORDS[kind]}, got {shown}"
        if kind == "string_type" and isinstance(node, yaml.ScalarNode):
            words += f'; put it in quotes if you mean the text "{shorten(str(node.value))}"'
        return words
    return str(error["msg"])


def _unknown_key(loc: tuple[int | str, ...]) -> str:
    key = shorten(str(loc[-1]))
    known = _keys_at(loc[:-1])
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f'unknown key "{key}"; did you mean "{close[0]}"?'
    if known:
        return f'unknown key "{key}"; the keys here are: {", ".join(known)}'
    return f'unknown key "{key}"'


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` -> ``X``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _keys_at(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the agreement model accepts at ``loc`` (empty when it is not a model)."""
    annotation: Any = Agreement
    for part in loc:
        annotation = _unwrap(annotation)
        origin, args = get_origin(annotation), get_args(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = {field.alias or name: field for name, field in annotation.model_fields.items()}
            if part not in fields:
                return []
            annotation = fields[str(part)].annotation
        elif origin in (tuple, list) and isinstance(part, int):
            annotation = args[0]
        elif origin is dict:
            annotation = args[1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [field.alias or name for name, field in annotation.model_fields.items()]
    return []
