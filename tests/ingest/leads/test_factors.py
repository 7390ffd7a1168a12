"""Columns of few distinct values, factorised together."""

from __future__ import annotations

import random

import pytest

from revpact.ingest.leads import factors
from revpact.ingest.leads.factors import Factor


def _rows(factor: Factor) -> list[tuple[str, ...]]:
    return [factor.values[code] for code in factor.codes.tolist()]


def test_rows_of_fields_come_back_as_they_were() -> None:
    rng = random.Random(7)
    columns = [
        [rng.choice(["content", "demo", "webinar"]) for _ in range(500)],
        [rng.choice(["true", "false", "yes"]) for _ in range(500)],
        [rng.choice(["early", "late", "a\x1fb"]) for _ in range(500)],
    ]
    factor = Factor.of_text_rows(columns)
    assert _rows(factor) == list(zip(*columns, strict=True))
    assert len(factor.values) == len(set(factor.values))  # only combinations that occur


def test_many_distinct_values_fall_back_to_tuples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factors, "_COMBINED_CODES", 4)
    columns = [["a", "b", "c"], ["x", "y", "x"], ["1", "1", "2"]]
    assert _rows(Factor.of_text_rows(columns)) == list(zip(*columns, strict=True))


def test_no_rows() -> None:
    assert _rows(Factor.of_text_rows([[], []])) == []
