"""``revpact month``: close, reopen, list and restatements, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from revpact.cli import app
from revpact.ingest.agreement_file import company_a_template

CEO = "margaret.lowell@company-a.example"
REP = "kevin.tran@company-a.example"
DEALS = """\
deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner
D1,R0,2020-01-06T12:00-05:00,2020-01-08T12:00-05:00,2020-01-10T12:00-05:00,won,100,ann
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    (tmp_path / "revpact.yaml").write_text(company_a_template("en"), encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_close_list_restate_reopen_close(workdir: Path) -> None:
    code, out = run("month", "close", "2020-01", "--by", CEO, "--at", "2020-02-03T10:00")
    assert code == 0, out
    assert f"2020-01 closed by {CEO} on 2020-02-03 10:00" in out

    code, out = run("month", "list", "--json")
    assert code == 0, out
    months = json.loads(out)
    assert [m["state"] for m in months[:2]] == ["closed", "awaiting_close"]
    assert months[0]["last"]["by"] == CEO and len(months[0]["last"]["facts_hash"]) == 64
    assert months[0]["restatement"] is None

    code, out = run("month", "restatements")
    assert code == 0 and "No restatements" in out, out

    (workdir / "deals.csv").write_text(DEALS, encoding="utf-8")
    assert run("import", "deals", "deals.csv")[0] == 0
    code, out = run("month", "restatements", "--json")
    assert code == 0, out
    (found,) = json.loads(out)
    assert found["month"] == "2020-01"
    assert {"figure": "proposals_won", "old": 0, "new": 1} in found["changes"]
    code, out = run("month", "restatements")
    assert code == 0, out
    assert "2020-01, closed by" in out and "proposals_won" in out and "month reopen" in out
    code, out = run("month", "list")
    assert code == 0 and "closed" in out and "figures" in out, out

    code, out = run("month", "reopen", "2020-01", "--by", CEO, "--reason", "[bold]D1[/bold] late")
    assert code == 0, out
    assert "reopened by" in out and "[bold]D1[/bold] late" in out  # shown as written
    code, out = run("month", "close", "2020-01", "--by", CEO)
    assert code == 0, out
    code, out = run("month", "restatements", "--json")
    assert code == 0 and json.loads(out) == []


def test_status_shows_the_close(workdir: Path) -> None:
    code, out = run("status", "--month", "2020-01", "--json")
    assert code == 0, out
    assert json.loads(out)["close"]["state"] == "awaiting_close"
    assert run("month", "close", "2020-01", "--by", CEO, "--at", "2020-02-03T10:00")[0] == 0
    code, out = run("status", "--month", "2020-01", "--json")
    assert code == 0, out
    block = json.loads(out)["close"]
    assert (block["state"], block["by"]) == ("closed", CEO)
    assert block["at"] == "2020-02-03T15:00:00+00:00" and len(block["version"]) == 64
    code, out = run("status", "--month", "2020-01")
    assert code == 0 and f"Closed by {CEO} on 2020-02-03" in out, out
    code, out = run("status", "--month", "2020-02")
    assert code == 0 and "Awaiting close" in out, out
    code, out = run("status", "--year", "2020", "--json")
    assert code == 0, out
    assert [m["close"]["state"] for m in json.loads(out)["months"][:2]] == [
        "closed",
        "awaiting_close",
    ]


def test_refusals_are_plain_messages(workdir: Path) -> None:
    code, out = run("month", "close", "2020-01", "--by", REP)
    assert code == 1 and "may not close or reopen months" in out
    code, out = run("month", "close", "2020-02", "--by", CEO)
    assert code == 1 and "close 2020-01 first" in out
    code, out = run("month", "close", "September", "--by", CEO)
    assert code == 1 and "is not a month" in out
    code, out = run("month", "reopen", "2020-01", "--by", CEO, "--reason", "x")
    assert code == 1 and "2020-01 is not closed" in out
    code, out = run("month", "close", "2020-01", "--by", CEO, "--at", "tomorrow")
    assert code == 1 and "not an ISO 8601 moment" in out


def test_every_month_command_has_help(workdir: Path) -> None:
    for command in ("close", "reopen", "list", "restatements"):
        code, out = run("month", command, "--help")
        assert code == 0 and "Usage" in out, (command, out)
