"""The pack says when its month is still running or awaiting close, who closed it (and under which
agreement version), the restatement a closed month waits for, and marks revenue that used a
fallback."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import Engine

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.render.pack import render_pack
from revpact.services import agreement_versions as av
from revpact.services.month_close import close_month
from revpact.services.public.packs import PackPublic
from revpact.services.report import monthly_pack, weekly_pack

pytestmark = pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")

NOW = datetime(2020, 7, 15, 12, 0, tzinfo=UTC)


def pdf_text(data: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return re.sub(r"[\s\u00a0\u202f]+", " ", " ".join(p.extract_text() for p in pages))


def test_a_week_inside_its_month_shows_the_month_in_progress(
    engine: Engine, agreement: Agreement
) -> None:
    pack = PackPublic.of(
        weekly_pack(engine, agreement, week=date(2020, 6, 22), now=NOW)
    ).model_dump(mode="json")
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


def test_an_ended_month_not_closed_is_awaiting_close(engine: Engine, agreement: Agreement) -> None:
    pack = PackPublic.of(
        monthly_pack(engine, agreement, month=date(2020, 3, 1), now=NOW)
    ).model_dump(mode="json")
    score = pack["results"]["month_score"]
    assert score["state"] == "awaiting_close" and score["close"]["state"] == "awaiting_close"
    assert pack["results"]["closed_under"] is None and pack["results"]["restatement"] is None
    english = render_pack(pack, lang="en", fmt="html").decode("utf-8")
    assert "In progress" not in english and 'id="restatement"' not in english
    assert 'data-close-state="awaiting_close"' in english
    assert "Awaiting close — provisional" in english and "neither escalation nor rewards" in english
    polish = render_pack(pack, lang="pl", fmt="html").decode("utf-8")
    assert "Czeka na zamknięcie — tymczasowy" in polish


# --- a closed month and its restatement ---------------------------------------------------------

CEO = "margaret.lowell@company-a.example"
PUBLISHED = datetime(2019, 12, 2, 15, 0, tzinfo=UTC)
CLOSED = datetime(2020, 4, 2, 16, 0, tzinfo=UTC)  # April 2, 12:00 in New York
LATE = datetime(2020, 4, 10, 16, 0, tzinfo=UTC)
HOSTILE = "<b>D2</b>"
LEADS = (
    "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner\n"
    "M1,referral,late,true,2020-03-02T10:00:00-05:00,2020-03-02T10:00:00-05:00,"
    "2020-03-02T10:30:00-05:00,ann\n"
)
DEAL_HEAD = "deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner"
D1 = "D1,M1,2020-03-03T12:00-05:00,2020-03-05T12:00-05:00,2020-03-10T12:00-04:00,won,1000,ann"
D2 = f"{HOSTILE},,2020-03-04T12:00-05:00,2020-03-06T12:00-05:00,2020-03-20T12:00-04:00,won,500,bo"


def _import(engine: Engine, agreement: Agreement, path: Path, body: str, at: datetime) -> None:
    service = services.import_leads if path.name.startswith("leads") else services.import_deals
    path.write_text(body, encoding="utf-8")
    service(engine, agreement, path, now=at)


@pytest.fixture
def restated(engine: Engine, agreement: Agreement, tmp_path: Path) -> Engine:
    """Version 1 in force; March's lead and deal D1; January to March closed on April 2; then
    a late deal won in March (its id hostile), recorded on April 10."""
    source = company_a_template("en")
    av.publish(engine, parse_agreement(source), source, at=PUBLISHED, now=PUBLISHED)
    for index, person in enumerate(agreement.signatories):
        signed = PUBLISHED + timedelta(minutes=index + 1)
        av.sign(engine, person.email, version=None, at=signed, now=signed, via="cli")
    _import(engine, agreement, tmp_path / "leads.csv", LEADS, PUBLISHED + timedelta(days=100))
    _import(engine, agreement, tmp_path / "deals.csv", f"{DEAL_HEAD}\n{D1}\n", CLOSED)
    for month in ("2020-01", "2020-02", "2020-03"):
        close_month(engine, agreement, month, by=CEO, now=CLOSED, via="cli")
    _import(engine, agreement, tmp_path / "deals2.csv", f"{DEAL_HEAD}\n{D1}\n{D2}\n", LATE)
    return engine


def test_the_monthly_pack_shows_its_close_and_pending_restatement(
    restated: Engine, agreement: Agreement
) -> None:
    pack = PackPublic.of(
        monthly_pack(restated, agreement, month=date(2020, 3, 1), now=NOW)
    ).model_dump(mode="json")
    results = pack["results"]
    close = results["month_score"]["close"]
    assert close["state"] == "closed" and close["by"] == CEO
    # as the close froze it: one deal won, not the two the data now hold
    assert results["month_score"]["state"] == "decided"
    assert results["month_score"]["close_rate"]["won"] == 1
    assert results["closed_under"] == {"number": 1, "hash": close["version"]}
    restatement = results["restatement"]
    assert {"figure": "proposals_won", "old": 1, "new": 2} in restatement["changes"]
    assert [(r["table"], r["key"]) for r in restatement["rows"]] == [("deals", HOSTILE)]
    facts = close["facts_hash"][:12]

    english = render_pack(pack, lang="en", fmt="html").decode("utf-8")
    assert 'data-close-state="closed"' in english
    assert f"Closed by {CEO} on April 2, 2020 (agreement version 1, facts {facts})." in english
    section = english.split('<div id="restatement" data-month="2020-03">')[1].split("</div>")[0]
    assert "Restatement pending for March 2020" in section
    assert '<td>Proposals won</td><td class="number">1</td><td class="number">2</td>' in section
    assert "deal &lt;b&gt;D2&lt;/b&gt;, recorded April 10, 2020" in section
    assert HOSTILE not in english
    assert "apply only when the month is reopened" in section
    polish = render_pack(pack, lang="pl", fmt="html").decode("utf-8")
    assert f"Zamknięty przez {CEO} dnia 2 kwietnia 2020 (wersja umowy 1, fakty {facts})." in polish
    assert "Korekta czekająca dla miesiąca marzec 2020" in polish and "Wygrane oferty" in polish
    pdf = pdf_text(render_pack(pack, lang="en", fmt="pdf"))
    assert f"Closed by {CEO} on April 2, 2020" in pdf and "Restatement pending" in pdf
    assert "Proposals won 1 2" in pdf


def test_the_weekly_pack_shows_the_close_of_its_month(
    restated: Engine, agreement: Agreement
) -> None:
    """A week of a closed month shows its close too (its restatement as well); a week of the
    running month shows it in progress."""
    closed = PackPublic.of(
        weekly_pack(restated, agreement, week=date(2020, 3, 16), now=NOW)
    ).model_dump(mode="json")
    assert closed["results"]["month_score"]["close"]["state"] == "closed"
    english = render_pack(closed, lang="en", fmt="html").decode("utf-8")
    assert "Closed by " in english and 'id="restatement"' in english
    running = datetime(2020, 4, 20, 12, tzinfo=UTC)
    april = PackPublic.of(
        weekly_pack(restated, agreement, week=date(2020, 4, 13), now=running)
    ).model_dump(mode="json")
    page = render_pack(april, lang="en", fmt="html").decode("utf-8")
    assert 'data-close-state="in_progress"' in page and "In progress." in page
