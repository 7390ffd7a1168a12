"""The agreement file, for the faces: read ``revpact.yaml`` (or its text), list what is wrong
with it, and the starter agreement (Company A's) in English or Polish.

The reading itself is :mod:`revpact.ingest.agreement_file`; the CLI and the server reach it
only through here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from revpact.domain.agreement.model import Agreement
from revpact.ingest import agreement_file

__all__ = [
    "company_a_template",
    "load_agreement",
    "parse_agreement",
    "read_agreement_text",
    "validation_problems",
]


def load_agreement(path: str | Path) -> Agreement:
    """The agreement in the file at ``path`` (:class:`AgreementError` naming each problem)."""
    return agreement_file.load_agreement(path)


def read_agreement_text(path: str | Path) -> str:
    """The file's text, bounded in size and refused unless UTF-8 (naming the byte offset)."""
    return agreement_file.read_agreement_text(path)


def parse_agreement(text: str, source: str = "revpact.yaml") -> Agreement:
    """The agreement in ``text``; ``source`` names it in errors."""
    return agreement_file.parse_agreement(text, source)


def validation_problems(text: str, source: str = "revpact.yaml") -> list[str]:
    """Every problem of the agreement in ``text`` (empty when it is valid)."""
    return agreement_file.validation_problems(text, source)


def company_a_template(lang: Literal["en", "pl"]) -> str:
    """The starter agreement (Company A's), in ``lang``."""
    return agreement_file.company_a_template(lang)
