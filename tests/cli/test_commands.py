"""The commands end to end, as a user runs them, in a temporary working folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from revpact.cli import app

if TYPE_CHECKING:
    from conftest import DemoBuild  # tests/conftest.py: the session's demo build

LEADS = """\
lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner,region
A1,referral,late,true,2020-01-06T09:59:00-05:00,2020-01-06T10:00:00-05:00,2020-01-06T10:30:00-05:00,ann@x.example,east
A2,internet_sales_ready,late,true,2020-01-06T10:00:00-05:00,2020-01-06T10:00:00-05:00,2020-01-06T11:30:00-05:00,bob@x.example,west
A3,content,late,true,2020-01-10T18:00:00-05:00,2020-01-10T18:00:00-05:00,,ann@x.example,east
A4,webinar,late,true,2020-01-06T10:00:00-05:00,2020-01-06T10:00:00-05:00,,bob@x.example,east
A5,content,early,true,2020-01-06T10:00:00-05:00,,,bob@x.example,east
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_init_then_validate(workdir: Path) -> None:
    code, out = run("init")
    assert code == 0, out
    assert (workdir / "revpact.yaml").exists()
    code, out = run("validate")
    assert code == 0, out
    assert "is valid" in out
    code, out = run("init")
    assert code != 0  # never overwrites without --force


def test_init_polish(workdir: Path) -> None:
    code, out = run("init", "--lang", "pl", "umowa.yaml")
    assert code == 0, out
    assert "language: pl" in (workdir / "umowa.yaml").read_text(encoding="utf-8")
    assert run("validate", "umowa.yaml")[0] == 0


def test_validate_names_field_and_line(workdir: Path) -> None:
    run("init")
    path = workdir / "revpact.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("within:"))
    indent = lines[number - 1][: len(lines[number - 1]) - len(lines[number - 1].lstrip())]
    lines[number - 1] = f'{indent}within: "1 hour"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run("validate")
    assert code == 1
    assert f'sales.follow_up.within (line {number}): "1 hour" is not a duration' in out


