"""Month buckets in SQL: the fast path (consecutive months) and the general one agree."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import create_engine, text

from revpact.store.months import month_bucket


def counts(months: list[tuple[int, int]], values: list[int]) -> list[int]:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v BIGINT)"))
        conn.execute(text("INSERT INTO t VALUES (:v)"), [{"v": v} for v in values])
        case, where, params = month_bucket("v", months)
        rows = conn.execute(
            text(f"SELECT {case}, COUNT(*) FROM t WHERE {where} GROUP BY 1"), params
        )
        found = dict(rows.all())
    return [int(found.get(k, 0)) for k in range(len(months))]


def test_fast_and_general_paths_agree() -> None:
    rng = random.Random(7)
    values = [rng.randrange(-5, 125) for _ in range(2_000)]
    months = [(k * 10, (k + 1) * 10) for k in range(12)]  # consecutive: the fast path
    expected = [sum(lo <= v < hi for v in values) for lo, hi in months]
    assert counts(months, values) == expected
    shuffled = months[::-1]  # same months in another order: the general path
    assert counts(shuffled, values) == expected[::-1]
    gappy = months[::2]
    assert counts(gappy, values) == expected[::2]


def test_overlap_and_nothing_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        month_bucket("v", [(0, 10), (5, 15)])
    with pytest.raises(ValueError, match="no months"):
        month_bucket("v", [])
