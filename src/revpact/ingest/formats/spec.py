"""What an export format is: plain data that says which source columns feed which canonical field.

A format is one :class:`ExportFormat` per CRM (see :mod:`revpact.ingest.formats.hubspot` and
:mod:`revpact.ingest.formats.salesforce`); nothing in it is code. Column names and values are
matched after :func:`normalise`, so an export's display label (``Create Date``) and the
property's internal name (``createdate``) are the same column, and ``ORGANIC_SEARCH`` is the same
value as ``Organic Search``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final, Literal

__all__ = [
    "KEEP",
    "REJECT",
    "TIME_FIELDS",
    "ExportFormat",
    "FieldRule",
    "Pick",
    "RecordSpec",
    "normalise",
]

KEEP: Final = "keep"
"""``otherwise: keep``: a value the map does not list is used as it is."""
REJECT: Final = "reject"
"""``otherwise: reject``: a value the map does not list rejects the row."""

TIME_FIELDS: Final = frozenset(
    {"created_at", "notified_at", "first_touch_at", "proposal_at", "closed_at"}
)
"""The canonical fields that hold a moment (lead and deal fields together)."""

Pick = Literal["first", "earliest"]


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """A column name or value as it is matched: case-folded, letters and digits only."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@dataclass(frozen=True)
class FieldRule:
    """How one canonical field is read from an export.

    * ``columns``: the source columns that may hold it (API names and display labels), in
      order of preference;
    * ``pick``: ``first`` takes the first non-empty value of the columns present, ``earliest``
      the earliest moment among them (time fields only);
    * ``split``: when set, a value listing several items (``"101;102"``) gives its first one;
    * ``values``: source value -> canonical value; ``otherwise`` says what an unlisted,
      non-empty value becomes: :data:`KEEP` (itself), :data:`REJECT` (the row is rejected) or
      a canonical value;
    * ``default``: the value when no column is present or every one is empty.
    """

    columns: tuple[str, ...] = ()
    pick: Pick = "first"
    split: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    otherwise: str = KEEP
    default: str = ""


@dataclass(frozen=True)
class RecordSpec:
    """The rules of one kind of record (leads or deals).

    ``fields`` has a rule per canonical field. ``ignore`` names source columns that are not
    kept as lead attributes. For deals, ``closed_flag`` and ``won_flag`` name the yes/no
    columns that decide the outcome when present (``IsClosed`` / ``IsWon``); otherwise the
    ``outcome`` rule maps the deal stage.
    """

    fields: Mapping[str, FieldRule]
    ignore: tuple[str, ...] = ()
    closed_flag: tuple[str, ...] = ()
    won_flag: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportFormat:
    """A CRM's export: its lead and deal rules and how it writes dates and amounts.

    ``day_first`` reads ``02/03/2020`` as 2 March (dotted dates ``02.03.2020`` are always day
    first); ``decimal_separator`` (``","`` or ``"."``) settles amounts such as ``12,500`` that
    could be read either way (none: such an amount is refused as ambiguous).
    ``report_footer`` skips the lines a report export adds after a blank line at its end.
    """

    name: str
    title: str
    leads: RecordSpec
    deals: RecordSpec
    day_first: bool = False
    decimal_separator: str | None = None
    report_footer: bool = False
