"""Columns of few distinct values, asked once per distinct value instead of once per row.

A lead file holds a million rows but a handful of lead types, stages and yes/no flags, so
:class:`Factor` turns a column (or several together) into small integer codes into its distinct
values, and :class:`AppliesCache` asks the agreement whether its follow-up SLA covers a lead
once per distinct combination of the fields it reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from revpact.domain.agreement.sales import FollowUpSpec

__all__ = ["AppliesCache", "Factor"]

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_COMBINED_CODES: Final = 1 << 20  # Factor.of_text_rows: combined codes counted in an array


@dataclass(frozen=True)
class Factor:
    """A column as small integer codes into its distinct values: ``values[codes[i]]``."""

    codes: Int64Array
    values: list[Any]

    @classmethod
    def of(cls, column: Sequence[Hashable]) -> Factor:
        distinct = list(set(column))
        index = {value: i for i, value in enumerate(distinct)}
        codes = np.fromiter(map(index.__getitem__, column), dtype=np.int64, count=len(column))
        return cls(codes, distinct)

    @classmethod
    def of_text_rows(cls, columns: Sequence[Sequence[str]]) -> Factor:
        """Rows of fields, factorised together; ``values`` are tuples of the fields.

        Each column is factorised on its own and the codes are combined (mixed radix), so no
        tuple is built per row; only combinations that occur are kept."""
        parts = [cls.of(column) for column in columns]
        sizes = [max(len(part.values), 1) for part in parts]
        if not parts or math.prod(sizes) > _COMBINED_CODES:
            return cls.of(list(zip(*columns, strict=True)))
        code = np.zeros(len(parts[0].codes), dtype=np.int64)
        for part, size in zip(parts, sizes, strict=True):
            code *= size
            code += part.codes
        used = np.flatnonzero(np.bincount(code, minlength=math.prod(sizes)))
        renumber = np.zeros(math.prod(sizes), dtype=np.int64)
        renumber[used] = np.arange(used.size)
        values = []
        for key in used.tolist():
            fields = []
            for part, size in zip(reversed(parts), reversed(sizes), strict=True):
                key, at = divmod(key, size)
                fields.append(part.values[at])
            values.append(tuple(reversed(fields)))
        return cls(renumber[code], values)

    def rows_where(self, test: Callable[[Any], bool]) -> list[int]:
        """The rows whose value passes ``test`` (asked once per distinct value)."""
        hits = [i for i, value in enumerate(self.values) if test(value)]
        return np.flatnonzero(np.isin(self.codes, hits)).tolist() if hits else []


class AppliesCache:
    """``follow_up.applies``, asked once per distinct combination of the values it reads.

    Only the fields ``applies_to`` / ``excludes`` name matter, and a lead file holds few
    distinct combinations of them, so a million leads cost a handful of calls. ``convert``
    turns a field's raw value into what ``applies`` should see.
    """

    def __init__(
        self, spec: FollowUpSpec, convert: Mapping[str, Callable[[Any], object]] | None = None
    ) -> None:
        self._spec = spec
        self._convert = dict(convert or {})
        self.fields: tuple[str, ...] = tuple(dict.fromkeys([*spec.applies_to, *spec.excludes]))
        self._known: dict[tuple[Any, ...], bool] = {}

    def column(self, combos: Factor, names: Sequence[str]) -> BoolArray:
        """For a factor whose values are tuples of the fields ``names``: each row's answer."""
        at = [names.index(field) for field in self.fields]
        answers = [self._answer(tuple(combo[i] for i in at)) for combo in combos.values]
        result: BoolArray = np.array(answers, dtype=bool)[combos.codes]
        return result

    def _answer(self, key: tuple[Any, ...]) -> bool:
        known = self._known.get(key)
        if known is None:
            attrs = {
                name: self._convert[name](raw) if name in self._convert else raw
                for name, raw in zip(self.fields, key, strict=True)
            }
            known = self._known[key] = self._spec.applies(attrs)
        return known
