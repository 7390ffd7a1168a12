"""From the text of an agreement file to an ``Agreement`` or the list of its problems.

Line numbers come from composing the YAML into nodes (which remember where they started) and
following each pydantic error's ``loc`` down the same nodes. The nodes are bounded by the
dialect (:mod:`.dialect`), and every walk below visits a node once, so reading takes time in
proportion to the file however its aliases and keys are arranged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from revpact.domain.agreement.model import Agreement
from revpact.ingest.agreement_file.dialect import AgreementLoader, FileProblem, shorten
from revpact.ingest.agreement_file.messages import kind_of, message

__all__ = ["read"]

MAX_SHOWN = 100
"""At most this many problems are listed; a file with more is far from an agreement."""

_Problem = tuple[int, Callable[[], str]]  # (line, its words) so problems sort by line


def read(text: str, source: str) -> tuple[list[str], Agreement | None]:
    """Every problem of ``text`` in line order, and the agreement when there is none."""
    try:
        loader = AgreementLoader(text)
    except yaml.YAMLError as exc:  # a character YAML does not allow (NUL, a lone surrogate)
        return [_syntax_problem(exc, text)], None
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except FileProblem as exc:
        return [str(exc)], None
    except yaml.YAMLError as exc:
        return [_syntax_problem(exc, text)], None
    finally:
        loader.dispose()
    if root is None:
        return [f"{source} is empty; it should hold the agreement as key: value lines"], None
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1
        return [
            f"line {line}: the top level should be key: value lines (title:, calendar:, ...), "
            f"not {kind_of(root)}"
        ], None
    problems: list[_Problem] = [
        (line, functools.partial(str, text)) for line, text in _duplicate_keys(root)
    ]
    agreement: Agreement | None = None
    try:
        agreement = Agreement.model_validate(data)
    except ValidationError as exc:
        keys = _Keys()
        problems.extend(_problem(error, root, keys) for error in exc.errors())
    return _worded(problems), (agreement if not problems else None)


def _worded(problems: list[_Problem]) -> list[str]:
    """The first ``MAX_SHOWN`` distinct problems in line order, and a last line saying more
    were found (wording each one costs more than finding it)."""
    problems.sort(key=lambda found: found[0])
    messages: dict[str, None] = {}
    for index, (line, words) in enumerate(problems):
        if len(messages) == MAX_SHOWN:
            rest = len(problems) - index
            messages[f"... and {rest:,} more after line {line - 1}; fix these first"] = None
            break
        messages.setdefault(words(), None)
    return list(messages)


def _syntax_problem(exc: yaml.YAMLError, text: str) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return f"line {line}: the character #x{exc.character:04x} is not allowed in YAML; remove it"
    if not isinstance(exc, yaml.MarkedYAMLError):
        return f"not valid YAML: {exc}"
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}: " if mark is not None else ""
    what = exc.problem or exc.context or "unreadable"
    hint = "; indent with spaces, not tabs" if "\\t" in what else ""
    return f"{where}not valid YAML: {what}{hint}"


def _path(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _name(key: yaml.Node) -> str:
    """A key as the path shows it (a key that is itself a list or mapping, in words)."""
    return shorten(str(key.value)) if isinstance(key, yaml.ScalarNode) else f"({kind_of(key)})"


def _duplicate_keys(root: yaml.Node) -> list[tuple[int, str]]:
    """Keys listed twice in one mapping; a node an alias repeats is checked once."""
    problems: list[tuple[int, str]] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, parts = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        children: list[tuple[yaml.Node, tuple[str | int, ...]]] = []
        if isinstance(node, yaml.MappingNode):
            first_line: dict[str, int] = {}
            for key, value in node.value:
                name = _name(key)
                line = key.start_mark.line + 1
                if name in first_line:
                    problems.append(
                        (
                            line,
                            f"{_path([*parts, name])} (line {line}): is listed twice "
                            f"(first on line {first_line[name]}); keep one",
                        )
                    )
                first_line.setdefault(name, line)
                children.append((value, (*parts, name)))
        elif isinstance(node, yaml.SequenceNode):
            children = [(item, (*parts, index)) for index, item in enumerate(node.value)]
        stack.extend(reversed(children))  # visited in the order they are written
    return problems


class _Keys:
    """The key and value nodes of each mapping by key name (the last one wins, as in YAML),
    built once per mapping however many errors point into it."""

    def __init__(self) -> None:
        self._index: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}

    def find(self, mapping: yaml.MappingNode, name: str) -> tuple[yaml.Node, yaml.Node] | None:
        index = self._index.get(id(mapping))
        if index is None:
            index = {
                str(k.value): (k, v) for k, v in mapping.value if isinstance(k, yaml.ScalarNode)
            }
            self._index[id(mapping)] = index
        return index.get(name)


def _locate(
    root: yaml.Node, loc: tuple[int | str, ...], keys: _Keys
) -> tuple[str, int, yaml.Node | None]:
    """The dotted path, line and node a pydantic ``loc`` points at.

    A key the file lacks takes the line of the mapping it belongs in; an index into a single
    value written without a list (``stage: early``) is dropped from the path.
    """
    node: yaml.Node | None = root
    line = root.start_mark.line + 1
    parts: list[str | int] = []
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(node, yaml.MappingNode):
            parts.append(shorten(str(part)))
            found = keys.find(node, str(part))
            node = None
            if found is not None:
                key, node = found
                line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            parts.append(part)
            node = node.value[part] if part < len(node.value) else None
            line = node.start_mark.line + 1 if node is not None else line
        elif isinstance(node, yaml.ScalarNode) and isinstance(part, int):
            continue
        else:
            parts.append(shorten(str(part)))
            node = None
    return _path(parts), line, node


def _problem(error: ErrorDetails, root: yaml.Node, keys: _Keys) -> _Problem:
    path, line, node = _locate(root, error["loc"], keys)
    return line, lambda: f"{path} (line {line}): {message(error, node)}"
