"""Disputes taken to the panel (or the sole arbiter): the hearing, who decides, and the chain
of binding decisions.

The article's procedure, as rules:

1. A dispute is opened; its *terms* — who decides (``conflict_resolution.members``), each
   side's presentation time-box and whether decisions bind — are those of the agreement
   version in force when it is opened, fixed for its whole life. A dispute opened while the
   agreement named no members takes the members in force when it is decided; if there are
   still none, deciding is refused until the agreement names them.
2. Each team (marketing, sales) names its representative, once. When the agreement lists
   signatories, the representative is one of that team's signatories.
3. Each representative presents, once, for as long as it took. The agreement time-boxes a
   presentation; an overrun is *recorded and flagged*, not refused: the record says what
   happened, and refusing it would only lose the fact.
4. **The panel decides, all of it.** A decision is recorded once both sides have presented
   (:data:`HEARD_BY`), with every decider who made it (``by``): it is a decision of the panel
   only when *all* the dispute's deciders concur — every panel member, or the sole arbiter.
   Someone who is not a decider is refused (:class:`NotADeciderError`); a decision some
   members did not make is refused, naming them. The record is the panel's decision as taken
   at the hearing; whoever records it attests who made it, and the audit trail names the
   recorder. After the first decision the hearing is closed: no representative or
   presentation is added.
5. **A decision is superseded only by a new hearing.** Decisions are append-only. To change
   one, the dispute is heard again, recorded as such (a :class:`Hearing`: when, who attended,
   why it is reheard), and then the whole panel decides again, among those who attended; that
   decision names the one it supersedes, which must be the current one. A bare second decision
   is refused, saying what to do. The current decision is the last of the chain.

Records are dated: none may be dated before what it follows (a presentation before its
representative was named, a decision before the hearing ended, a rehearing before the
decision it reopens). Pure: times are epoch microseconds (UTC) passed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from revpact.domain.agreement.model import ConflictResolution, Side, Signatory
from revpact.domain.clock.calendar import from_us
from revpact.domain.clock.durations import format_duration
from revpact.errors import RefusedError, RevpactError

__all__ = [
    "HEARD_BY",
    "MAX_PRESENTATION_MINUTES",
    "Decision",
    "Dispute",
    "DisputeStage",
    "Hearing",
    "NotADeciderError",
    "Presentation",
    "Representative",
    "Terms",
    "check_decision",
    "check_email",
    "check_hearing",
    "check_presentation",
    "check_representative",
    "deciders_for",
    "terms_of",
]

HEARD_BY: Final[tuple[Side, ...]] = (Side.MARKETING, Side.SALES)
"""The sides that present, in order, before the first decision."""

MAX_PRESENTATION_MINUTES: Final = 24 * 60
"""The longest presentation revpact records (a typo guard, not a rule of the agreement)."""


class NotADeciderError(RefusedError):
    """Someone who is not one of the dispute's deciders tried to decide it (the API: 403)."""


class DisputeStage(StrEnum):
    AWAITING_REPRESENTATIVES = "awaiting_representatives"
    AWAITING_PRESENTATIONS = "awaiting_presentations"
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"
    REHEARD = "reheard"  # heard again; the panel's new decision is awaited


@dataclass(frozen=True)
class Terms:
    """What the agreement said about the dispute when it was opened."""

    mode: str  # panel | sole_arbiter
    deciders: tuple[str, ...]  # signatory e-mails; empty: the agreement named no members
    presentation_seconds: int  # each side's time-box
    binding: bool


def terms_of(resolution: ConflictResolution) -> Terms:
    return Terms(
        mode=resolution.mode.value,
        deciders=tuple(resolution.members),
        presentation_seconds=resolution.presentation,
        binding=resolution.binding,
    )


@dataclass(frozen=True)
class Representative:
    team: Side
    member: str
    named_us: int


@dataclass(frozen=True)
class Presentation:
    id: int
    team: Side
    presenter: str
    seconds: int
    recorded_us: int

    def over_by(self, time_box_seconds: int) -> int:
        """How far past the time-box it ran (0: within it)."""
        return max(0, self.seconds - time_box_seconds)


@dataclass(frozen=True)
class Decision:
    id: int
    number: int  # 1, 2, ... within the dispute
    text: str
    decided_by: str  # who recorded it
    decided_us: int
    supersedes: int | None  # the id of the decision it replaced
    deciders: tuple[str, ...] = ()  # who made it; () on records kept before revpact asked
    hearing_id: int | None = None  # the rehearing it followed

    @property
    def made_by(self) -> tuple[str, ...]:
        """Everyone who made the decision (an older record: its recorder alone)."""
        return self.deciders or (self.decided_by,)


@dataclass(frozen=True)
class Hearing:
    """A new hearing of a decided dispute: the way to a decision that supersedes the current
    one."""

    id: int
    held_us: int
    attendees: tuple[str, ...]
    reason: str
    recorded_by: str | None


