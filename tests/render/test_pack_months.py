"""The pack says when its month is still running, and marks revenue that used a fallback."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from revpact.domain.agreement import Agreement
from revpact.render.pack import render_pack
from revpact.services.report import monthly_pack, pack_to_json, weekly_pack

pytestmark = pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")

NOW = datetime(2020, 7, 15, 12, 0, tzinfo=UTC)


def test_a_week_inside_its_month_shows_the_month_in_progress(
    engine: Engine, agreement: Agreement
) -> None:
    pack = pack_to_json(weekly_pack(engine, agreement, week=date(2020, 6, 22), now=NOW))
    score = pack["results"]["month_score"]
    assert score["state"] == "in_progress"
    # No revenue row for June (and none is known before June ends): the won deals stand in.
    assert (score["revenue"]["source"], score["revenue"]["fallback"]) == ("won_deals", True)
    english = render_pack(pack, lang="en", fmt="html").decode("utf-8")
    assert "In progress: month to date" in english and "in progress</td>" in english
    assert "missed</td>" not in english.split('id="results"')[1].split("</table>")[0]
    assert "$0*" in english and "(a fallback)" in english
    polish = render_pack(pack, lang="pl", fmt="html").decode("utf-8")
    assert "W toku: od początku miesiąca" in polish and "wartość zastępcza" in polish


def test_an_ended_month_has_no_running_note(engine: Engine, agreement: Agreement) -> None:
    pack = pack_to_json(monthly_pack(engine, agreement, month=date(2020, 3, 1), now=NOW))
    assert pack["results"]["month_score"]["state"] == "decided"
    english = render_pack(pack, lang="en", fmt="html").decode("utf-8")
    assert "In progress" not in english