def test_agreement_from_environment(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("init", "elsewhere/agreement.yaml")
    monkeypatch.setenv("REVPACT_AGREEMENT", "elsewhere/agreement.yaml")
    assert run("validate")[0] == 0
    code, out = run("status", "--json")
    assert code == 0, out


def test_missing_agreement_says_what_to_do(workdir: Path) -> None:
    code, out = run("status")
    assert code != 0
    assert "revpact init" in out


def test_import_list_and_status(workdir: Path) -> None:
    run("init")
    (workdir / "leads.csv").write_text(LEADS, encoding="utf-8")
    code, out = run("import", "leads", "leads.csv")
    assert code == 0, out
    assert (workdir / "revpact.db").exists()

    code, out = run("leads", "--as-of", "2020-01-13T09:50:00-05:00", "--json")
    assert code == 0, out
    rows = {r["lead_id"]: r for r in json.loads(out)}
    assert rows["A1"]["status"] == "met"
    assert rows["A1"]["response_business_seconds"] == 30 * 60
    assert rows["A1"]["due_at"] == "2020-01-06T16:00:00+00:00"
    assert rows["A2"]["status"] == "breached"
    assert rows["A2"]["response_business_seconds"] == 90 * 60
    assert rows["A3"]["status"] == "at_risk"  # Friday 18:00 -> due Monday 10:00; 10 min left
    assert rows["A3"]["response_business_seconds"] is None
    assert rows["A4"]["status"] == "excluded" and rows["A4"]["due_at"] is None
    assert rows["A5"]["status"] == "excluded"

    code, out = run("leads", "--as-of", "2020-01-13T09:50", "--status", "breached", "--json")
    assert [r["lead_id"] for r in json.loads(out)] == ["A2"]
    code, out = run("leads", "--as-of", "2020-01-13T09:50", "--owner", "ann@x.example", "--json")
    assert sorted(r["lead_id"] for r in json.loads(out)) == ["A1", "A3"]

    code, out = run("status", "--as-of", "2020-01-13T09:50:00-05:00", "--json")
    assert code == 0, out
    summary = json.loads(out)
    assert summary["compliance"] == 0.5
    assert summary["counts"]["met"] == 1 and summary["counts"]["at_risk"] == 1

    code, out = run("status", "--as-of", "2020-01-13T09:50:00-05:00")
    assert code == 0 and "50.0%" in out
    code, out = run("leads", "--as-of", "2020-01-13T09:50:00-05:00")
    assert code == 0 and "A3" in out


def test_bad_file_is_refused_whole(workdir: Path) -> None:
    run("init")
    bad = LEADS.replace(
        "2020-01-10T18:00:00-05:00,2020-01-10T18:00", "2020-01-10T18:00:00-05:00,2020-13-10T18:00"
    )
    (workdir / "leads.csv").write_text(bad, encoding="utf-8")
    code, out = run("import", "leads", "leads.csv")
    assert code == 1
    assert "row 4" in out and "notified_at" in out and "2020-13-10T18:00" in out
    code, out = run("leads", "--json", "--as-of", "2020-02-01T00:00Z")
    assert json.loads(out) == []


def test_bad_options_are_explained(workdir: Path) -> None:
    run("init")
    code, out = run("leads", "--status", "late")
    assert code == 1 and "met, breached" in out
    code, out = run("leads", "--as-of", "yesterday")
    assert code == 1 and "ISO 8601" in out


def test_demo_prints_the_scoreboard(workdir: Path, demo_build: DemoBuild) -> None:
    # `revpact demo` as a user runs it, 140 columns wide (the year's table is ten columns wide)
    code, out = demo_build.exit_code, demo_build.output
    assert code == 0, out
    demo_build.copy_to(workdir / "demo")
    assert "Follow-up SLA" in out and "compliance" in out
    assert "at_risk" in out
    assert "Scoreboard — Company A, 2020-01-01 to 2020-12-31" in out
    assert "escalation" in out and "reward" in out
    assert "2020-01 " in out and "2020-12 " in out and "5,000" in out
    assert "status --month 2020-10" in out
    # the live server: a signed webhook, the queue, an at-risk alert received, the touch
    assert "1 received, 0 duplicates, 1 applied" in out
    assert "LIVE-0001 is open, 50m left" in out
    assert "At risk: lead LIVE-0001 (internet_sales_ready)" in out
    assert "Follow up by Thu 31 Dec 2020 16:50 EST" in out
    assert "GET /leads/LIVE-0001: met after 55m of business time" in out
    # the living agreement: two versions, each signed by everyone, months under each
    assert "amended as v2" in out and "signed by all 12" in out
    assert "2020-01..2020-06 under v1" in out and "2020-07..2020-12 under v2" in out
    # the rhythm: feedback states, meeting compliance, the dispute, the next agenda
    assert "13 items, 1 open, 1 overdue, 8 on time, 3 late" in out
    # two meetings did not count: one cut to 20 minutes, one without marketing's leaders
    assert "held 43 of 48 (missed 2020-W14, 2020-W23, 2020-W33, 2020-W38, 2020-W51)" in out
    assert "held 12 of 12" in out
    panel = "emily.carter@company-a.example, michael.brennan@company-a.example"
    assert f"decision #2 of 2, by {panel}" in " ".join(out.split())
    assert "Weekly sales & marketing leadership meeting — Monday 2020-12-28 09:30" in out
    names = ("revpact.yaml", "revpact.db", "leads.csv", "deals.csv", "revenue.csv")
    documents = ("meetings.ics", "agreement.html", "agreement.md", "agreement.pdf")
    for name in names + documents:
        assert (workdir / "demo" / name).exists()
    code, out = run(
        "status",
        "--month",
        "2020-10",
        "--agreement",
        "demo/revpact.yaml",
        "--db",
        "sqlite:///demo/revpact.db",
        "--as-of",
        "2020-12-31T16:00:00-05:00",
    )
    assert code == 0 and "Scoreboard — Company A, October 2020 (agreement v2," in out
    code, out = run("agreement", "status", "--db", "sqlite:///demo/revpact.db", "--json")
    state = json.loads(out)
    assert state["in_force"]["number"] == 2 and not state["pending"]
    assert len(state["signers"]) == 12
    assert all(s["signed_at"] for s in state["signers"])
    code, out = run(
        "status",
        "--agreement",
        "demo/revpact.yaml",
        "--db",
        "sqlite:///demo/revpact.db",
        "--as-of",
        "2020-12-31T16:00:00-05:00",
        "--json",
    )
    assert code == 0, out
    summary = json.loads(out)
    assert 0.5 < summary["compliance"] < 1.0
    assert summary["counts"]["at_risk"] >= 1 and summary["counts"]["open"] >= 1
    code, out = run(
        "status",
        "--agreement",
        "demo/revpact.yaml",
        "--db",
        "sqlite:///demo/revpact.db",
        "--as-of",
        "2020-12-31T16:00:00-05:00",
        "--month",
        "2020-10",
        "--json",
    )
    assert code == 0, out
    october = json.loads(out)
    assert october["revenue"]["met"] is True and october["shared_goals"]["met"] is True
    assert october["escalation"]["level"] == 0 and october["reward"]["earned"] is True


def test_table_limit_says_there_is_more(workdir: Path) -> None:
    run("init")
    (workdir / "leads.csv").write_text(LEADS, encoding="utf-8")
    run("import", "leads", "leads.csv")
    code, out = run("leads", "--as-of", "2020-01-13T09:50", "--limit", "2")
    assert code == 0, out
    assert "A1" in out and "A2" in out and "A3" not in out
    assert "and more" in out
    code, out = run("leads", "--as-of", "2020-01-13T09:50", "--limit", "5")
    assert "and more" not in out