@dataclass(frozen=True)
class Dispute:
    id: int
    topic: str
    raised_by: str
    opened_us: int
    terms: Terms
    version_hash: str | None
    representatives: tuple[Representative, ...] = ()
    presentations: tuple[Presentation, ...] = ()
    decisions: tuple[Decision, ...] = ()  # in the order they were recorded
    hearings: tuple[Hearing, ...] = ()  # rehearings, in the order held

    def representative(self, team: Side) -> Representative | None:
        return next((r for r in self.representatives if r.team is team), None)

    def presentation(self, team: Side) -> Presentation | None:
        return next((p for p in self.presentations if p.team is team), None)

    @property
    def current(self) -> Decision | None:
        """The decision in force: the last of the chain."""
        return self.decisions[-1] if self.decisions else None

    def superseded_by(self, decision_id: int) -> Decision | None:
        return next((d for d in self.decisions if d.supersedes == decision_id), None)

    @property
    def pending_hearing(self) -> Hearing | None:
        """The rehearing held after the current decision that no decision has followed yet."""
        current = self.current
        if current is None:
            return None
        used = {d.hearing_id for d in self.decisions}
        return next(
            (
                h
                for h in reversed(self.hearings)
                if h.id not in used and h.held_us >= current.decided_us
            ),
            None,
        )

    @property
    def stage(self) -> DisputeStage:
        if self.pending_hearing is not None:
            return DisputeStage.REHEARD
        if self.decisions:
            return DisputeStage.DECIDED
        if any(self.representative(side) is None for side in HEARD_BY):
            return DisputeStage.AWAITING_REPRESENTATIVES
        if any(self.presentation(side) is None for side in HEARD_BY):
            return DisputeStage.AWAITING_PRESENTATIONS
        return DisputeStage.AWAITING_DECISION


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_email(value: str, field: str) -> str:
    """An e-mail address given in ``field``, surrounding whitespace removed."""
    text = value.strip()
    if not _EMAIL.fullmatch(text) or len(text) > 320 or not text.isprintable():
        raise RevpactError(f'{field} "{value}" is not an e-mail address')
    return text


def _iso(us: int) -> str:
    return from_us(us).isoformat()


def _not_before(what: str, at_us: int, earlier: str, earlier_us: int) -> None:
    if at_us < earlier_us:
        raise RefusedError(
            f"{what} cannot be dated {_iso(at_us)}, before {earlier} ({_iso(earlier_us)})"
        )


def _hearing_open(dispute: Dispute, what: str) -> None:
    current = dispute.current
    if current is not None:
        raise RefusedError(
            f"dispute {dispute.id} was decided on {_iso(current.decided_us)}; the hearing is "
            f"closed, so no {what} can be added"
        )


def check_representative(
    dispute: Dispute, team: Side, member: str, at_us: int, roster: Sequence[Signatory]
) -> None:
    """``member`` may represent ``team`` in ``dispute`` from ``at_us``. ``roster``: the
    signatories of the agreement in force then (empty: anyone may be named)."""
    _hearing_open(dispute, "representative")
    named = dispute.representative(team)
    if named is not None:
        raise RefusedError(
            f"{team} already named {named.member} as its representative in dispute "
            f"{dispute.id}; a team names its representative once"
        )
    if roster:
        mine = [p for p in roster if p.team.value == team.value]
        if not any(p.email.casefold() == member.casefold() for p in mine):
            known = ", ".join(p.email for p in mine) or "none"
            raise RefusedError(
                f'member "{member}" is not a {team} signatory of the agreement; {team} '
                f"signatories: {known}"
            )
    _not_before(
        "naming a representative", at_us, f"dispute {dispute.id} was opened", dispute.opened_us
    )


def check_presentation(dispute: Dispute, team: Side, minutes: int, at_us: int) -> str:
    """``team`` may present for ``minutes`` at ``at_us``; returns its presenter."""
    if isinstance(minutes, bool) or not 1 <= minutes <= MAX_PRESENTATION_MINUTES:
        raise RevpactError(
            f"minutes {minutes} is not a presentation length; write 1 to {MAX_PRESENTATION_MINUTES}"
        )
    _hearing_open(dispute, "presentation")
    representative = dispute.representative(team)
    if representative is None:
        raise RefusedError(
            f"{team} has no representative in dispute {dispute.id} yet; name one first "
            f"(revpact dispute represent {dispute.id} --team {team} --member EMAIL)"
        )
    given = dispute.presentation(team)
    if given is not None:
        raise RefusedError(
            f"{team} already presented in dispute {dispute.id} "
            f"({format_duration(given.seconds)}, {_iso(given.recorded_us)}); each side "
            "presents once"
        )
    _not_before(
        f"{team}'s presentation",
        at_us,
        "its representative was named",
        representative.named_us,
    )
    return representative.member


