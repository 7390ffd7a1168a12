"""Dispute rules: the hearing, who decides, the time-box and the chain of decisions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from revpact.domain.agreement.model import Agreement, Side
from revpact.domain.disputes import (
    Decision,
    Dispute,
    DisputeStage,
    Hearing,
    NotADeciderError,
    Presentation,
    Representative,
    Terms,
    check_decision,
    check_email,
    check_hearing,
    check_presentation,
    check_representative,
    deciders_for,
    terms_of,
)
from revpact.errors import RefusedError, RevpactError

CMO = "emily.carter@company-a.example"
VP_SALES = "michael.brennan@company-a.example"
CEO = "margaret.lowell@company-a.example"
CFO = "david.okafor@company-a.example"
PRIYA = "priya.raman@company-a.example"  # marketing
SARAH = "sarah.whitfield@company-a.example"  # sales
T0 = 1_583_161_200_000_000  # 2020-03-02 15:00 UTC
MIN = 60_000_000


@pytest.fixture
def opened(agreement: Agreement) -> Dispute:
    return Dispute(1, "Webinar leads", SARAH, T0, terms_of(agreement.conflict_resolution), None)


def heard(dispute: Dispute) -> Dispute:
    return replace(
        dispute,
        representatives=(
            Representative(Side.MARKETING, PRIYA, T0),
            Representative(Side.SALES, SARAH, T0),
        ),
        presentations=(
            Presentation(1, Side.SALES, SARAH, 20 * 60, T0 + 10 * MIN),
            Presentation(2, Side.MARKETING, PRIYA, 12 * 60, T0 + 30 * MIN),
        ),
    )


def test_company_a_terms(agreement: Agreement) -> None:
    terms = terms_of(agreement.conflict_resolution)
    assert terms == Terms("panel", (CMO, VP_SALES, CEO), 15 * 60, True)


def test_the_stages_follow_the_procedure(opened: Dispute) -> None:
    assert opened.stage is DisputeStage.AWAITING_REPRESENTATIVES
    one = replace(opened, representatives=(Representative(Side.SALES, SARAH, T0),))
    assert one.stage is DisputeStage.AWAITING_REPRESENTATIVES
    both = replace(heard(opened), presentations=heard(opened).presentations[:1])
    assert both.stage is DisputeStage.AWAITING_PRESENTATIONS
    assert heard(opened).stage is DisputeStage.AWAITING_DECISION
    decided = replace(heard(opened), decisions=(Decision(1, 1, "x", CMO, T0 + HOUR, None),))
    assert decided.stage is DisputeStage.DECIDED


HOUR = 60 * MIN


def test_a_team_names_one_representative_from_its_own_signatories(
    opened: Dispute, agreement: Agreement
) -> None:
    roster = agreement.signatories
    check_representative(opened, Side.SALES, SARAH.upper(), T0, roster)
    with pytest.raises(RefusedError, match=f"not a sales signatory.*{VP_SALES}"):
        check_representative(opened, Side.SALES, PRIYA, T0, roster)
    named = replace(opened, representatives=(Representative(Side.SALES, SARAH, T0),))
    with pytest.raises(RefusedError, match="names its representative once"):
        check_representative(named, Side.SALES, SARAH, T0, roster)
    with pytest.raises(RefusedError, match="before dispute 1 was opened"):
        check_representative(opened, Side.MARKETING, PRIYA, T0 - 1, roster)
    check_representative(opened, Side.MARKETING, "anyone@else.example", T0, ())  # no roster


def test_an_overrun_is_recorded_and_flagged_not_refused(opened: Dispute) -> None:
    named = replace(heard(opened), presentations=())
    assert check_presentation(named, Side.SALES, 20, T0 + MIN) == SARAH
    talk = heard(opened).presentation(Side.SALES)
    assert talk is not None and talk.over_by(15 * 60) == 5 * 60
    marketing = heard(opened).presentation(Side.MARKETING)
    assert marketing is not None and marketing.over_by(15 * 60) == 0


def test_a_presentation_needs_its_representative_and_is_given_once(opened: Dispute) -> None:
    with pytest.raises(RefusedError, match=r"sales has no representative.*dispute represent 1"):
        check_presentation(opened, Side.SALES, 10, T0)
    with pytest.raises(RefusedError, match="already presented"):
        check_presentation(heard(opened), Side.SALES, 10, T0 + HOUR)
    named = replace(heard(opened), presentations=())
    with pytest.raises(RevpactError, match="minutes 0 is not a presentation length"):
        check_presentation(named, Side.SALES, 0, T0)
    with pytest.raises(RefusedError, match="before its representative was named"):
        check_presentation(named, Side.SALES, 10, T0 - 1)


PANEL = (CMO, VP_SALES, CEO)


def test_only_a_decider_decides(opened: Dispute) -> None:
    ready = heard(opened)
    deciders = opened.terms.deciders
    assert check_decision(ready, deciders=deciders, by=PANEL, supersedes=None, at_us=T0 + HOUR) == (
        1,
        PANEL,
        None,
    )
    spelled = (" Margaret.Lowell@company-a.example ", VP_SALES.upper(), CMO)
    number, made_by, _ = check_decision(
        ready, deciders=deciders, by=spelled, supersedes=None, at_us=T0 + HOUR
    )
    assert (number, made_by) == (1, PANEL)  # as the terms spell them
    for outsider in ((CFO,), (SARAH, *PANEL), (*PANEL, CFO), ()):
        with pytest.raises(NotADeciderError, match=f"only the panel decides dispute 1: {CMO}"):
            check_decision(ready, deciders=deciders, by=outsider, supersedes=None, at_us=T0 + HOUR)
    assert issubclass(NotADeciderError, RefusedError)


@pytest.mark.parametrize(
    ("by", "missing"),
    [
        ((CMO,), f"{VP_SALES}, {CEO} did not make this one"),
        ((CEO,), f"{CMO}, {VP_SALES} did not make this one"),
        ((CMO, CEO, CMO), f"{VP_SALES} did not make this one"),
    ],
)
def test_a_panel_decision_needs_the_whole_panel(
    opened: Dispute, by: tuple[str, ...], missing: str
) -> None:
    with pytest.raises(RefusedError, match="a decision of the panel needs all of it") as caught:
        check_decision(heard(opened), deciders=PANEL, by=by, supersedes=None, at_us=T0 + HOUR)
    assert missing in str(caught.value)
    assert not isinstance(caught.value, NotADeciderError)


def test_a_sole_arbiter_decides_alone(opened: Dispute) -> None:
    cro = "cro@company-a.example"
    alone = replace(heard(opened), terms=Terms("sole_arbiter", (cro,), 15 * 60, True))
    assert check_decision(alone, deciders=(cro,), by=(cro,), supersedes=None, at_us=T0 + HOUR) == (
        1,
        (cro,),
        None,
    )
    with pytest.raises(NotADeciderError, match=f"only the sole arbiter decides dispute 1: {cro}"):
        check_decision(alone, deciders=(cro,), by=(CEO,), supersedes=None, at_us=T0 + HOUR)


def test_no_members_means_no_decision(opened: Dispute) -> None:
    bare = replace(heard(opened), terms=replace(opened.terms, deciders=()))
    assert deciders_for(bare, ()) == ()
    with pytest.raises(RefusedError, match=r"add conflict_resolution\.members"):
        check_decision(bare, deciders=(), by=(CMO,), supersedes=None, at_us=T0 + HOUR)
    # members named by the time of deciding take the seats
    assert deciders_for(bare, (CFO,)) == (CFO,)
    # a dispute opened with members keeps them, whatever the agreement says later
    assert deciders_for(opened, (CFO,)) == opened.terms.deciders


def test_the_first_decision_follows_both_presentations(opened: Dispute) -> None:
    deciders = opened.terms.deciders
    half = replace(heard(opened), presentations=heard(opened).presentations[:1])
    with pytest.raises(RefusedError, match="marketing has not presented"):
        check_decision(half, deciders=deciders, by=PANEL, supersedes=None, at_us=T0 + HOUR)
    with pytest.raises(RefusedError, match="before the last presentation"):
        check_decision(heard(opened), deciders=deciders, by=PANEL, supersedes=None, at_us=T0)
    with pytest.raises(RefusedError, match="no decision yet"):
        check_decision(heard(opened), deciders=deciders, by=PANEL, supersedes=7, at_us=T0 + HOUR)


FIRST = Decision(10, 1, "Sales calls webinar leads", CMO, T0 + HOUR, None, PANEL)


def rehearing(at_us: int, hearing_id: int = 5, attendees: tuple[str, ...] = PANEL) -> Hearing:
    return Hearing(hearing_id, at_us, attendees, "New data on webinar leads", CMO)


def test_a_bare_second_decision_is_refused(opened: Dispute) -> None:
    one = replace(heard(opened), decisions=(FIRST,))
    with pytest.raises(RefusedError, match="superseded only after a new hearing") as caught:
        check_decision(one, deciders=PANEL, by=PANEL, supersedes=10, at_us=T0 + 3 * HOUR)
    assert "revpact dispute rehear 1 --reason" in str(caught.value)
    assert one.stage is DisputeStage.DECIDED and one.pending_hearing is None


def test_a_new_hearing_then_the_whole_panel_supersedes(opened: Dispute) -> None:
    one = replace(heard(opened), decisions=(FIRST,))
    assert check_hearing(
        one, attendees=(CMO, " ", CEO, CMO.upper(), VP_SALES), reason="x", at_us=T0 + 2 * HOUR
    ) == (CMO, CEO, VP_SALES)
    again = replace(one, hearings=(rehearing(T0 + 2 * HOUR),))
    assert again.stage is DisputeStage.REHEARD
    at = T0 + 3 * HOUR
    assert check_decision(again, deciders=PANEL, by=PANEL, supersedes=10, at_us=at) == (
        2,
        PANEL,
        5,
    )
    with pytest.raises(RefusedError, match="needs all of it"):
        check_decision(again, deciders=PANEL, by=(CEO,), supersedes=10, at_us=at)
    with pytest.raises(RefusedError, match="must say it supersedes 10"):
        check_decision(again, deciders=PANEL, by=PANEL, supersedes=None, at_us=at)
    with pytest.raises(RefusedError, match="99 is not a decision of dispute 1"):
        check_decision(again, deciders=PANEL, by=PANEL, supersedes=99, at_us=at)
    with pytest.raises(RefusedError, match="before the new hearing"):
        check_decision(again, deciders=PANEL, by=PANEL, supersedes=10, at_us=T0 + 2 * HOUR - 1)
    with pytest.raises(RefusedError, match="already heard again"):
        check_hearing(again, attendees=PANEL, reason="x", at_us=at)
    absent = replace(one, hearings=(rehearing(T0 + 2 * HOUR, attendees=(CMO, CEO)),))
    with pytest.raises(RefusedError, match=f"{VP_SALES} did not attend the new hearing"):
        check_decision(absent, deciders=PANEL, by=PANEL, supersedes=10, at_us=at)
    # Decided on that hearing: the next change needs another one.
    second = Decision(11, 2, "Marketing rescores them", CEO, at, 10, PANEL, 5)
    two = replace(again, decisions=(FIRST, second))
    assert two.current == second and two.superseded_by(10) == second
    assert two.pending_hearing is None and two.stage is DisputeStage.DECIDED
    with pytest.raises(RefusedError, match="superseded only after a new hearing"):
        check_decision(two, deciders=PANEL, by=PANEL, supersedes=11, at_us=at + HOUR)
    three = replace(two, hearings=(*two.hearings, rehearing(at + HOUR, 6)))
    with pytest.raises(RefusedError, match="10 was already superseded by decision 11"):
        check_decision(three, deciders=PANEL, by=PANEL, supersedes=10, at_us=at + 2 * HOUR)
    assert check_decision(three, deciders=PANEL, by=PANEL, supersedes=11, at_us=at + 2 * HOUR) == (
        3,
        PANEL,
        6,
    )


def test_a_hearing_reopens_a_decision(opened: Dispute) -> None:
    with pytest.raises(RefusedError, match="no decision yet"):
        check_hearing(heard(opened), attendees=PANEL, reason="x", at_us=T0 + HOUR)
    one = replace(heard(opened), decisions=(FIRST,))
    with pytest.raises(RefusedError, match="before decision 10 it reopens"):
        check_hearing(one, attendees=PANEL, reason="x", at_us=T0 + HOUR - 1)
    with pytest.raises(RevpactError, match="give a reason"):
        check_hearing(one, attendees=PANEL, reason=" ", at_us=T0 + 2 * HOUR)
    with pytest.raises(RevpactError, match="lists who attended"):
        check_hearing(one, attendees=(" ",), reason="x", at_us=T0 + 2 * HOUR)
    # A hearing held before the current decision does not reopen it.
    stale = replace(one, hearings=(rehearing(T0 + HOUR - 1),))
    assert stale.pending_hearing is None


def test_an_older_decision_was_made_by_its_recorder_alone() -> None:
    legacy = Decision(1, 1, "x", CMO, T0, None)
    assert legacy.made_by == (CMO,)
    assert FIRST.made_by == PANEL


def test_emails_are_checked() -> None:
    assert check_email(" a@b.example ", "member") == "a@b.example"
    with pytest.raises(RevpactError, match='member "ana" is not an e-mail address'):
        check_email("ana", "member")
