"""The public shape of feedback: every field, in order, as the CLI, the API and the page send
it (moments ISO 8601 in UTC, enums as their values, null until answered)."""

from __future__ import annotations

from datetime import UTC, datetime

from revpact.domain.feedback import FeedbackState
from revpact.services.feedback import FeedbackView
from revpact.services.public.feedback import FeedbackListPublic, FeedbackPublic

OPEN = FeedbackView(
    id=3,
    from_team="marketing",
    to_team="sales",
    topic="follow_up",
    text="Reps skip the notes field",
    raised_by=None,
    raised_at=datetime(2020, 6, 1, 13, tzinfo=UTC),
    event_at=datetime(2020, 6, 1, 12, 30, tzinfo=UTC),
    due_at=datetime(2020, 6, 2, 12, 30, tzinfo=UTC),
    clock="wall",
    version=None,
    answer=None,
    answered_by=None,
    answered_at=None,
    state=FeedbackState.OPEN,
)
ANSWERED = FeedbackView(
    id=1,
    from_team="sales",
    to_team="marketing",
    topic="lead_quality",
    text="Webinar leads are students",
    raised_by="priya.raman@company-a.example",
    raised_at=datetime(2020, 10, 31, 14, tzinfo=UTC),
    event_at=datetime(2020, 10, 31, 14, tzinfo=UTC),
    due_at=datetime(2020, 11, 1, 14, tzinfo=UTC),
    clock="business",
    version="ab" * 32,
    answer="We filter them now",
    answered_by="emily.carter@company-a.example",
    answered_at=datetime(2020, 11, 1, 13, 59, 30, 250, tzinfo=UTC),
    state=FeedbackState.ON_TIME,
)

OPEN_JSON = {
    "id": 3,
    "from_team": "marketing",
    "to_team": "sales",
    "topic": "follow_up",
    "text": "Reps skip the notes field",
    "raised_by": None,
    "raised_at": "2020-06-01T13:00:00+00:00",
    "event_at": "2020-06-01T12:30:00+00:00",
    "due_at": "2020-06-02T12:30:00+00:00",
    "clock": "wall",
    "version": None,
    "answer": None,
    "answered_by": None,
    "answered_at": None,
    "state": "open",
}


def test_an_open_item_has_nulls_for_its_answer() -> None:
    shown = FeedbackPublic.of(OPEN).model_dump(mode="json")
    assert shown == OPEN_JSON
    assert list(shown) == list(OPEN_JSON)


def test_an_answered_item() -> None:
    assert FeedbackPublic.of(ANSWERED).model_dump(mode="json") == {
        "id": 1,
        "from_team": "sales",
        "to_team": "marketing",
        "topic": "lead_quality",
        "text": "Webinar leads are students",
        "raised_by": "priya.raman@company-a.example",
        "raised_at": "2020-10-31T14:00:00+00:00",
        "event_at": "2020-10-31T14:00:00+00:00",
        "due_at": "2020-11-01T14:00:00+00:00",
        "clock": "business",
        "version": "ab" * 32,
        "answer": "We filter them now",
        "answered_by": "emily.carter@company-a.example",
        "answered_at": "2020-11-01T13:59:30.000250+00:00",
        "state": "on_time",
    }


def test_the_list_as_of_a_moment() -> None:
    as_of = datetime(2020, 6, 2, 11, 30, tzinfo=UTC)
    shown = FeedbackListPublic.of(as_of, [OPEN]).model_dump(mode="json")
    assert shown == {"as_of": "2020-06-02T11:30:00+00:00", "feedback": [OPEN_JSON]}
    assert list(shown) == ["as_of", "feedback"]
    assert FeedbackListPublic.of(as_of, []).model_dump(mode="json")["feedback"] == []
