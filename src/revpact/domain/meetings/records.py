"""What a record of a held meeting must hold: its notes' parts (:data:`NOTES_PARTS`, read from
markdown or given as parts), and the length and roles that make it count as held as agreed
(:func:`why_not_held`).

Pure: nothing here reads a clock, a file or a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from revpact.domain.agreement.model import (
    Audience,
    Cadence,
    Meeting,
    Side,
    Signatory,
)
from revpact.errors import InputError

__all__ = [
    "NOTES_PARTS",
    "ROLES_NEEDED",
    "NotesPart",
    "RoleNeeded",
    "check_minutes",
    "notes_template",
    "parse_notes",
    "why_not_held",
]


# --- notes --------------------------------------------------------------------------------------


def _normal(heading: str) -> str:
    """A heading as compared: casefolded, punctuation and extra spaces removed."""
    return " ".join(re.sub(r"[\W_]+", " ", heading.casefold()).split())


@dataclass(frozen=True)
class NotesPart:
    """A part the notes of a meeting must hold: its key in the stored minutes and the headings
    that introduce it (the English and Polish ones shown in messages, then other spellings)."""

    key: str
    heading: str
    heading_pl: str
    aliases: tuple[str, ...] = ()

    def shown(self, language: str = "en") -> str:
        first, other = (
            (self.heading_pl, self.heading) if language == "pl" else (self.heading, self.heading_pl)
        )
        return f'"## {first}" (or "## {other}")'

    def matches(self, heading: str) -> bool:
        return _normal(heading) in {
            _normal(h) for h in (self.heading, self.heading_pl, *self.aliases)
        }


NOTES_PARTS: Final[Mapping[Cadence, tuple[NotesPart, ...]]] = {
    Cadence.WEEKLY: (
        NotesPart(
            "what_worked",
            "What worked",
            "Co zadziałało",
            ("What worked well", "Co działało dobrze", "Co zadziałało dobrze"),
        ),
        NotesPart(
            "what_did_not_work",
            "What did not work",
            "Co nie zadziałało",
            (
                "What didn't work",
                "What did not work so well",
                "What did not work well",
                "Co nie działało",
                "Co nie działało tak dobrze",
            ),
        ),
        NotesPart(
            "improvements",
            "Improvements for next week",
            "Usprawnienia na przyszły tydzień",
            (
                "Improvements",
                "Improvements for the coming week",
                "Usprawnienia",
                "Ulepszenia na nadchodzący tydzień",
                "Usprawnienia na nadchodzący tydzień",
            ),
        ),
    ),
    Cadence.MONTHLY: (
        NotesPart(
            "marketing_plan",
            "Marketing 30-day plan",
            "Plan marketingu na 30 dni",
            ("Marketing's 30-day plan", "30-day marketing plan", "30-dniowy plan marketingu"),
        ),
        NotesPart(
            "sales_plan",
            "Sales 30-day plan",
            "Plan sprzedaży na 30 dni",
            ("Sales' 30-day plan", "30-day sales plan", "30-dniowy plan sprzedaży"),
        ),
        NotesPart(
            "kpis",
            "KPIs",
            "Wskaźniki KPI",
            ("KPI", "KPIs and goals", "KPI i cele", "Wskaźniki"),
        ),
    ),
}
"""What the notes of each cadence must hold: for the weekly meeting what worked, what did not
and the improvements for the coming week; for the monthly one each team's 30-day plan and the
KPIs."""

_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def _headings(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """(line index, level, text) of every ATX heading outside fenced code blocks."""
    found: list[tuple[int, int, str]] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened[1][0] == fence[0] and len(opened[1]) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened[1]
            continue
        match = _HEADING.match(line)
        if match:
            text = re.sub(r"[ \t]+#+$", "", match[2] or "").strip()
            found.append((index, len(match[1]), text))
    return found


def _problems_error(source: str, cadence: Cadence, problems: list[str]) -> InputError:
    return InputError(
        f"{source} does not hold the {cadence.value} meeting's notes "
        f"({len(problems)} problem{'s' if len(problems) != 1 else ''})",
        problems,
    )


def parse_notes(
    text: str, cadence: Cadence, *, source: str, language: str = "en"
) -> dict[str, str]:
    """The parts of a meeting's markdown notes, by key; :class:`InputError` naming ``source``
    and each heading expected when a part is missing, empty or given twice."""
    lines = text.splitlines()
    headings = _headings(lines)
    parts = NOTES_PARTS[cadence]
    found: dict[str, str] = {}
    problems: list[str] = []
    for position, (index, level, heading) in enumerate(headings):
        part = next((p for p in parts if p.matches(heading)), None)
        if part is None:
            continue
        end = next((i for i, lv, _ in headings[position + 1 :] if lv <= level), len(lines))
        body = "\n".join(lines[index + 1 : end]).strip()
        if part.key in found:
            problems.append(f"line {index + 1}: {part.shown(language)} appears twice; merge them")
            continue
        if not body:
            problems.append(f"line {index + 1}: the section {part.shown(language)} is empty")
        found[part.key] = body
    for part in parts:
        if part.key not in found:
            problems.append(f"no heading {part.shown(language)}; add that section")
    if problems:
        raise _problems_error(source, cadence, problems)
    return {part.key: found[part.key] for part in parts}


def check_minutes(
    minutes: Mapping[str, str], cadence: Cadence, *, source: str = "the minutes"
) -> dict[str, str]:
    """Minutes given as parts (key → text) instead of a file: every part, each non-empty, and no
    other key."""
    parts = NOTES_PARTS[cadence]
    keys = {p.key for p in parts}
    problems = [
        f'"{key}" is not a part of the {cadence.value} meeting\'s minutes; '
        f"the parts are {', '.join(sorted(keys))}"
        for key in minutes
        if key not in keys
    ]
    for part in parts:
        value = minutes.get(part.key)
        if value is None:
            problems.append(f'no "{part.key}" ({part.heading}); add it')
        elif not value.strip():
            problems.append(f'"{part.key}" ({part.heading}) is empty')
    if problems:
        raise _problems_error(source, cadence, problems)
    return {p.key: minutes[p.key].strip() for p in parts}


def notes_template(cadence: Cadence, language: str = "en") -> str:
    """An empty notes file with the headings the cadence needs."""
    parts = NOTES_PARTS[cadence]
    headings = [p.heading_pl if language == "pl" else p.heading for p in parts]
    return "".join(f"## {h}\n\n" for h in headings)


# --- held as agreed -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleNeeded:
    """A role a meeting needs in the room: a signatory of ``team`` who leads it."""

    team: Side
    label: str

    def filled_by(self, person: Signatory) -> bool:
        return person.leader and person.team.value == self.team.value


_LEADERS: Final = (
    RoleNeeded(Side.MARKETING, "marketing leader"),
    RoleNeeded(Side.SALES, "sales leader"),
)
ROLES_NEEDED: Final[Mapping[Audience, tuple[RoleNeeded, ...]]] = {
    Audience.LEADERSHIP: _LEADERS,
    Audience.ALL: _LEADERS,
}
"""The roles each audience needs for a meeting to count: the leadership of both teams meets
weekly; at the whole teams' monthly meeting each team's leader presents its 30-day plan."""


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}" if seconds % 60 == 0 else f"{seconds / 60:.1f}"


def why_not_held(
    meeting: Meeting,
    roster: Sequence[Signatory],
    *,
    attendees: Iterable[str],
    duration: int | None,
) -> tuple[str, ...]:
    """Why a record of ``meeting`` does not count as held as agreed (empty: it counts).
    ``roster``: the signatories of the version in force when it was held; ``duration``: how
    long it lasted, in seconds (None: not recorded)."""
    reasons: list[str] = []
    if duration is None:
        reasons.append("length not recorded")
    elif duration < meeting.duration:
        reasons.append(f"too short: {_minutes(duration)} of {_minutes(meeting.duration)} min")
    present = {a.strip().casefold() for a in attendees}
    for role in ROLES_NEEDED[meeting.attendees]:
        holders = [p for p in roster if role.filled_by(p)]
        if holders and not any(p.email.casefold() in present for p in holders):
            reasons.append(f"missing role: {role.label}")
    return tuple(reasons)
