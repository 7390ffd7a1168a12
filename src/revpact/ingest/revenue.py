"""The revenue file: recognised revenue per month, one month per row.

Header (any order; extra columns are ignored)::

    month,amount

* ``month`` is a calendar month written ``YYYY-MM`` (``2020-06``), once per file;
* ``amount`` is a plain non-negative decimal in the agreement's currency, as in the deal file
  (:func:`revpact.ingest.deals.parse_amount`).

A month with a row here has this revenue; for a month without one, revenue is the sum of the
amounts of the deals won in it (see :func:`revpact.services.deals.monthly_facts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Final

from revpact.domain.agreement.model import Agreement
from revpact.domain.text_values import shown
from revpact.ingest.deals import Problems, minor_units, parse_amount, read_table
from revpact.ingest.leads.canonical import RejectedRow

__all__ = ["REVENUE_COLUMNS", "RevenueFile", "RevenueMonth", "parse_month", "read_revenue"]

REVENUE_COLUMNS: Final = ("month", "amount")
_MONTH: Final = re.compile(r"([0-9]{4})-([0-9]{2})")


def parse_month(value: str) -> date | None:
    """``YYYY-MM`` (blanks around it ignored) as the month's first day; None otherwise."""
    match = _MONTH.fullmatch(value.strip())
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    return date(year, month, 1) if year >= 1 and 1 <= month <= 12 else None


@dataclass(frozen=True)
class RevenueMonth:
    """Recognised revenue of a month (``month`` is its first day)."""

    month: date
    amount: Decimal


@dataclass(frozen=True)
class RevenueFile:
    source: str
    header: tuple[str, ...]
    sha256: str
    rows: int
    months: tuple[RevenueMonth, ...]
    rejected: tuple[RejectedRow, ...]


def read_revenue(fp: IO[bytes] | IO[str], *, source: str, agreement: Agreement) -> RevenueFile:
    """Read and check a revenue file; a file that cannot be read at all raises InputError."""
    table = read_table(fp, source=source, columns=REVENUE_COLUMNS)
    found = Problems(table)
    places = minor_units(agreement.currency)
    months: list[RevenueMonth | None] = []
    first: dict[date, int] = {}
    for i, (raw_month, raw_amount) in enumerate(
        zip(table.columns["month"], table.columns["amount"], strict=True)
    ):
        month = parse_month(raw_month)
        if month is None:
            found.report(
                i,
                "month",
                f"{shown(raw_month)} is not a month; write it as e.g. 2020-06"
                if raw_month.strip()
                else "is empty; write the month as e.g. 2020-06",
            )
        else:
            line = first.setdefault(month, table.lines[i])
            if line != table.lines[i]:
                found.report(
                    i, "month", f"{shown(raw_month)} is on row {line} too; list a month once"
                )
        amount = parse_amount(raw_amount, places)
        if isinstance(amount, str):
            found.report(i, "amount", amount)
        if month is not None and isinstance(amount, Decimal):
            months.append(RevenueMonth(month, amount))
        else:
            months.append(None)
    return RevenueFile(
        source=table.source,
        header=table.header,
        sha256=table.sha256,
        rows=table.rows,
        months=tuple(m for i, m in enumerate(months) if m is not None and i not in found.by_row),
        rejected=tuple(found.rejected()),
    )
