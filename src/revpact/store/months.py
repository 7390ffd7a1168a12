"""Putting rows in calendar months with plain SQL: a ``CASE`` over the months' edges.

One pass over a table, each row's month found by the first edge it lies below, costs about half
of joining every row against a ``VALUES`` list of the months in SQLite, and the same SQL runs on
PostgreSQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

__all__ = ["MonthRange", "month_bucket"]

MonthRange = tuple[int, int]
"""A month as ``[start, end)`` epoch microseconds."""


def month_bucket(column: str, months: Sequence[MonthRange]) -> tuple[str, str, dict[str, int]]:
    """``(case, where, params)``: ``case`` is the index in ``months`` of the month ``column``
    falls in, and ``where`` keeps the rows inside one of them. ``months`` must not overlap.

    Consecutive months (the usual case) need one comparison per month; others get both bounds.
    """
    if not months:
        raise ValueError("no months")
    ordered = sorted(months)
    if any(lo < hi_before for (_, hi_before), (lo, _) in itertools.pairwise(ordered)):
        raise ValueError("months must not overlap")
    if list(months) == ordered and all(hi == lo for (_, hi), (lo, _) in itertools.pairwise(months)):
        edges = [lo for lo, _ in months] + [months[-1][1]]
        params = {f"e{k}": edge for k, edge in enumerate(edges)}
        whens = " ".join(f"WHEN {column} < :e{k + 1} THEN {k}" for k in range(len(months)))
        return f"CASE {whens} END", f"{column} >= :e0 AND {column} < :e{len(months)}", params
    params = {}
    for k, (lo, hi) in enumerate(months):
        params[f"lo{k}"], params[f"hi{k}"] = lo, hi
    inside = [f"({column} >= :lo{k} AND {column} < :hi{k})" for k in range(len(months))]
    whens = " ".join(f"WHEN {test} THEN {k}" for k, test in enumerate(inside))
    return f"CASE {whens} END", "(" + " OR ".join(inside) + ")", params
