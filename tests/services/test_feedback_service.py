"""Feedback in the store: raised under the version in force, answered once, listed by state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.errors import NotFoundError, RefusedError, RevpactError
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services import agreement_versions as av
from revpact.services.feedback import (
    FeedbackState,
    add_feedback,
    answer_feedback,
    get_feedback,
    list_feedback,
    recipient_of,
)
from revpact.services.public.feedback import FeedbackPublic
from revpact.store.audit import audit_rows

NY = ZoneInfo("America/New_York")
NOW = datetime(2020, 12, 31, 18, tzinfo=UTC)
EN = company_a_template("en")
EN_12H = EN.replace("within: 24h", "within: 12h")
EN_BUSINESS = EN.replace("within: 24h\n    clock: wall", "within: 8h\n    clock: business")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NY)


def raise_item(engine: Engine, agreement: Agreement, when: str, *, topic: str = "follow_up") -> int:
    view = add_feedback(
        engine,
        agreement,
        from_team="marketing",
        to_team="sales",
        topic=topic,
        text="Reps skip the notes field",
        by="emily.carter@company-a.example",
        at=at(when),
    )
    return view.id


def publish_and_sign(engine: Engine, source: str, when: datetime) -> str:
    published = av.publish(engine, parse_agreement(source), source, at=when, now=NOW)
    for index, person in enumerate(published.version.agreement.signatories):
        av.sign(
            engine,
            person.email,
            version=None,
            at=when + timedelta(minutes=index),
            now=NOW,
            via="cli",
        )
    return published.version.hash


def test_raise_and_answer(engine: Engine, agreement: Agreement) -> None:
    view = add_feedback(
        engine,
        agreement,
        from_team="sales",
        to_team="marketing",
        topic="lead_quality",
        text="  Webinar leads are students  ",
        by=None,
        at=at("2020-10-31T10:00"),
    )
    assert (view.id, view.text, view.clock, view.version) == (
        1,
        "Webinar leads are students",
        "wall",
        None,
    )
    assert view.due_at == at("2020-11-01T09:00")  # 24 real hours across fall-back
    assert view.state is FeedbackState.OPEN and view.answer is None
    assert recipient_of(engine, view.id) == "marketing"
    answered = answer_feedback(
        engine,
        view.id,
        text="We filter them now",
        by="priya.raman@company-a.example",
        at=at("2020-11-01T08:59"),
    )
    assert answered.state is FeedbackState.ON_TIME
    assert (answered.answer, answered.answered_by) == (
        "We filter them now",
        "priya.raman@company-a.example",
    )
    assert (
        FeedbackPublic.of(answered).model_dump(mode="json")["answered_at"]
        == "2020-11-01T13:59:00+00:00"
    )


def test_the_four_states_as_of(engine: Engine, agreement: Agreement) -> None:
    on_time = raise_item(engine, agreement, "2020-06-01T09:00")
    late = raise_item(engine, agreement, "2020-06-01T10:00")
    overdue = raise_item(engine, agreement, "2020-06-01T11:00")
    still_open = raise_item(engine, agreement, "2020-06-02T10:30")
    raise_item(engine, agreement, "2020-06-03T09:00")  # raised after as_of: not listed
    answer_feedback(engine, on_time, text="done", by=None, at=at("2020-06-02T08:00"))
    answer_feedback(engine, late, text="done", by=None, at=at("2020-06-02T10:01"))
    answer_feedback(engine, overdue, text="done", by=None, at=at("2020-06-02T12:00"))
    as_of = at("2020-06-02T11:30")
    views = list_feedback(engine, as_of=as_of)
    assert [(v.id, v.state) for v in views] == [
        (on_time, FeedbackState.ON_TIME),
        (late, FeedbackState.LATE),
        (overdue, FeedbackState.OVERDUE),  # its answer came after as_of
        (still_open, FeedbackState.OPEN),
    ]
    assert views[2].answer is None and views[2].answered_at is None
    only = list_feedback(engine, as_of=as_of, states=[FeedbackState.OVERDUE, "late"])  # type: ignore[list-item]
    assert [v.id for v in only] == [late, overdue]
    assert get_feedback(engine, overdue, as_of=at("2020-06-03T00:00")).state is (FeedbackState.LATE)
    with pytest.raises(NotFoundError, match="after"):
        get_feedback(engine, still_open, as_of=at("2020-06-01T00:00"))
    with pytest.raises(NotFoundError, match="no feedback 99"):
        get_feedback(engine, 99, as_of=as_of)


def test_an_answer_is_a_record(engine: Engine, agreement: Agreement) -> None:
    item = raise_item(engine, agreement, "2020-06-01T09:00")
    with pytest.raises(RefusedError, match="before it was raised"):
        answer_feedback(engine, item, text="x", by=None, at=at("2020-06-01T08:59"))
    answer_feedback(
        engine, item, text="first", by="kevin.tran@company-a.example", at=at("2020-06-01T12:00")
    )
    with pytest.raises(RefusedError, match=r"already answered by kevin\.tran"):
        answer_feedback(engine, item, text="second", by=None, at=at("2020-06-01T13:00"))
    assert get_feedback(engine, item, as_of=NOW).answer == "first"
    with pytest.raises(NotFoundError, match="no feedback 42"):
        answer_feedback(engine, 42, text="x", by=None, at=NOW)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("from_team", "sales", 'both "sales"'),
        ("to_team", "finance", 'to_team "finance" is not a team'),
        ("topic", "pricing", 'topic "pricing" is not a feedback topic'),
        ("text", "  ", "text is empty"),
    ],
)
def test_bad_input_names_the_field(
    engine: Engine, agreement: Agreement, field: str, value: str, message: str
) -> None:
    values = {"from_team": "marketing", "to_team": "sales", "topic": "process", "text": "t"}
    values[field] = value
    if field == "from_team":
        values["to_team"] = "sales"
    with pytest.raises(RevpactError, match=message):
        add_feedback(engine, agreement, by=None, at=NOW, **values)
    assert list_feedback(engine, as_of=NOW) == []


def test_due_comes_from_the_version_in_force_when_raised(
    engine: Engine, agreement: Agreement
) -> None:
    v1 = publish_and_sign(engine, EN, at("2020-02-03T09:00"))
    v2 = publish_and_sign(engine, EN_12H, at("2020-05-04T09:00"))
    # v2 is in force once its last signature is given: 10 minutes later (11 signatories)
    before = add_feedback(
        engine,
        agreement,
        from_team="sales",
        to_team="marketing",
        topic="sales_tools",
        text="The deck is old",
        by=None,
        at=at("2020-05-04T09:05"),
    )
    after = add_feedback(
        engine,
        agreement,
        from_team="sales",
        to_team="marketing",
        topic="sales_tools",
        text="The deck is old",
        by=None,
        at=at("2020-05-04T09:10"),
    )
    assert (before.version, before.due_at) == (v1, at("2020-05-05T09:05"))
    assert (after.version, after.due_at) == (v2, at("2020-05-04T21:10"))
    # a later amendment changes nothing already raised
    publish_and_sign(engine, EN.replace("within: 24h", "within: 6h"), at("2020-07-01T09:00"))
    stored = {v.id: v for v in list_feedback(engine, as_of=NOW)}
    assert stored[before.id].due_at == at("2020-05-05T09:05")
    assert stored[after.id].due_at == at("2020-05-04T21:10")
    assert stored[after.id].version == v2


def test_business_clock_from_the_file(engine: Engine) -> None:
    spec = parse_agreement(EN_BUSINESS)
    # Wednesday 15:00 before Thanksgiving + 8 business hours: 2 on Wed, Thu holiday, Fri
    # closed, weekend, 6 on Monday
    view = add_feedback(
        engine,
        spec,
        from_team="marketing",
        to_team="sales",
        topic="follow_up",
        text="x",
        by=None,
        at=at("2020-11-25T15:00"),
    )
    assert (view.clock, view.due_at) == ("business", at("2020-11-30T15:00"))


def test_feedback_is_due_within_the_window_after_its_event(
    engine: Engine, agreement: Agreement
) -> None:
    """The article: feedback is delivered within 24 hours of what it is about, not of the
    moment someone raised it."""
    view = add_feedback(
        engine,
        agreement,
        from_team="marketing",
        to_team="sales",
        topic="follow_up",
        text="Seven leads breached on Friday afternoon",
        by="emily.carter@company-a.example",
        at=at("2020-06-08T09:45"),
        event_at=at("2020-06-05T16:10"),
        now=NOW,
    )
    assert view.event_at == at("2020-06-05T16:10")
    assert view.raised_at == at("2020-06-08T09:45")
    assert view.due_at == at("2020-06-06T16:10")  # 24 h after the event
    assert view.state is FeedbackState.OVERDUE  # raised after its window had passed
    assert (
        FeedbackPublic.of(view).model_dump(mode="json")["event_at"] == "2020-06-05T20:10:00+00:00"
    )
    plain = raise_item(engine, agreement, "2020-06-08T10:00")
    shown = get_feedback(engine, plain, as_of=NOW)
    assert shown.event_at == shown.raised_at  # by default, the moment raised
    with pytest.raises(RefusedError, match="cannot be raised before it"):
        add_feedback(
            engine,
            agreement,
            from_team="marketing",
            to_team="sales",
            topic="follow_up",
            text="x",
            by=None,
            at=at("2020-06-08T09:45"),
            event_at=at("2020-06-08T09:46"),
        )


def test_raising_and_answering_are_on_the_audit_trail(engine: Engine, agreement: Agreement) -> None:
    item = raise_item(engine, agreement, "2020-06-08T10:00")
    answer_feedback(
        engine,
        item,
        text="Done",
        by="michael.brennan@company-a.example",
        at=at("2020-06-08T12:00"),
        via="token:7",
        now=NOW,
    )
    with engine.connect() as conn:
        trail = audit_rows(conn, action_prefix="feedback.")
    assert [(r.action, r.actor, r.via, r.subject) for r in trail] == [
        ("feedback.raise", "emily.carter@company-a.example", "cli", f"feedback:{item}"),
        ("feedback.answer", "michael.brennan@company-a.example", "token:7", f"feedback:{item}"),
    ]
    assert trail[1].claimed_us == to_us(at("2020-06-08T12:00"))
    assert trail[1].recorded_us == to_us(NOW)
