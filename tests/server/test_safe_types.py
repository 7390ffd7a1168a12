"""Request fields held to the text and moment rules: refused by pydantic, naming the rule."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from revpact.server.safe_types import IdText, NameText, SafeMoment, SafeText, ValueText


class Body(BaseModel):
    id: IdText | None = None
    name: NameText | None = None
    value: ValueText | None = None
    text: SafeText | None = None
    at: SafeMoment | None = None


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
