"""The signature page: who signed a published version and when (:class:`SignaturePage`, the
caller looks it up), and how the document shows it (:func:`signatures_view`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from revpact.domain.agreement.model import Agreement
from revpact.render.formatting import format_moment
from revpact.render.texts import Labels
from revpact.render.view_model import Fact, SignatoryRow, SignaturesView

__all__ = [
    "SignatureLine",
    "SignaturePage",
    "signatures_view",
]


@dataclass(frozen=True)
class SignatureLine:
    """One signatory of a version, and when they signed it (None: not yet)."""

    name: str
    email: str
    team: str
    role: str
    signed_at: datetime | None


@dataclass(frozen=True)
class SignaturePage:
    """What the signature page of a published version shows."""

    version_number: int | None
    version_hash: str | None  # the full SHA-256 hex of the version
    published_at: datetime | None
    lines: tuple[SignatureLine, ...]  # every signatory, in the agreement's order
    in_force: bool


def _team(t: Labels, team: str) -> str:
    """A team's name; a value the labels do not know is shown as given."""
    names = t["teams"]
    return t.text(f"teams.{team}") if isinstance(names, Labels) and team in names else team


def signatures_view(agreement: Agreement, t: Labels, page: SignaturePage | None) -> SignaturesView:
    """The signature page as the document shows it: each signatory and when they signed, or
    blank lines for a text that is not a published version."""
    zone = agreement.calendar.timezone
    heading = t.text("sections.signatures")
    if page is None:
        rows = tuple(
            SignatoryRow(p.name, p.role, _team(t, p.team), p.email, "")
            for p in agreement.signatories
        )
        notice = (t.text("signatures.unpublished"),)
        return SignaturesView(heading, None, (), None, None, notice, rows)
    facts: list[Fact] = []
    if page.published_at is not None:
        facts.append(
            Fact(
                t.text("signatures.published"),
                format_moment(page.published_at, zone, t.lang),
            )
        )
    signed = sum(1 for line in page.lines if line.signed_at is not None)
    notices = (
        t.text("signatures.in_force" if page.in_force else "signatures.not_in_force"),
        t.text("signatures.signed_count", signed=signed, total=len(page.lines)),
        t.text("signatures.times_in", zone=zone),
    )
    version = (
        None
        if page.version_number is None
        else t.text("signatures.version", number=page.version_number)
    )
    rows = tuple(
        SignatoryRow(
            line.name,
            line.role,
            _team(t, line.team),
            line.email,
            format_moment(line.signed_at, zone, t.lang)
            if line.signed_at is not None
            else t.text("signatures.not_signed"),
        )
        for line in page.lines
    )
    hash_label = t.text("signatures.hash") if page.version_hash else None
    return SignaturesView(
        heading, version, tuple(facts), hash_label, page.version_hash, notices, rows
    )