def deciders_for(dispute: Dispute, members_now: Sequence[str]) -> tuple[str, ...]:
    """Who decides ``dispute``: the members fixed when it was opened, else (the agreement named
    none then) ``members_now``, the members of the version in force when deciding."""
    return dispute.terms.deciders or tuple(members_now)


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def check_hearing(
    dispute: Dispute, *, attendees: Sequence[str], reason: str, at_us: int
) -> tuple[str, ...]:
    """A new hearing of ``dispute`` may be held at ``at_us``; returns its attendees (each
    once). Only a decided dispute is reheard, once per decision, not before that decision."""
    current = dispute.current
    if current is None:
        raise RefusedError(
            f"dispute {dispute.id} has no decision yet: its hearing is the representatives' "
            "presentations; a new hearing reopens a decision"
        )
    pending = dispute.pending_hearing
    if pending is not None:
        raise RefusedError(
            f"dispute {dispute.id} was already heard again on {_iso(pending.held_us)}; the "
            "panel's decision on that hearing is awaited (revpact dispute decide "
            f"{dispute.id} --supersedes {current.id} --by EACH-DECIDER)"
        )
    if not reason.strip():
        raise RevpactError("a new hearing says why the dispute is heard again; give a reason")
    found: list[str] = []
    for person in attendees:
        if person.strip() and not any(_same(person, f) for f in found):
            found.append(person.strip())
    if not found:
        raise RevpactError("a hearing lists who attended (e-mails)")
    _not_before("the new hearing", at_us, f"decision {current.id} it reopens", current.decided_us)
    return tuple(found)


def check_decision(
    dispute: Dispute,
    *,
    deciders: Sequence[str],
    by: Sequence[str],
    supersedes: int | None,
    at_us: int,
) -> tuple[int, tuple[str, ...], int | None]:
    """The deciders ``by`` may record a decision of ``dispute`` at ``at_us``, superseding
    ``supersedes``; returns the new decision's number within the dispute, the deciders who made
    it (as the terms spell them) and the rehearing it follows (None for the first)."""
    if not deciders:
        raise RefusedError(
            f"dispute {dispute.id} has nobody to decide it: the agreement names no deciders; "
            "add conflict_resolution.members (the e-mails of the signatories on the panel, or "
            "of the sole arbiter) to the agreement, then publish and sign it"
        )
    who = ", ".join(deciders)
    role = "the panel" if dispute.terms.mode == "panel" else "the sole arbiter"
    given = [b for b in by if b.strip()]
    if not given:
        raise NotADeciderError(
            f"only {role} decides dispute {dispute.id}: {who}; no decider was named"
        )
    outsider = next((b for b in given if not any(_same(b, d) for d in deciders)), None)
    if outsider is not None:
        raise NotADeciderError(
            f'only {role} decides dispute {dispute.id}: {who}; "{outsider.strip()}" is not one'
        )
    missing = [d for d in deciders if not any(_same(b, d) for b in given)]
    if missing:
        raise RefusedError(
            f"a decision of {role} needs all of it: {', '.join(missing)} did not make this one; "
            f"record the decision the panel takes together, naming each of {who} as a decider"
        )
    current = dispute.current
    if current is None:
        if supersedes is not None:
            raise RefusedError(
                f"dispute {dispute.id} has no decision yet, so supersedes {supersedes} names "
                "nothing to replace; leave it out"
            )
        unheard = [side.value for side in HEARD_BY if dispute.presentation(side) is None]
        if unheard:
            verb = "has" if len(unheard) == 1 else "have"
            raise RefusedError(
                f"dispute {dispute.id} cannot be decided yet: {' and '.join(unheard)} {verb} "
                f"not presented; each side's representative presents, then {role} decides"
            )
        last = max(p.recorded_us for p in dispute.presentations)
        _not_before("the decision", at_us, "the last presentation", last)
        return 1, tuple(deciders), None
    hearing = dispute.pending_hearing
    if hearing is None:
        raise RefusedError(
            f"dispute {dispute.id} already has decision {current.id}; a decision is superseded "
            f"only after a new hearing: record it (revpact dispute rehear {dispute.id} --reason "
            f"TEXT --attendee EMAIL ...), then {role} decides again (--supersedes {current.id})"
        )
    if supersedes is None:
        raise RefusedError(
            f"dispute {dispute.id} already has decision {current.id}, the current one; a new "
            f"decision must say it supersedes {current.id} (--supersedes {current.id})"
        )
    if supersedes != current.id:
        known = {d.id: d for d in dispute.decisions}
        if supersedes not in known:
            raise RefusedError(
                f"supersedes {supersedes} is not a decision of dispute {dispute.id}; its "
                f"current decision is {current.id}"
            )
        later = dispute.superseded_by(supersedes)
        raise RefusedError(
            f"decision {supersedes} was already superseded by decision "
            f"{later.id if later else current.id}; supersede the current decision {current.id}"
        )
    absent = [d for d in deciders if not any(_same(a, d) for a in hearing.attendees)]
    if absent:
        raise RefusedError(
            f"{', '.join(absent)} did not attend the new hearing of "
            f"{_iso(hearing.held_us)}; {role} decides after hearing the dispute again"
        )
    _not_before("the decision", at_us, "the new hearing", hearing.held_us)
    return current.number + 1, tuple(deciders), hearing.id
