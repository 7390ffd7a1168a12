"""The agreement as the document people read, sign, print and hang up: HTML, PDF or Markdown.

:func:`render_agreement` fills the Jinja2 templates in ``render/templates`` with the agreement
written out in one language (:mod:`revpact.render.view`): every section, then a signature page
listing each signatory with their signing time — or blank lines, for a text that is not a
published version. HTML is one self-contained page (inline CSS, no web fonts, nothing to
fetch) that prints well; the PDF is WeasyPrint's rendering of that page. User text is always
escaped: HTML-escaped in HTML and PDF, Markdown-escaped in Markdown.

Pure: the caller looks up the version and its signatures (see ``revpact agreement render``).
"""

from __future__ import annotations

import functools
import re

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from revpact.domain.agreement.model import Agreement
from revpact.errors import RevpactError
from revpact.render.markdown import escape_markdown
from revpact.render.signatures import SignatureLine, SignaturePage
from revpact.render.texts import labels
from revpact.render.view import build_view

__all__ = ["FORMATS", "SignatureLine", "SignaturePage", "render_agreement"]

FORMATS: tuple[str, ...] = ("html", "pdf", "md")
"""The formats :func:`render_agreement` writes."""

_BLANK_LINES = re.compile(r"\n{3,}")


def _markdown_value(value: object) -> Markup:
    """Every ``{{ value }}`` of the Markdown template: escaped, unless it is already markup
    (a macro's output)."""
    if isinstance(value, Markup):
        return value
    return Markup(escape_markdown("" if value is None else str(value)))


@functools.cache
def _environment(fmt: str) -> Environment:
    loader = PackageLoader("revpact.render", "templates")
    if fmt == "md":
        # Autoescape on, with Markdown escaping in place of HTML's: ``finalize`` escapes each
        # value and marks it safe, so the HTML escaper leaves it alone.
        return Environment(
            loader=loader,
            autoescape=True,
            finalize=_markdown_value,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return Environment(loader=loader, autoescape=True, undefined=StrictUndefined)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise RevpactError(f'format "{fmt}" is not offered; choose {", ".join(FORMATS)}')


def render_agreement(
    agreement: Agreement,
    *,
    lang: str,
    fmt: str,
    signatures: SignaturePage | None = None,
) -> bytes:
    """The agreement as a document in ``lang`` (``en``, ``pl``) and ``fmt`` (``html``, ``pdf``,
    ``md``): UTF-8 text for HTML and Markdown, the PDF file's bytes for PDF.

    ``signatures`` is the signature page of a published version; without it the text is shown
    as not published, every signatory with blank lines to sign on.
    """
    _check_format(fmt)
    texts = labels(lang)
    view = build_view(agreement, texts, signatures)
    template = "agreement.md.j2" if fmt == "md" else "agreement.html.j2"
    text = _environment(fmt).get_template(template).render(doc=view, t=texts)
    if fmt == "pdf":
        return _pdf(text)
    if fmt == "md":
        text = _BLANK_LINES.sub("\n\n", text)
    return text.encode("utf-8")


def _pdf(html: str) -> bytes:
    import weasyprint  # imported here: it loads Pango and fonts, which only PDFs need

    document: bytes = weasyprint.HTML(string=html, base_url=None).write_pdf()
    return document
