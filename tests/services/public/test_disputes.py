"""The public shape of a dispute: terms, representatives, presentations (an overrun flagged),
the chain of decisions with the current one marked, and the new hearings."""

from __future__ import annotations

from datetime import UTC, datetime

from revpact.domain.agreement.model import Side
from revpact.domain.clock.calendar import to_us
from revpact.domain.disputes import (
    Decision,
    Dispute,
    Hearing,
    Presentation,
    Representative,
    Terms,
)
from revpact.services.public.disputes import DisputeListPublic, DisputePublic

MARKETING = "emily.carter@company-a.example"
SALES = "priya.raman@company-a.example"
PANEL = ("david.okafor@company-a.example", "lena.fischer@company-a.example")


def us(text: str) -> int:
    return to_us(datetime.fromisoformat(text).replace(tzinfo=UTC))


OPENED = Dispute(
    id=4,
    topic="Who owns webinar leads",
    raised_by=MARKETING,
    opened_us=us("2020-05-04T14:00"),
    terms=Terms("sole_arbiter", (), 600, False),
    version_hash=None,
)

REHEARD = Dispute(
    id=1,
    topic="Lead scoring threshold",
    raised_by=SALES,
    opened_us=us("2020-03-02T15:00"),
    terms=Terms("panel", PANEL, 900, True),
    version_hash="cd" * 32,
    representatives=(
        Representative(Side.MARKETING, MARKETING, us("2020-03-02T16:00")),
        Representative(Side.SALES, SALES, us("2020-03-02T16:30")),
    ),
    presentations=(
        Presentation(7, Side.MARKETING, MARKETING, 900, us("2020-03-03T10:00")),
        Presentation(8, Side.SALES, SALES, 960, us("2020-03-03T10:20")),
    ),
    decisions=(
        Decision(11, 1, "Threshold stays at 60", PANEL[0], us("2020-03-03T11:00"), None, PANEL),
        Decision(12, 2, "Threshold 55", PANEL[1], us("2020-04-01T11:00"), 11, (), 3),
    ),
    hearings=(
        Hearing(3, us("2020-03-31T09:00"), PANEL, "New data", None),
        Hearing(5, us("2020-04-15T09:00:00.000001"), (*PANEL, SALES), "Again", PANEL[0]),
    ),
)

OPENED_JSON = {
    "id": 4,
    "topic": "Who owns webinar leads",
    "raised_by": MARKETING,
    "opened_at": "2020-05-04T14:00:00+00:00",
    "stage": "awaiting_representatives",
    "mode": "sole_arbiter",
    "deciders": [],
    "presentation_seconds": 600,
    "binding": False,
    "version": None,
    "representatives": [],
    "presentations": [],
    "decisions": [],
    "current_decision": None,
    "hearings": [],
}


def test_a_dispute_just_opened() -> None:
    shown = DisputePublic.of(OPENED).model_dump(mode="json")
    assert shown == OPENED_JSON
    assert list(shown) == list(OPENED_JSON)


def test_a_dispute_decided_twice_and_heard_again() -> None:
    assert DisputePublic.of(REHEARD).model_dump(mode="json") == {
        "id": 1,
        "topic": "Lead scoring threshold",
        "raised_by": SALES,
        "opened_at": "2020-03-02T15:00:00+00:00",
        "stage": "reheard",
        "mode": "panel",
        "deciders": list(PANEL),
        "presentation_seconds": 900,
        "binding": True,
        "version": "cd" * 32,
        "representatives": [
            {"team": "marketing", "member": MARKETING, "named_at": "2020-03-02T16:00:00+00:00"},
            {"team": "sales", "member": SALES, "named_at": "2020-03-02T16:30:00+00:00"},
        ],
        "presentations": [
            {
                "id": 7,
                "team": "marketing",
                "presenter": MARKETING,
                "seconds": 900,
                "recorded_at": "2020-03-03T10:00:00+00:00",
                "over_by_seconds": 0,
            },
            {
                "id": 8,
                "team": "sales",
                "presenter": SALES,
                "seconds": 960,
                "recorded_at": "2020-03-03T10:20:00+00:00",
                "over_by_seconds": 60,
            },
        ],
        "decisions": [
            {
                "id": 11,
                "number": 1,
                "decision": "Threshold stays at 60",
                "decided_by": PANEL[0],
                "deciders": list(PANEL),
                "decided_at": "2020-03-03T11:00:00+00:00",
                "hearing": None,
                "supersedes": None,
                "superseded_by": 12,
                "current": False,
            },
            {
                "id": 12,
                "number": 2,
                "decision": "Threshold 55",
                "decided_by": PANEL[1],
                "deciders": [PANEL[1]],
                "decided_at": "2020-04-01T11:00:00+00:00",
                "hearing": 3,
                "supersedes": 11,
                "superseded_by": None,
                "current": True,
            },
        ],
        "current_decision": 12,
        "hearings": [
            {
                "id": 3,
                "held_at": "2020-03-31T09:00:00+00:00",
                "attendees": list(PANEL),
                "reason": "New data",
                "recorded_by": None,
            },
            {
                "id": 5,
                "held_at": "2020-04-15T09:00:00.000001+00:00",
                "attendees": [*PANEL, SALES],
                "reason": "Again",
                "recorded_by": PANEL[0],
            },
        ],
    }


def test_the_list() -> None:
    assert DisputeListPublic.of([OPENED]).model_dump(mode="json") == {"disputes": [OPENED_JSON]}
    assert DisputeListPublic.of([]).model_dump(mode="json") == {"disputes": []}
