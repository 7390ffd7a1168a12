"""Feedback, meetings and disputes over HTTP: the page in both languages, its twin, escaping,
and the note that replaces the agenda once the agreement's period is over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.roles import Role
from revpact.server.state import ServerState
from revpact.services import meetings
from revpact.services.clock import FixedClock
from revpact.services.disputes import decide, name_representative, open_dispute, record_presentation
from revpact.services.feedback import add_feedback, answer_feedback

if TYPE_CHECKING:
    from live_server import LiveServer

NY = ZoneInfo("America/New_York")
NOW = datetime(2020, 3, 11, 12, tzinfo=NY)  # Wednesday
HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
WEEKLY_NOTES = """\
## What worked
Referral leads were followed up within the hour.

## What did not work
Two content leads waited over the weekend.

## Improvements for next week
Cover Friday afternoons.
"""
SARAH, PRIYA = "sarah.whitfield@company-a.example", "priya.raman@company-a.example"
VP_SALES = "michael.brennan@company-a.example"


@pytest.fixture
def history(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    """Feedback open, overdue and answered; one weekly meeting held; a decided dispute."""
    add_feedback(
        engine,
        agreement,
        from_team="sales",
        to_team="marketing",
        topic="lead_quality",
        text=HOSTILE,
        by=HOSTILE,
        at=datetime(2020, 3, 2, 10, tzinfo=NY),
    )
    add_feedback(
        engine,
        agreement,
        from_team="marketing",
        to_team="sales",
        topic="follow_up",
        text="Call webinar leads too",
        by=None,
        at=datetime(2020, 3, 11, 9, tzinfo=NY),
    )
    answered = add_feedback(
        engine,
        agreement,
        from_team="marketing",
        to_team="sales",
        topic="process",
        text="Answered already",
        by=None,
        at=datetime(2020, 3, 10, 9, tzinfo=NY),
    )
    answer_feedback(
        engine, answered.id, text="Done", by=None, at=datetime(2020, 3, 10, 10, tzinfo=NY)
    )
    notes = tmp_path / "notes.md"
    notes.write_text(WEEKLY_NOTES, encoding="utf-8")
    meetings.record_meeting(
        engine,
        agreement,
        kind="weekly",
        held_at=datetime(2020, 3, 9, 9, 30, tzinfo=NY),
        attendees=["emily.carter@company-a.example", VP_SALES],
        duration=30 * 60,
        notes=notes,
        now=NOW,
    )
    start = datetime(2020, 3, 3, 10, tzinfo=NY)
    dispute = open_dispute(engine, agreement, topic=HOSTILE, raised_by=SARAH, at=start)
    name_representative(engine, agreement, dispute.id, team="sales", member=SARAH, at=start)
    name_representative(engine, agreement, dispute.id, team="marketing", member=PRIYA, at=start)
    for team, minutes in (("sales", 10), ("marketing", 12)):
        record_presentation(
            engine, dispute.id, team=team, minutes=minutes, at=start + timedelta(minutes=30)
        )
    decide(
        engine,
        agreement,
        dispute.id,
        decision=f"Decided: {HOSTILE}",
        by=agreement.conflict_resolution.members,
        supersedes=None,
        at=start + timedelta(hours=1),
    )
    open_dispute(
        engine,
        agreement,
        topic="Lead scoring",
        raised_by=PRIYA,
        at=datetime(2020, 3, 10, 9, tzinfo=NY),
    )


@pytest.fixture
def server(
    history: None, server_state: ServerState, serve: Callable[[ServerState], LiveServer]
) -> LiveServer:
    server_state.clock = FixedClock(NOW)
    return serve(server_state)


def _get(server: LiveServer, token: str, **params: str) -> tuple[str, dict[str, Any]]:
    with server.client(token) as client:
        page = client.get("/dashboard/rhythm", params=params)
        twin = client.get("/dashboard/rhythm.json", params=params)
    assert page.status_code == 200 and twin.status_code == 200
    return page.text, twin.json()


def test_the_twin(server: LiveServer, role_tokens: dict[Role, str]) -> None:
    _, twin = _get(server, role_tokens[Role.SALES])
    assert twin["as_of"] == NOW.isoformat()
    assert [(f["text"], f["state"]) for f in twin["feedback"]] == [
        (HOSTILE, "overdue"),
        ("Call webinar leads too", "open"),
    ]
    assert twin["feedback_counts"] == {"open": 1, "overdue": 1}
    weekly = next(m for m in twin["meetings"]["meetings"] if m["cadence"] == "weekly")
    assert weekly["held"] == 1 and "2020-W11" not in weekly["missed"]
    agenda = twin["weekly_agenda"]
    assert agenda["starts_at"] == "2020-03-16T09:30:00-04:00"
    assert twin["weekly_agenda_note"] is None
    assert [d["topic"] for d in twin["disputes"]] == [HOSTILE, "Lead scoring"]
    decided = twin["disputes"][0]
    assert decided["stage"] == "decided" and decided["decisions"][0]["current"] is True
    assert twin["disputes"][1]["decisions"] == []


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            (
                "Feedback waiting for an answer",
                "Overdue",
                "Meeting cadence",
                "Next weekly meeting",
                "Awaiting representatives",
                "Lead quality",
            ),
        ),
        (
            "pl",
            (
                "Informacje zwrotne czekające na odpowiedź",
                "Po terminie",
                "Regularność spotkań",
                "Najbliższe spotkanie tygodniowe",
                "Czeka na przedstawicieli",
                "Jakość leadów",
            ),
        ),
    ],
)
def test_the_page_in_both_languages_keeps_user_text_escaped(
    server: LiveServer, role_tokens: dict[Role, str], lang: str, words: tuple[str, ...]
) -> None:
    html, _ = _get(server, role_tokens[Role.MARKETING], lang=lang)
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html, word
    assert HOSTILE not in html
    # the feedback's text and author, the dispute's topic and its decision
    assert html.count(ESCAPED) == 4
    assert "Answered already" not in html
    assert 'data-feedback-id="1"' in html and 'data-dispute-id="1"' in html


def test_as_of_and_the_note_after_the_period(
    server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    _, early = _get(server, role_tokens[Role.ADMIN], as_of="2020-03-02T12:00:00")
    assert [f["state"] for f in early["feedback"]] == ["open"]
    html, late = _get(server, role_tokens[Role.ADMIN], as_of="2021-01-04T09:00:00", lang="en")
    assert late["weekly_agenda"] is None and "2020-12-31" in late["weekly_agenda_note"]
    assert "There is no next weekly meeting to prepare." in html
    assert 'id="rhythm-no-agenda"' in html


def test_nothing_yet(live_server: LiveServer, role_tokens: dict[Role, str]) -> None:
    html, twin = _get(live_server, role_tokens[Role.SALES], lang="pl", as_of="2020-03-02T12:00")
    assert twin["feedback"] == [] and twin["disputes"] == []
    assert "Nie otwarto żadnego sporu." in html
    assert "Żadna informacja zwrotna nie czeka na odpowiedź." in html
