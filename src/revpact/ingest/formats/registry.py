"""The export formats by name, and the canonical format as one of them.

``canonical`` maps every canonical field from the column of the same name; it is used when a
canonical file comes with a mapping file or in another encoding than UTF-8 (a plain canonical
import reads the file directly, see :mod:`revpact.ingest.leads.canonical`).
"""

from __future__ import annotations

import os
from collections.abc import Collection
from typing import Final

from revpact.errors import InputError
from revpact.ingest.deals import DEAL_COLUMNS
from revpact.ingest.formats.hubspot import HUBSPOT
from revpact.ingest.formats.mapping_file import apply_mapping
from revpact.ingest.formats.salesforce import SALESFORCE
from revpact.ingest.formats.spec import ExportFormat, FieldRule, RecordSpec
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS

__all__ = ["CANONICAL", "FORMATS", "FORMAT_NAMES", "export_format", "is_translated"]

CANONICAL: Final = ExportFormat(
    name="canonical",
    title="canonical",
    leads=RecordSpec(fields={name: FieldRule(columns=(name,)) for name in CANONICAL_COLUMNS}),
    deals=RecordSpec(fields={name: FieldRule(columns=(name,)) for name in DEAL_COLUMNS}),
)

FORMATS: Final = {fmt.name: fmt for fmt in (CANONICAL, HUBSPOT, SALESFORCE)}
FORMAT_NAMES: Final = tuple(FORMATS)


def export_format(
    name: str,
    mapping: str | os.PathLike[str] | None = None,
    *,
    lead_types: Collection[str] = (),
) -> ExportFormat:
    """The format called ``name``, with the mapping file at ``mapping`` applied when given
    (``lead_types``: the agreement's, to check the lead types the file maps to)."""
    fmt = FORMATS.get(name.strip().lower())
    if fmt is None:
        raise InputError(f"unknown format {name!r}; use one of {', '.join(FORMAT_NAMES)}")
    return fmt if mapping is None else apply_mapping(fmt, mapping, lead_types=lead_types)


def is_translated(
    name: str, mapping: str | os.PathLike[str] | None = None, encoding: str = "auto"
) -> bool:
    """Whether an import goes through a format's translation: any export format, and a
    canonical file with a mapping file or an encoding other than UTF-8."""
    plain = name.strip().lower() == CANONICAL.name and mapping is None
    return not (plain and encoding.strip().lower() in ("auto", "utf-8"))
