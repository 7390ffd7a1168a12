"""Feedback between the teams: when an item is due and where it stands at a given moment.

An item is about an *event* (a lead handed over, a week of follow-up, a proposal sent) and is
due ``communication.feedback.within`` after that event — the article: "all feedback between
the teams is delivered within 24 hours" of what it is about — not after the moment someone got
round to raising it. The event is named when the item is raised (by default: that moment), may
not be later than it, and the window is counted on the ``clock`` of the agreement in force at
the event:

* ``wall`` — real elapsed time: 24 h across a daylight-saving change is 24 real hours
  (event 2020-10-31 10:00 EDT, due 2020-11-01 09:00 EST);
* ``business`` — business time on the agreement's business calendar (the follow-up SLA's
  calendar: weekly hours minus holidays), so an item about a Friday afternoon event is due on
  Monday.

An item raised after its window has passed is overdue from the moment it is raised.

As of a moment ``T`` an item raised by ``T`` is (:data:`STATE_RULES`):

* ``open`` — not answered by ``T``, and ``T`` is not past its due time;
* ``overdue`` — not answered by ``T``, and ``T`` is past its due time;
* ``on_time`` — answered by ``T``, at or before its due time;
* ``late`` — answered by ``T``, after its due time.

An answer given after ``T`` has not been given yet as of ``T``. Pure: times are integer epoch
microseconds (UTC) passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from revpact.domain.agreement.model import Agreement, Clock, FeedbackTopic, Side
from revpact.domain.clock.calendar import from_us
from revpact.errors import RefusedError, RevpactError

__all__ = [
    "MAX_TEXT",
    "STATE_RULES",
    "Due",
    "FeedbackState",
    "check_answer",
    "check_event",
    "check_text",
    "due_of",
    "parse_side",
    "parse_topic",
    "state_of",
    "teams",
]

_US = 1_000_000
MAX_TEXT: Final = 10_000
"""The longest text a feedback item or an answer may have, in characters."""


class FeedbackState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    ON_TIME = "on_time"
    LATE = "late"


STATE_RULES: Final[Mapping[tuple[bool, bool], FeedbackState]] = {
    # (answered by as_of, past due: answered after due / as_of after due) -> state
    (False, False): FeedbackState.OPEN,
    (False, True): FeedbackState.OVERDUE,
    (True, False): FeedbackState.ON_TIME,
    (True, True): FeedbackState.LATE,
}


def state_of(*, due_us: int, answered_us: int | None, as_of_us: int) -> FeedbackState:
    """Where an item due at ``due_us`` stands as of ``as_of_us`` (an answer after ``as_of_us``
    counts as not given). Answering exactly at the due time is on time."""
    answered = answered_us is not None and answered_us <= as_of_us
    if answered:
        assert answered_us is not None
        return STATE_RULES[(True, answered_us > due_us)]
    return STATE_RULES[(False, as_of_us > due_us)]


@dataclass(frozen=True)
class Due:
    """When an item about an event at ``event_us`` is due, and on which clock it was counted."""

    due_us: int
    clock: Clock
    within_seconds: int


def due_of(agreement: Agreement, event_us: int) -> Due:
    """The due time of an item about an event at ``event_us`` under ``agreement`` (the version
    in force at the event). A business clock uses the agreement's business calendar."""
    spec = agreement.communication.feedback
    within_us = spec.within * _US
    if spec.clock is Clock.BUSINESS:
        due = agreement.business_calendar().add_business_us(event_us, within_us)
    else:
        due = event_us + within_us
    return Due(due, spec.clock, spec.within)


def check_event(*, event_us: int, raised_us: int) -> None:
    """Feedback is raised about something that has happened: the event is not after the
    moment the item is raised."""
    if event_us > raised_us:
        raise RefusedError(
            f"feedback about an event at {_iso(event_us)} cannot be raised before it, at "
            f"{_iso(raised_us)}; give the event's time (event_at) at or before the moment "
            "the feedback is raised"
        )


def _choices(kind: type[Side] | type[FeedbackTopic]) -> str:
    return "|".join(member.value for member in kind)


def parse_side(value: str, field: str) -> Side:
    """A team named in ``field`` (``marketing`` or ``sales``)."""
    try:
        return Side(value.strip().lower())
    except ValueError:
        raise RevpactError(f'{field} "{value}" is not a team; write {_choices(Side)}') from None


def parse_topic(value: str) -> FeedbackTopic:
    try:
        return FeedbackTopic(value.strip().lower())
    except ValueError:
        raise RevpactError(
            f'topic "{value}" is not a feedback topic; write {_choices(FeedbackTopic)}'
        ) from None


def teams(from_team: str, to_team: str) -> tuple[Side, Side]:
    """The two teams of an item: named, and not the same team."""
    source, target = parse_side(from_team, "from_team"), parse_side(to_team, "to_team")
    if source is target:
        raise RevpactError(
            f'from_team and to_team are both "{source}"; feedback goes from one team to the other'
        )
    return source, target


def check_text(value: str, field: str) -> str:
    """Text as stored: surrounding whitespace removed, not empty, not too long."""
    text = value.strip()
    if not text:
        raise RevpactError(f"{field} is empty; write some text")
    if len(text) > MAX_TEXT:
        raise RevpactError(f"{field} has {len(text)} characters; at most {MAX_TEXT}")
    if "\x00" in text or not _encodable(text):
        raise RevpactError(
            f"{field} contains a character that is not text (NUL or a lone surrogate)"
        )
    return text


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_answer(
    *,
    feedback_id: int,
    raised_us: int,
    answered_us: int,
    previous_answer_us: int | None,
    previous_by: str | None,
) -> None:
    """An item is answered once (the answer is a record) and not before it was raised."""
    if previous_answer_us is not None:
        who = f" by {previous_by}" if previous_by else ""
        raise RefusedError(
            f"feedback {feedback_id} was already answered{who} at "
            f"{_iso(previous_answer_us)}; an answer is a record and is given once"
        )
    if answered_us < raised_us:
        raise RefusedError(
            f"feedback {feedback_id} cannot be answered at {_iso(answered_us)}, before it was "
            f"raised ({_iso(raised_us)})"
        )


def _iso(us: int) -> str:
    return from_us(us).isoformat()
