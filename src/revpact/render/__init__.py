"""Documents made from the agreement: the agreement itself as HTML, PDF or Markdown, in English
or Polish, and the formatting of figures (:mod:`revpact.render.formatting`) other views reuse.

Imports the domain only; the command line looks up versions and signatures and passes them in.
"""

from __future__ import annotations

from revpact.render.agreement_doc import (
    FORMATS,
    SignatureLine,
    SignaturePage,
    render_agreement,
)
from revpact.render.texts import LANGUAGES, Labels, labels

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "Labels",
    "SignatureLine",
    "SignaturePage",
    "labels",
    "render_agreement",
]
