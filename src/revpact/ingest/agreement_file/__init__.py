"""Reading ``revpact.yaml``: YAML in, an :class:`~revpact.domain.agreement.model.Agreement` out.

Every problem is reported at once, each as ``dotted.path (line N): what is wrong and what to
write``. A file that cannot be read as an agreement at all (too large, not UTF-8, not YAML,
nested too deep, aliases that expand too far) gets one message naming the line or byte.

The YAML dialect and its bounds are in :mod:`.dialect`, the reading and line numbers in
:mod:`.reading`, the words of each message in :mod:`.messages`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from revpact.domain.agreement.model import Agreement
from revpact.errors import AgreementError
from revpact.ingest.agreement_file.dialect import MAX_DEPTH, MAX_VALUES
from revpact.ingest.agreement_file.reading import read

__all__ = [
    "MAX_DEPTH",
    "MAX_SIZE",
    "MAX_VALUES",
    "TEMPLATE_LANGUAGES",
    "company_a_template",
    "load_agreement",
    "parse_agreement",
    "read_agreement_text",
    "validation_problems",
]

TEMPLATE_LANGUAGES: tuple[str, ...] = ("en", "pl")

MAX_SIZE = 250_000
"""The largest agreement read: bytes of a file, characters of a text (the example is 14 KB)."""


def parse_agreement(text: str, source: str = "revpact.yaml") -> Agreement:
    """The agreement in ``text``; raises ``AgreementError`` listing every problem."""
    problems, agreement = _read(text, source)
    if agreement is None:
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        raise AgreementError(f"{source} is not a valid agreement ({count})", problems)
    return agreement


def load_agreement(path: str | Path) -> Agreement:
    """The agreement in the file at ``path``."""
    return parse_agreement(read_agreement_text(path), source=str(path))


def read_agreement_text(path: str | Path) -> str:
    """The text of the agreement file at ``path``: at most ``MAX_SIZE`` bytes of UTF-8
    (``AgreementError`` naming the file, and the byte offset of the first byte that is not)."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_SIZE + 1)
    except FileNotFoundError:
        raise AgreementError(f"{path}: there is no agreement file here") from None
    except OSError as exc:
        raise AgreementError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_SIZE:
        raise AgreementError(
            f"{path}: is larger than {MAX_SIZE:,} bytes, the most an agreement file may be"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise AgreementError(
            f"{path}: cannot be read as UTF-8 text: the byte 0x{data[exc.start]:02x} at byte "
            f"offset {exc.start} (line {line}) is not UTF-8; save the file as UTF-8"
        ) from None


def validation_problems(text: str, source: str = "revpact.yaml") -> list[str]:
    """Every problem of the agreement in ``text``, in line order; empty when it is valid."""
    return _read(text, source)[0]


def company_a_template(lang: Literal["en", "pl"]) -> str:
    """The text of the Company A example agreement in English or Polish."""
    if lang not in TEMPLATE_LANGUAGES:
        raise ValueError(f'no template in "{lang}"; choose one of: {", ".join(TEMPLATE_LANGUAGES)}')
    template = resources.files("revpact.ingest") / "templates" / f"company-a.{lang}.yaml"
    return template.read_text(encoding="utf-8")


def _read(text: str, source: str) -> tuple[list[str], Agreement | None]:
    if len(text) > MAX_SIZE:
        return [
            f"{source} is {len(text):,} characters long; an agreement may be at most {MAX_SIZE:,}"
        ], None
    return read(text, source)
