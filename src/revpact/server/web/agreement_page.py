"""The agreement: ``/dashboard/agreement``, the text that governs, who signed, what is pending.

The document is the one ``revpact agreement render`` writes —
:func:`revpact.render.render_agreement` in HTML, whose templates escape every value — with its
``<body>`` placed in the page: one template for the printed document and the dashboard. It
shows the version in force with its signature page; while none is in force, the latest
published version (awaiting signatures); while nothing is published, the agreement file,
unsigned. Beside it: who has and has not signed the latest version, the changes signers of a
pending amendment agree to (compared with the version in force), and whether the agreement
file holds changes not published yet.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from revpact.domain.clock.calendar import from_us
from revpact.domain.versions import Change, VersionRecord, diff, version_hash
from revpact.render import formatting, render_agreement
from revpact.server.web.site import Page, PageRequest, page
from revpact.services.agreement_versions import status
from revpact.services.public.agreement import AgreementStatusPublic, ChangePublic
from revpact.services.signature_pages import signature_page

__all__ = ["agreement", "document_body"]

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)


def document_body(html: str) -> Markup:
    """The inside of the rendered document's ``<body>``. Its templates escaped every value,
    so no user text can close the body early or add markup."""
    found = _BODY.search(html)
    if found is None:
        raise ValueError("the rendered agreement has no <body>")
    return Markup(found.group(1))


def _version(record: VersionRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {"number": record.number, "hash": record.hash, "label": record.label}


def _change_rows(changes: list[Change]) -> list[dict[str, Any]]:
    return [ChangePublic.of(c).model_dump(mode="json") for c in changes]


@page("agreement")
def agreement(req: PageRequest) -> Page:
    """The governing text, its signatures, and the amendment awaiting them."""
    engine = req.state.engine
    state = status(engine, now=req.now)
    shown = state.in_force or state.latest
    spec = req.agreement if shown is None else shown.agreement
    signatures = None if shown is None else signature_page(engine, shown, now=req.now)
    html = render_agreement(spec, lang=req.lang, fmt="html", signatures=signatures)
    zone = spec.calendar.timezone
    draft: list[Change] = []
    if state.latest is not None and version_hash(req.agreement) != state.latest.hash:
        draft = diff(state.latest.agreement, req.agreement)
    source = "file" if shown is None else ("in_force" if shown is state.in_force else "latest")
    data: dict[str, Any] = {
        **AgreementStatusPublic.of(state, zone).model_dump(mode="json"),
        "shown": {"source": source, "version": _version(shown)},
        "unpublished_changes": _change_rows(draft),
    }

    def when(us: int | None) -> str | None:
        return None if us is None else formatting.format_moment(from_us(us), zone, req.lang)

    signed_at = {s.signatory.email: when(s.signed_us) for s in state.signers}
    moments = [
        {
            "published": when(v.version.published_us),
            "fully_signed": when(v.fully_signed_us),
            "in_force_from": when(v.in_force_from_us),
            "in_force_until": when(v.in_force_until_us),
        }
        for v in state.versions
    ]
    return Page(
        title=req.labels.text("agreement.title"),
        template="agreement.html.j2",
        data=data,
        context={
            "document": document_body(html.decode("utf-8")),
            "signed_at": signed_at,
            "moments": moments,
        },
    )
