"""Dispute rules: the hearing, who decides, the time-box and the chain of decisions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from revpact.domain.agreement import Agreement, Side
from revpact.domain.disputes import (
    Decision,
    Dispute,
    DisputeStage,
    NotADeciderError,
    Presentation,
    Representative,
    Terms,
    check_decision,
    check_email,
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


def test_only_a_decider_decides(opened: Dispute) -> None:
    ready = heard(opened)
    deciders = opened.terms.deciders
    assert check_decision(ready, deciders=deciders, by=CMO, supersedes=None, at_us=T0 + HOUR) == 1
    assert (
        check_decision(
            ready,
            deciders=deciders,
            by=" Margaret.Lowell@company-a.example ",
            supersedes=None,
            at_us=T0 + HOUR,
        )
        == 1
    )
    for outsider in (CFO, SARAH, None):
        with pytest.raises(NotADeciderError, match=f"only the panel decides dispute 1: {CMO}"):
            check_decision(ready, deciders=deciders, by=outsider, supersedes=None, at_us=T0 + HOUR)
    assert issubclass(NotADeciderError, RefusedError)


def test_no_members_means_no_decision(opened: Dispute) -> None:
    bare = replace(heard(opened), terms=replace(opened.terms, deciders=()))
    assert deciders_for(bare, ()) == ()
    with pytest.raises(RefusedError, match=r"add conflict_resolution\.members"):
        check_decision(bare, deciders=(), by=CMO, supersedes=None, at_us=T0 + HOUR)
    # members named by the time of deciding take the seats
    assert deciders_for(bare, (CFO,)) == (CFO,)
    # a dispute opened with members keeps them, whatever the agreement says later
    assert deciders_for(opened, (CFO,)) == opened.terms.deciders


def test_the_first_decision_follows_both_presentations(opened: Dispute) -> None:
    deciders = opened.terms.deciders
    half = replace(heard(opened), presentations=heard(opened).presentations[:1])
    with pytest.raises(RefusedError, match="marketing has not presented"):
        check_decision(half, deciders=deciders, by=CMO, supersedes=None, at_us=T0 + HOUR)
    with pytest.raises(RefusedError, match="before the last presentation"):
        check_decision(heard(opened), deciders=deciders, by=CMO, supersedes=None, at_us=T0)
    with pytest.raises(RefusedError, match="no decision yet"):
        check_decision(heard(opened), deciders=deciders, by=CMO, supersedes=7, at_us=T0 + HOUR)


def test_a_later_decision_supersedes_the_current_one(opened: Dispute) -> None:
    deciders = opened.terms.deciders
    first = Decision(10, 1, "Sales calls webinar leads", CMO, T0 + HOUR, None)
    second = Decision(11, 2, "Marketing rescores them", CEO, T0 + 2 * HOUR, 10)
    one = replace(heard(opened), decisions=(first,))
    two = replace(heard(opened), decisions=(first, second))
    assert one.current == first and two.current == second
    assert two.superseded_by(10) == second and two.superseded_by(11) is None
    at = T0 + 3 * HOUR
    assert check_decision(one, deciders=deciders, by=CEO, supersedes=10, at_us=at) == 2
    assert check_decision(two, deciders=deciders, by=CEO, supersedes=11, at_us=at) == 3
    with pytest.raises(RefusedError, match="must say it supersedes 10"):
        check_decision(one, deciders=deciders, by=CEO, supersedes=None, at_us=at)
    with pytest.raises(RefusedError, match="10 was already superseded by decision 11"):
        check_decision(two, deciders=deciders, by=CEO, supersedes=10, at_us=at)
    with pytest.raises(RefusedError, match="99 is not a decision of dispute 1"):
        check_decision(two, deciders=deciders, by=CEO, supersedes=99, at_us=at)
    with pytest.raises(RefusedError, match="before decision 10 it supersedes"):
        check_decision(one, deciders=deciders, by=CEO, supersedes=10, at_us=T0 + HOUR - 1)


def test_emails_are_checked() -> None:
    assert check_email(" a@b.example ", "member") == "a@b.example"
    with pytest.raises(RevpactError, match='member "ana" is not an e-mail address'):
        check_email("ana", "member")
