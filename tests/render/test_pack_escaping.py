"""The pack from a store of its own (SQLite, and PostgreSQL when configured): user text is
escaped, the JSON twin is exact, and a quiet period still makes a whole pack."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.render.pack import format_change, format_figure, render_pack
from revpact.services.feedback import add_feedback
from revpact.services.public.packs import PackPublic
from revpact.services.report import monthly_pack, weekly_pack

pytestmark = pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")

HOSTILE = "<script>alert(1)</script>"
RAISED = datetime(2020, 6, 24, 14, 0, tzinfo=UTC)  # Wednesday of 2020-W26
NOW = datetime(2020, 7, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def hostile(engine: Engine, agreement: Agreement) -> Engine:
    add_feedback(
        engine,
        agreement,
        from_team="sales",
        to_team="marketing",
        topic="lead_quality",
        text=HOSTILE,
        by='"><img src=x onerror=alert(2)>',
        at=RAISED,
    )
    return engine


def test_hostile_feedback_is_shown_as_text(hostile: Engine, agreement: Agreement) -> None:
    pack = weekly_pack(hostile, agreement, week=date(2020, 6, 22), now=NOW)
    assert [f.text for f in pack.feedback.raised] == [HOSTILE]
    assert [f.text for f in pack.feedback.waiting] == [HOSTILE]  # never answered: overdue
    page = render_pack(PackPublic.of(pack).model_dump(mode="json"), lang="en", fmt="html").decode(
        "utf-8"
    )
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "overdue" in page


def test_a_quiet_period_makes_a_whole_pack(engine: Engine, agreement: Agreement) -> None:
    pack = monthly_pack(engine, agreement, month=date(2020, 3, 1), now=NOW)
    data = PackPublic.of(pack).model_dump(mode="json")
    assert json.loads(json.dumps(data)) == data  # JSON-ready as it is
    assert data["period"] | {"as_of": None} == {
        "label": "2020-03",
        "first_day": "2020-03-01",
        "last_day": "2020-03-31",
        "start": "2020-03-01T00:00:00-05:00",
        "end": "2020-04-01T00:00:00-04:00",
        "as_of": None,
        "complete": True,
    }
    assert data["period"]["as_of"] == "2020-03-31T23:59:59.999999-04:00"
    assert [g["key"] for g in data["results"]["goals"]] == [
        "revenue",
        "lead_value",
        "follow_up",
        "close_rate",
        "sales_cycle",
    ]
    assert data["moves"]["previous_label"] == "2020-02"
    assert data["follow_up"]["breaches"] == []
    assert data["agenda"]["meeting_id"] == "monthly_teams"
    assert data["agenda"]["starts_at"].startswith("2020-04-07T10:00")
    for lang in ("en", "pl"):
        page = render_pack(data, lang=lang, fmt="html").decode("utf-8")
        assert page.count("<svg") == 2  # revenue and lead value; no breaches, no third chart


def test_the_first_week_has_nothing_to_compare(engine: Engine, agreement: Agreement) -> None:
    pack = weekly_pack(engine, agreement, week=date(2019, 12, 30), now=NOW)
    assert pack.period.label == "2020-W01" and pack.moves is None


def test_figures_and_changes() -> None:
    assert format_figure("0.5641025641", "ratio", "USD", "en") == "56.4%"
    assert format_figure("1", "ratio", "USD", "pl") == "100%"
    assert format_figure("28.0206", "days", "USD", "en") == "28 days"
    assert format_figure("30.18", "days", "USD", "pl") == "30,2 dnia"
    assert format_figure(None, "money", "USD", "en") == "—"
    assert format_change("45500.00", "money", "USD", "en") == "+$45,500"
    assert format_change("-72700", "money", "USD", "pl") == "\u221272\u00a0700\u00a0USD"
    assert format_change("0.0235620", "ratio", "USD", "en") == "+2.4 pp"
    assert format_change("-1.2925", "days", "USD", "en") == "\u22121.3 days"
    assert format_change("0", "ratio", "USD", "pl") == "±0 p.p."
