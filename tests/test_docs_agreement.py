"""docs/agreement.md documents every key of the agreement model; the glossary every term."""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from revpact.domain.agreement.model import Agreement

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _unwrap(annotation: Any) -> Any:
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


def _model(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def schema_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every key path of ``model`` as the YAML spells it: ``meetings[].agenda``,
    ``calendar.holidays.except``, ``marketing.lead_values``."""
    paths: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}.{field.alias or name}" if prefix else (field.alias or name)
        paths.append(path)
        annotation = _unwrap(field.annotation)
        origin, args = get_origin(annotation), get_args(annotation)
        if (nested := _model(annotation)) is not None:
            paths += schema_paths(nested, path)
        elif origin in (tuple, list) and (item := _model(args[0])) is not None:
            paths += schema_paths(item, f"{path}[]")
        elif origin is dict and (value := _model(args[1])) is not None:
            paths += schema_paths(value, f"{path}.<key>")
    return paths


def test_the_walk_finds_nested_models_lists_and_aliases() -> None:
    paths = schema_paths(Agreement)
    for expected in (
        "title",
        "period.start",
        "calendar.holidays.except",
        "sales.follow_up.within",
        "sales.close_rate.milestones[].target",
        "meetings[].agenda",
        "consequences.escalation[].actions[].due_within_days",
        "consequences.escalation[].swat_team.reports_to",
        "signatories[].email",
    ):
        assert expected in paths
    assert len(paths) == len(set(paths)) > 80


def documented_keys() -> list[str]:
    """The first column of every table row of docs/agreement.md: ``| `sales.follow_up` | ...``."""
    text = (DOCS / "agreement.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE)


def test_every_key_is_documented() -> None:
    documented = set(documented_keys())
    missing = [path for path in schema_paths(Agreement) if path not in documented]
    assert not missing, f"docs/agreement.md has no row for: {', '.join(missing)}"


def test_docs_name_no_key_that_does_not_exist() -> None:
    rows = documented_keys()
    assert len(rows) == len(set(rows)), "a key has two rows"
    unknown = sorted(set(rows) - set(schema_paths(Agreement)))
    assert not unknown, f"docs/agreement.md documents keys that do not exist: {unknown}"


@pytest.mark.parametrize(
    "term",
    [
        "Business time",
        "Due",
        "At risk",
        "Breach",
        "Compliance",
        "Trajectory",
        "Lead value",
        "Escalation level",
        "Shared goals",
        "Signatory",
    ],
)
def test_glossary_defines(term: str) -> None:
    text = (DOCS / "glossary.md").read_text(encoding="utf-8")
    assert f"**{term}**" in text
