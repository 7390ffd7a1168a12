"""The PDF (WeasyPrint's rendering of the HTML page), read back with pypdf."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from document_text import page

from revpact.domain.agreement.model import Agreement
from revpact.render import labels, render_agreement

pytestmark = pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")

HASH = "0123456789abcdef" * 4


def pdf_text(data: bytes) -> tuple[list[str], str]:
    """Each page's text, and all of it on one line (no-break spaces made plain)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = [p.extract_text() for p in reader.pages]
    flat = re.sub(r"[\s\u00a0\u202f]+", " ", " ".join(pages))
    return pages, flat


@pytest.fixture(scope="module", params=["en", "pl"])
def rendered(request: pytest.FixtureRequest, company_a: dict[str, Agreement]) -> tuple[str, bytes]:
    lang = str(request.param)
    spec = company_a[lang]
    signatures = page(spec, signed=1, in_force=False)
    return lang, render_agreement(spec, lang=lang, fmt="pdf", signatures=signatures)


def test_a_pdf_with_every_section_and_the_signature_page(
    rendered: tuple[str, bytes], company_a: dict[str, Agreement]
) -> None:
    lang, data = rendered
    assert data.startswith(b"%PDF-")
    pages, text = pdf_text(data)
    texts = labels(lang)
    spec = company_a[lang]
    assert text.startswith(spec.title)
    for key in (
        "company_goals",
        "marketing",
        "sales",
        "calendar",
        "communication",
        "meetings",
        "conflict",
        "rewards",
        "consequences",
        "sign_off",
    ):
        assert texts.text(f"sections.{key}") in text, key
    # the signature page starts a page of its own
    heading = texts.text("sections.signatures")
    signature_pages = [p for p in pages if p.lstrip().startswith(heading)]
    assert signature_pages
    signatures = re.sub(r"\s+", " ", " ".join(pages[pages.index(signature_pages[0]) :]))
    assert "Kevin Tran" in signatures
    assert texts.text("signatures.version", number=3) in signatures
    assert HASH in re.sub(r"\s+", "", signatures)
    money = "1 250 000 USD" if lang == "pl" else "$1,250,000"
    assert money in text
