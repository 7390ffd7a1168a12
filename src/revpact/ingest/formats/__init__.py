"""CRM exports (HubSpot, Salesforce) read as canonical lead and deal files.

One small module of plain data per CRM (:mod:`.hubspot`, :mod:`.salesforce`) says which export
columns feed which canonical field and how their values map; :mod:`.registry` finds a format by
name and applies a user's mapping file (:mod:`.mapping_file`); :mod:`.translate` turns an
export into canonical CSV text row by row, which the canonical readers then check as they check
any canonical file (:mod:`.exports`). docs/exports.md documents the default mappings.
"""

from __future__ import annotations

from revpact.ingest.formats.encoding import ENCODINGS
from revpact.ingest.formats.exports import ExportLeadReader, read_deal_export
from revpact.ingest.formats.registry import (
    CANONICAL,
    FORMAT_NAMES,
    FORMATS,
    export_format,
    is_translated,
)
from revpact.ingest.formats.spec import ExportFormat, FieldRule, RecordSpec

__all__ = [
    "CANONICAL",
    "ENCODINGS",
    "FORMATS",
    "FORMAT_NAMES",
    "ExportFormat",
    "ExportLeadReader",
    "FieldRule",
    "RecordSpec",
    "export_format",
    "is_translated",
    "read_deal_export",
]
