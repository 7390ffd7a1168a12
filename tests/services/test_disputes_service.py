"""Disputes in the store: opened under the version in force, heard, decided by the deciders
fixed at opening, and superseded — never edited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.disputes import DisputeStage, NotADeciderError
from revpact.errors import NotFoundError, RefusedError, RevpactError
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services import agreement_versions as av
from revpact.services.disputes import (
    decide,
    get_dispute,
    list_disputes,
    name_representative,
    open_dispute,
    record_presentation,
    rehear,
)
from revpact.services.public.disputes import DisputePublic
from revpact.store.audit import audit_rows

NY = ZoneInfo("America/New_York")
NOW = datetime(2020, 12, 31, 18, tzinfo=UTC)
EN = company_a_template("en")
MEMBERS = (
    "  members: [emily.carter@company-a.example, michael.brennan@company-a.example, "
    "margaret.lowell@company-a.example]\n"
)
NO_MEMBERS = EN.replace(MEMBERS, "")
ARBITER = EN.replace("mode: panel ", "mode: sole_arbiter ").replace(
    MEMBERS, "  members: [david.okafor@company-a.example]\n"
)
CMO = "emily.carter@company-a.example"
VP_SALES = "michael.brennan@company-a.example"
CEO = "margaret.lowell@company-a.example"
CFO = "david.okafor@company-a.example"
PRIYA = "priya.raman@company-a.example"
SARAH = "sarah.whitfield@company-a.example"
PANEL = (CMO, VP_SALES, CEO)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NY)


def publish_and_sign(engine: Engine, source: str, when: datetime) -> None:
    published = av.publish(engine, parse_agreement(source), source, at=when, now=NOW)
    for index, person in enumerate(published.version.agreement.signatories):
        when_signed = when + timedelta(minutes=index)
        av.sign(engine, person.email, version=None, at=when_signed, now=NOW, via="cli")


def heard(engine: Engine, agreement: Agreement, opened: str = "2020-03-02T10:00") -> int:
    """A dispute whose both sides have presented (sales over its time-box)."""
    dispute = open_dispute(engine, agreement, topic="Webinar leads", raised_by=SARAH, at=at(opened))
    start = at(opened)
    name_representative(engine, agreement, dispute.id, team="sales", member=SARAH, at=start)
    name_representative(engine, agreement, dispute.id, team="marketing", member=PRIYA, at=start)
    record_presentation(
        engine, dispute.id, team="sales", minutes=20, at=start + timedelta(minutes=20)
    )
    record_presentation(
        engine, dispute.id, team="marketing", minutes=15, at=start + timedelta(minutes=40)
    )
    return dispute.id


def test_the_whole_procedure(engine: Engine, agreement: Agreement) -> None:
    opened = open_dispute(
        engine, agreement, topic="  Webinar leads  ", raised_by=SARAH, at=at("2020-03-02T10:00")
    )
    assert opened.stage is DisputeStage.AWAITING_REPRESENTATIVES
    assert (opened.topic, opened.terms.mode, opened.terms.deciders) == (
        "Webinar leads",
        "panel",
        (CMO, VP_SALES, CEO),
    )
    assert (opened.terms.presentation_seconds, opened.terms.binding) == (900, True)
    dispute_id = opened.id
    name_representative(
        engine, agreement, dispute_id, team="sales", member=SARAH.upper(), at=at("2020-03-02T10:05")
    )
    named = name_representative(
        engine, agreement, dispute_id, team="marketing", member=PRIYA, at=at("2020-03-02T10:05")
    )
    assert named.stage is DisputeStage.AWAITING_PRESENTATIONS
    assert [r.member for r in named.representatives] == [PRIYA, SARAH]  # roster spelling
    talk = record_presentation(
        engine, dispute_id, team="sales", minutes=20, at=at("2020-03-02T10:30")
    )
    assert talk.presentations[0].over_by(talk.terms.presentation_seconds) == 300
    with pytest.raises(RefusedError, match="marketing has not presented"):
        decide(
            engine,
            agreement,
            dispute_id,
            decision="x",
            by=PANEL,
            supersedes=None,
            at=at("2020-03-02T11:00"),
        )
    record_presentation(engine, dispute_id, team="marketing", minutes=10, at=at("2020-03-02T10:45"))
    first = decide(
        engine,
        agreement,
        dispute_id,
        decision="Sales calls them within 1h",
        by=(VP_SALES, CEO, CMO),
        supersedes=None,
        at=at("2020-03-02T11:00"),
    )
    assert first.stage is DisputeStage.DECIDED and first.current is not None
    assert first.current.decided_by == VP_SALES and first.current.made_by == PANEL
    payload = DisputePublic.of(first).model_dump(mode="json")
    assert payload["presentations"][0]["over_by_seconds"] == 300
    assert payload["presentations"][1]["over_by_seconds"] == 0
    assert payload["current_decision"] == first.current.id
    with pytest.raises(RefusedError, match="hearing is closed"):
        record_presentation(engine, dispute_id, team="sales", minutes=5, at=at("2020-03-03T09:00"))
    assert [d.id for d in list_disputes(engine)] == [dispute_id]


def test_only_deciders_decide(engine: Engine, agreement: Agreement) -> None:
    dispute_id = heard(engine, agreement)
    for outsider in (CFO, SARAH, "someone@else.example"):
        with pytest.raises(NotADeciderError, match=f"only the panel decides dispute {dispute_id}"):
            decide(
                engine,
                agreement,
                dispute_id,
                decision="x",
                by=(outsider, *PANEL),
                supersedes=None,
                at=at("2020-03-02T12:00"),
            )
    assert get_dispute(engine, dispute_id).decisions == ()


def test_a_panel_decision_needs_every_member(engine: Engine, agreement: Agreement) -> None:
    dispute_id = heard(engine, agreement)
    with pytest.raises(RefusedError, match="needs all of it") as caught:
        decide(
            engine,
            agreement,
            dispute_id,
            decision="x",
            by=(CMO,),
            supersedes=None,
            at=at("2020-03-02T12:00"),
        )
    assert f"{VP_SALES}, {CEO} did not make this one" in str(caught.value)
    assert get_dispute(engine, dispute_id).decisions == ()


def test_decisions_are_a_chain(engine: Engine, agreement: Agreement) -> None:
    dispute_id = heard(engine, agreement)
    first = decide(
        engine,
        agreement,
        dispute_id,
        decision="A",
        by=PANEL,
        supersedes=None,
        at=at("2020-03-02T12:00"),
    ).current
    assert first is not None
    for supersedes in (first.id, None):
        with pytest.raises(RefusedError, match="superseded only after a new hearing"):
            decide(
                engine,
                agreement,
                dispute_id,
                decision="B",
                by=PANEL,
                supersedes=supersedes,
                at=at("2020-03-03T12:00"),
            )
    with pytest.raises(RefusedError, match=r"before decision \d+ it reopens"):
        rehear(engine, dispute_id, attendees=PANEL, reason="r", at=at("2020-03-02T11:00"))
    reheard = rehear(
        engine,
        dispute_id,
        attendees=(*PANEL, PRIYA, SARAH),
        reason="New conversion data",
        at=at("2020-03-03T10:00"),
        by=CEO,
    )
    assert reheard.stage is DisputeStage.REHEARD
    assert reheard.hearings[0].attendees == (*PANEL, PRIYA, SARAH)
    with pytest.raises(RefusedError, match=f"must say it supersedes {first.id}"):
        decide(
            engine,
            agreement,
            dispute_id,
            decision="B",
            by=PANEL,
            supersedes=None,
            at=at("2020-03-03T12:00"),
        )
    with pytest.raises(RefusedError, match="needs all of it"):
        decide(
            engine,
            agreement,
            dispute_id,
            decision="B",
            by=(CEO,),
            supersedes=first.id,
            at=at("2020-03-03T12:00"),
        )
    second = decide(
        engine,
        agreement,
        dispute_id,
        decision="B",
        by=(CEO, CMO, VP_SALES),
        supersedes=first.id,
        at=at("2020-03-03T12:00"),
    ).current
    assert second is not None and (second.number, second.supersedes) == (2, first.id)
    assert second.hearing_id == reheard.hearings[0].id
    with pytest.raises(RefusedError, match="superseded only after a new hearing"):
        decide(
            engine,
            agreement,
            dispute_id,
            decision="C",
            by=PANEL,
            supersedes=second.id,
            at=at("2020-03-04T12:00"),
        )
    shown = DisputePublic.of(get_dispute(engine, dispute_id)).model_dump(mode="json")
    assert [
        (d["id"], d["supersedes"], d["superseded_by"], d["current"]) for d in shown["decisions"]
    ] == [
        (first.id, None, second.id, False),
        (second.id, first.id, None, True),
    ]
    assert [d["decision"] for d in shown["decisions"]] == ["A", "B"]  # A is kept, unedited
    assert shown["decisions"][1]["deciders"] == list(PANEL)
    assert shown["hearings"][0]["reason"] == "New conversion data"
    # As of a moment between the two: the first decision stands, the rehearing is recorded.
    then = get_dispute(engine, dispute_id, as_of=at("2020-03-03T11:00"))
    assert [d.text for d in then.decisions] == ["A"] and then.stage is DisputeStage.REHEARD
    before = get_dispute(engine, dispute_id, as_of=at("2020-03-02T11:59"))
    assert before.decisions == () and before.hearings == ()
    assert before.stage is DisputeStage.AWAITING_DECISION
    with engine.connect() as conn:
        trail = audit_rows(conn, action_prefix="dispute.")
    assert [r.action for r in trail][-3:] == ["dispute.decide", "dispute.hearing", "dispute.decide"]
    assert trail[-1].actor == CEO and trail[-1].detail["deciders"] == list(PANEL)
    assert trail[-2].actor == CEO and trail[-2].claimed_us == to_us(at("2020-03-03T10:00"))


def test_disputes_read_as_of_a_moment(engine: Engine, agreement: Agreement) -> None:
    early = heard(engine, agreement, "2020-03-02T10:00")
    assert list_disputes(engine, as_of=at("2020-03-02T09:59")) == []
    with pytest.raises(NotFoundError, match="after"):
        get_dispute(engine, early, as_of=at("2020-03-02T09:59"))
    opened = get_dispute(engine, early, as_of=at("2020-03-02T10:00"))
    assert opened.presentations == ()  # named at the opening; presented later
    assert opened.stage is DisputeStage.AWAITING_PRESENTATIONS
    assert [d.id for d in list_disputes(engine, as_of=NOW)] == [early]


def test_deciders_are_fixed_when_the_dispute_is_opened(
    engine: Engine, agreement: Agreement
) -> None:
    publish_and_sign(engine, EN, at("2020-02-03T09:00"))
    before = heard(engine, agreement, "2020-03-02T10:00")
    publish_and_sign(engine, ARBITER, at("2020-04-01T09:00"))
    after = heard(engine, agreement, "2020-04-02T10:00")
    assert get_dispute(engine, before).terms.deciders == (CMO, VP_SALES, CEO)
    assert get_dispute(engine, after).terms.mode == "sole_arbiter"
    with pytest.raises(NotADeciderError, match=f"only the sole arbiter decides .*: {CFO}"):
        decide(
            engine,
            agreement,
            after,
            decision="x",
            by=(CEO,),
            supersedes=None,
            at=at("2020-04-03T09:00"),
        )
    # the old dispute is still decided by its panel, not by the new arbiter
    with pytest.raises(NotADeciderError):
        decide(
            engine,
            agreement,
            before,
            decision="x",
            by=(CFO, *PANEL),
            supersedes=None,
            at=at("2020-04-03T09:00"),
        )
    decide(
        engine,
        agreement,
        before,
        decision="x",
        by=PANEL,
        supersedes=None,
        at=at("2020-04-03T09:00"),
    )
    decide(
        engine,
        agreement,
        after,
        decision="y",
        by=(CFO,),
        supersedes=None,
        at=at("2020-04-03T09:00"),
    )


def test_without_members_deciding_is_refused(engine: Engine) -> None:
    bare = parse_agreement(NO_MEMBERS)
    dispute_id = heard(engine, bare)
    assert get_dispute(engine, dispute_id).terms.deciders == ()
    with pytest.raises(RefusedError, match=r"add conflict_resolution\.members"):
        decide(
            engine,
            bare,
            dispute_id,
            decision="x",
            by=PANEL,
            supersedes=None,
            at=at("2020-03-02T12:00"),
        )
    # once the agreement names them, the members in force when deciding take the seats
    publish_and_sign(engine, EN, at("2020-03-03T09:00"))
    decided = decide(
        engine,
        bare,
        dispute_id,
        decision="x",
        by=(CEO, CMO, VP_SALES),
        supersedes=None,
        at=at("2020-03-04T12:00"),
    )
    assert decided.current is not None and decided.current.decided_by == CEO
    assert decided.current.made_by == PANEL


def test_refusals_name_the_field(engine: Engine, agreement: Agreement) -> None:
    with pytest.raises(RevpactError, match='raised_by "sarah" is not an e-mail'):
        open_dispute(engine, agreement, topic="x", raised_by="sarah", at=NOW)
    with pytest.raises(RevpactError, match="topic is empty"):
        open_dispute(engine, agreement, topic=" ", raised_by=SARAH, at=NOW)
    with pytest.raises(NotFoundError, match="no dispute 7"):
        name_representative(engine, agreement, 7, team="sales", member=SARAH, at=NOW)
    dispute_id = open_dispute(engine, agreement, topic="x", raised_by=SARAH, at=NOW).id
    with pytest.raises(RevpactError, match='team "finance" is not a team'):
        name_representative(engine, agreement, dispute_id, team="finance", member=SARAH, at=NOW)
    name_representative(engine, agreement, dispute_id, team="sales", member=SARAH, at=NOW)
    with pytest.raises(RefusedError, match="once"):
        name_representative(engine, agreement, dispute_id, team="sales", member=SARAH, at=NOW)
    with pytest.raises(NotFoundError):
        record_presentation(engine, 99, team="sales", minutes=5, at=NOW)
