"""Request fields held to the text and moment rules: refused by pydantic, naming the rule."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, ValidationError

from revpact.server.safe_types import (
    AwareMoment,
    IdText,
    IsoMoment,
    NameText,
    SafeMoment,
    SafeText,
    ValueText,
)


class Body(BaseModel):
    id: IdText | None = None
    name: NameText | None = None
    value: ValueText | None = None
    text: SafeText | None = None
    at: SafeMoment | None = None
    aware: AwareMoment | None = None
    local: IsoMoment | None = None


@pytest.mark.parametrize(
    ("field", "value", "found"),
    [
        ("id", "L\x00", "contains a NUL character"),
        ("id", "i" * 257, "at most 256"),
        ("name", "o" * 321, "at most 320"),
        ("value", "v\x00", "contains a NUL character"),
        ("text", "t\x00", "contains a NUL character"),
        ("at", "9999-12-31T23:59:59-05:00", "outside the moments revpact accepts"),
        ("at", "0001-01-01T00:00:00+05:00", "outside the moments revpact accepts"),
    ],
)
def test_a_bad_value_is_refused(field: str, value: str, found: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Body.model_validate({field: value})
    assert found in str(refused.value)


def test_good_values_pass() -> None:
    body = Body.model_validate({"id": "L1", "name": "Ana", "at": "2020-03-02T10:00:00Z"})
    assert body.id == "L1" and body.at is not None


@pytest.mark.parametrize("field", ["at", "aware", "local"])
@pytest.mark.parametrize("value", [0.5, 1_583_143_200, "1583143200", True, "soon"])
def test_a_moment_is_text_never_a_number(field: str, value: object) -> None:
    """pydantic's lax mode would read a number as seconds since 1970."""
    with pytest.raises(ValidationError, match="is not an ISO 8601 moment"):
        Body.model_validate_json(f'{{"{field}": {json.dumps(value)}}}')


def test_moments_with_or_without_an_offset() -> None:
    body = Body.model_validate_json(
        '{"at": "2020-03-02T10:00:00Z", "aware": "2020-03-02T10:00:00+01:00", '
        '"local": "2020-03-02T10:00:00"}'
    )
    assert body.local is not None and body.local.tzinfo is None
    with pytest.raises(ValidationError, match="timezone"):
        Body.model_validate_json('{"aware": "2020-03-02T10:00:00"}')
