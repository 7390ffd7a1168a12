"""Reading ``revpact.yaml``: YAML in, an :class:`~revpact.domain.agreement.model.Agreement` out.

Every problem is reported at once, each as ``dotted.path (line N): what is wrong and what to
write``. Line numbers come from composing the YAML into nodes (which remember where they
started) and following each pydantic error's ``loc`` down the same nodes.

The YAML dialect is PyYAML's safe YAML 1.1 with two changes that matter for an agreement:
numbers with a decimal point become ``Decimal`` (money is never a float), and ``10:00`` stays
text instead of becoming the base-60 number 600.
"""

from __future__ import annotations

import difflib
import re
import types
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from revpact.domain.agreement.model import Agreement
from revpact.errors import AgreementError

__all__ = [
    "TEMPLATE_LANGUAGES",
    "company_a_template",
    "load_agreement",
    "parse_agreement",
    "validation_problems",
]

TEMPLATE_LANGUAGES: tuple[str, ...] = ("en", "pl")

# --- the YAML dialect ---------------------------------------------------------------------------

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """Safe YAML; decimals as ``Decimal``; no base-60 numbers; a bad date stays text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$"
        r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
    ),
    list("-+0123456789."),
)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "").lower()
    if text.endswith("inf"):
        return Decimal("-Infinity" if text.startswith("-") else "Infinity")
    return Decimal("NaN") if text.endswith("nan") else Decimal(text)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:  # e.g. 2020-02-30: let validation name the field
        return loader.construct_scalar(node)


_Loader.add_constructor(_FLOAT, _construct_decimal)
_Loader.add_constructor(_TIMESTAMP, _construct_timestamp)


# --- public API ---------------------------------------------------------------------------------


def parse_agreement(text: str, source: str = "revpact.yaml") -> Agreement:
    """The agreement in ``text``; raises ``AgreementError`` listing every problem."""
    problems, agreement = _read(text, source)
    if agreement is None:
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        raise AgreementError(f"{source} is not a valid agreement ({count})", problems)
    return agreement


def load_agreement(path: str | Path) -> Agreement:
    """The agreement in the file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AgreementError(f"{path}: there is no agreement file here") from None
    except UnicodeDecodeError:
        raise AgreementError(f"{path}: cannot be read as UTF-8 text") from None
    except OSError as exc:
        raise AgreementError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_agreement(text, source=str(path))


def validation_problems(text: str, source: str = "revpact.yaml") -> list[str]:
    """Every problem of the agreement in ``text``, in line order; empty when it is valid."""
    return _read(text, source)[0]


def company_a_template(lang: Literal["en", "pl"]) -> str:
    """The text of the Company A example agreement in English or Polish."""
    if lang not in TEMPLATE_LANGUAGES:
        raise ValueError(f'no template in "{lang}"; choose one of: {", ".join(TEMPLATE_LANGUAGES)}')
    template = resources.files("revpact.ingest") / "templates" / f"company-a.{lang}.yaml"
    return template.read_text(encoding="utf-8")


# --- reading ------------------------------------------------------------------------------------

_Problem = tuple[int, str]  # (line, message) so problems can be listed in line order


def _read(text: str, source: str) -> tuple[list[str], Agreement | None]:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        return [_syntax_problem(exc)], None
    finally:
        loader.dispose()
    if root is None:
        return [f"{source} is empty; it should hold the agreement as key: value lines"], None
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1
        return [
            f"line {line}: the top level should be key: value lines (title:, calendar:, ...), "
            f"not {_kind(root)}"
        ], None
    problems = _duplicate_keys(root, ())
    agreement: Agreement | None = None
    try:
        agreement = Agreement.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problem(error, root) for error in exc.errors())
    problems.sort(key=lambda found: found[0])
    messages = list(dict.fromkeys(message for _, message in problems))
    return messages, (agreement if not messages else None)


def _syntax_problem(exc: yaml.YAMLError) -> str:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return f"not valid YAML: {exc}"
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}: " if mark is not None else ""
    what = exc.problem or exc.context or "unreadable"
    hint = "; indent with spaces, not tabs" if "\\t" in what else ""
    return f"{where}not valid YAML: {what}{hint}"


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f'"{node.value}"' if node.value != "" else "nothing"


def _path(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _duplicate_keys(node: yaml.Node, parts: tuple[str | int, ...]) -> list[_Problem]:
    problems: list[_Problem] = []
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
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
            problems.extend(_duplicate_keys(value, (*parts, name)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems.extend(_duplicate_keys(item, (*parts, index)))
    return problems


def _locate(root: yaml.Node, loc: tuple[int | str, ...]) -> tuple[str, int, yaml.Node | None]:
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
            parts.append(str(part))
            found = [(k, v) for k, v in node.value if str(k.value) == str(part)]
            node = None
            if found:
                key, node = found[-1]
                line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            parts.append(part)
            node = node.value[part] if part < len(node.value) else None
            line = node.start_mark.line + 1 if node is not None else line
        elif isinstance(node, yaml.ScalarNode) and isinstance(part, int):
            continue
        else:
            parts.append(part)
            node = None
    return _path(parts), line, node


def _problem(error: ErrorDetails, root: yaml.Node) -> _Problem:
    path, line, node = _locate(root, error["loc"])
    return line, f"{path} (line {line}): {_message(error, node)}"


# --- messages -----------------------------------------------------------------------------------


def _shown(error: ErrorDetails, node: yaml.Node | None) -> str:
    if node is not None and not isinstance(node, yaml.ScalarNode):
        return _kind(node)
    if isinstance(node, yaml.ScalarNode):
        return f'"{node.value}"' if node.value != "" else "nothing"
    value = error.get("input")
    return "nothing" if value is None else f'"{value}"'


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


def _message(error: ErrorDetails, node: yaml.Node | None) -> str:
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
            words += f'; put it in quotes if you mean the text "{node.value}"'
        return words
    return str(error["msg"])


def _unknown_key(loc: tuple[int | str, ...]) -> str:
    key = str(loc[-1])
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
