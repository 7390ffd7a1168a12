"""The YAML an agreement is written in, read within bounds.

The dialect is PyYAML's safe YAML 1.1 with two changes that matter for an agreement: numbers
with a decimal point become ``Decimal`` (money is never a float), and ``10:00`` stays text
instead of becoming the base-60 number 600.

The bounds keep a hostile or broken file from hanging or crashing whoever reads it (the CLI or
a running server): aliases are counted at the size of what they repeat, so a "billion laughs"
file (aliases of aliases of aliases) is refused as soon as its expanded size passes
``MAX_VALUES``; collections may nest at most ``MAX_DEPTH`` deep (deeper would also exhaust
Python's recursion); and a value a constructor cannot build (``!!int abc``, a whole number of
5,000 digits) is reported at its line instead of escaping as a Python error.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

__all__ = ["MAX_DEPTH", "MAX_VALUES", "AgreementLoader", "FileProblem"]

MAX_DEPTH = 64
"""Collections (mappings and lists) nest at most this deep; an agreement needs about 6."""

MAX_VALUES = 20_000
"""Values (keys, texts, numbers, mappings, lists) in the file with every alias expanded; the
example agreement has about 570."""

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_KINDS = {
    _INT: "a whole number",
    _FLOAT: "a number",
    _TIMESTAMP: "a date",
    "tag:yaml.org,2002:bool": "true or false",
}


class FileProblem(Exception):
    """The file cannot be read as an agreement at all: what is wrong, at which line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters (with an ellipsis), for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AgreementLoader(yaml.SafeLoader):
    """Safe YAML; decimals as ``Decimal``; no base-60 numbers; bounded depth and aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            anchored = self.anchors.get(event.anchor) if event.anchor is not None else None
            if anchored is not None:
                if id(anchored) not in self._sizes:
                    raise FileProblem(
                        line,
                        f"the alias *{event.anchor} is inside the value &{event.anchor} it "
                        "repeats; a value cannot contain itself",
                    )
                self._count(self._sizes[id(anchored)], line, f"the alias *{event.anchor}")
            return super().compose_node(parent, index)
        if isinstance(event, yaml.CollectionStartEvent) and self._depth >= MAX_DEPTH:
            raise FileProblem(
                line,
                f"the values nest more than {MAX_DEPTH} levels deep; an agreement needs a "
                "handful — check the indentation and the brackets",
            )
        self._depth += 1
        before = self._values
        self._count(1, line, "")
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if event.anchor is not None:
            self._sizes[id(node)] = self._values - before
        return node

    def _count(self, values: int, line: int, alias: str) -> None:
        """Add ``values`` to the file's expanded size; refuse it past ``MAX_VALUES``."""
        self._values += values
        if self._values <= MAX_VALUES:
            return
        if alias:
            raise FileProblem(
                line,
                f"{alias} makes the file hold more than {MAX_VALUES:,} values once aliases are "
                "expanded; write the values out instead of repeating aliases of aliases",
            )
        raise FileProblem(
            line,
            f"the file holds more than {MAX_VALUES:,} values (keys, texts, numbers, lists) "
            "by this line; an agreement needs far fewer",
        )

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError):
            kind = _KINDS.get(node.tag, node.tag)
            shown = f'"{shorten(str(node.value))}"' if isinstance(node, yaml.ScalarNode) else ""
            raise FileProblem(
                node.start_mark.line + 1, f"{shown or 'this value'} cannot be read as {kind}"
            ) from None


AgreementLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
AgreementLoader.add_implicit_resolver(
    _INT, re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
AgreementLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$"
        r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
    ),
    list("-+0123456789."),
)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    text = str(loader.construct_scalar(node)).replace("_", "").lower()
    if text.endswith("inf"):
        return Decimal("-Infinity" if text.startswith("-") else "Infinity")
    if text.endswith("nan"):
        return Decimal("NaN")
    try:
        return Decimal(text)
    except InvalidOperation:  # e.g. "._": let validation name the field
        return str(node.value)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):  # e.g. 2020-02-30: let validation name the field
        return loader.construct_scalar(node)


AgreementLoader.add_constructor(_FLOAT, _construct_decimal)
AgreementLoader.add_constructor(_TIMESTAMP, _construct_timestamp)
