"""``revpact escalation`` and ``revpact rewards``, as a user runs them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from revpact.cli import app
from revpact.cli.rewards_cmds import parse_shares
from revpact.errors import RevpactError
from revpact.ingest.agreement_file import company_a_template

MID_MARCH = "2020-03-15T12:00"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    (tmp_path / "revpact.yaml").write_text(company_a_template("en"), encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def close(*months: str) -> None:
    """Close ``months`` (``YYYY-MM``) as the CFO, each on the 3rd of the month after it."""
    for month in months:
        year, number = map(int, month.split("-"))
        at = f"{year + number // 12}-{number % 12 + 1:02d}-03"
        code, out = run(
            "month", "close", month, "--by", "david.okafor@company-a.example", "--at", at
        )
        assert code == 0, out


def test_escalation_status_done_and_report(workdir: Path) -> None:
    close("2020-01", "2020-02")
    code, out = run("escalation", "status", "--as-of", MID_MARCH, "--json")
    assert code == 0, out
    state = json.loads(out)
    assert (state["level"], state["since"], state["months_missed"]) == (60, "2020-01", 2)
    assert len(state["actions"]) == 9 and not any(a["done"] for a in state["actions"])
    assert state["actions"][0] == {
        "month": "2020-01",
        "level": 30,
        "seq": 1,
        "text": "Review the goals, the plan to reach them and the actual performance",
        "owner": "both",
        "due": "2020-02-03",
        "done": False,
        "done_at": None,
    }
    assert [w["week"] for w in state["swat_reports"]] == [f"2020-W{n}" for n in (10, 11, 12, 13)]

    code, out = run("escalation", "done", "2020-01", "30", "1", "--as-of", "2020-02-02T10:00")
    assert code == 0 and "done: Review the goals" in out, out
    code, out = run("escalation", "done", "2020-01", "90", "1")
    assert code == 1 and "no action 1 of level 90" in out

    (workdir / "report.md").write_text("# Week 10\n", encoding="utf-8")
    code, out = run(
        "escalation", "report", "--week", "2020-W10", "--file", "report.md", "--as-of", MID_MARCH
    )
    assert code == 0 and "filed the report for 2020-W10" in out, out
    code, out = run(
        "escalation", "report", "--week", "2020-W27", "--file", "report.md", "--as-of", MID_MARCH
    )
    assert code == 1 and "no SWAT report is due for 2020-W27" in out and "2020-W10" in out

    code, out = run("escalation", "status", "--as-of", MID_MARCH)
    assert code == 0, out
    assert "60-day level since 2020-01" in out
    assert "filed" in out and "missing" in out and "not yet due" in out
    state = json.loads(run("escalation", "status", "--as-of", MID_MARCH, "--json")[1])
    assert len(state["actions"]) == 9  # the status run again recorded nothing new
    assert state["actions"][0]["done"] is True
    assert state["swat_reports"][0]["filed"] is True


def _earning_january(workdir: Path) -> None:
    head = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner"
    rows = [
        f"R{i},referral,late,true,2020-01-06T10:00:00-05:00,2020-01-06T10:00:00-05:00,"
        "2020-01-06T10:30:00-05:00,ann"
        for i in range(110)
    ]
    files = {
        "leads": "\n".join([head, *rows]) + "\n",
        "deals": "deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner\n"
        "D1,R0,2020-01-06T12:00:00-05:00,2020-01-08T12:00:00-05:00,"
        "2020-01-10T12:00:00-05:00,won,100,ann\n",
        "revenue": "month,amount\n2020-01,2000000\n",
    }
    for kind, body in files.items():
        (workdir / f"{kind}.csv").write_text(body, encoding="utf-8")
        code, out = run("import", kind, f"{kind}.csv")
        assert code == 0, out


def test_rewards_status_and_allocate(workdir: Path) -> None:
    _earning_january(workdir)
    close("2020-01")
    as_of = "2020-02-10T12:00"
    code, out = run("rewards", "status", "--as-of", as_of)
    assert code == 0 and "2020-01" in out and "not yet split" in out and "Mexico" in out, out

    allocate = ("rewards", "allocate", "--month", "2020-01", "--as-of", as_of)
    code, out = run(*allocate, "--share", "anna@x=5000")
    assert code == 2 and "--by" in out, out  # who records it is required
    code, out = run(*allocate, "--share", "anna@x=5000", "--by", "kevin.tran@company-a.example")
    assert code == 1 and "not a team leader" in out, out
    allocate = (*allocate, "--by", "emily.carter@company-a.example")
    code, out = run(*allocate, "--share", "anna@x=2500", "--share", "tom@x=2000")
    assert code == 1 and "add up to 4500, not the pool of 5000 (short by 500)" in out, out
    code, out = run(*allocate, "--share", "anna@x=lots")
    assert code == 1 and '"anna@x=lots"' in out
    code, out = run(*allocate, "--share", "anna@x=2500", "--share", "tom@x=2500")
    assert code == 0, out
    code, out = run(*allocate, "--share", "anna@x=5000")
    assert code == 1 and "changed only by a correction" in " ".join(out.split()), out

    code, out = run("rewards", "status", "--as-of", as_of, "--json")
    assert code == 0, out
    assert json.loads(out) == {
        "months": [
            {
                "month": "2020-01",
                "pool": "5000",
                "split": {"anna@x": "2500", "tom@x": "2500"},
                "allocated_at": "2020-02-10T17:00:00+00:00",
                "allocated_by": "emily.carter@company-a.example",
                "splits": [
                    {
                        "number": 1,
                        "split": {"anna@x": "2500", "tom@x": "2500"},
                        "allocated_at": "2020-02-10T17:00:00+00:00",
                        "recorded_at": json.loads(out)["months"][0]["splits"][0]["recorded_at"],
                        "allocated_by": "emily.carter@company-a.example",
                        "reason": None,
                    }
                ],
            }
        ],
        "annual_reward": {
            "text": "A fully paid trip to Mexico for both teams, spouses included",
            "earned": None,
        },
    }
    code, out = run(
        "rewards",
        "allocate",
        "--month",
        "2020-02",
        "--share",
        "anna@x=5000",
        "--as-of",
        "2020-03-02",
        "--by",
        "emily.carter@company-a.example",
    )
    assert code == 1 and "2020-02 did not earn the monthly pool" in out
    code, out = run(
        "rewards",
        "correct",
        "--month",
        "2020-01",
        "--share",
        "anna@x=4000",
        "--share",
        "[bold]tom[/]=1000",
        "--by",
        "michael.brennan@company-a.example",
        "--reason",
        "Tom [left] in January",
        "--as-of",
        "2020-02-11T09:00",
    )
    assert code == 0 and "2 splits on record" in out, out
    code, out = run("rewards", "status", "--as-of", "2020-02-12")
    assert code == 0 and "[bold]tom[/] 1000" in out and "Tom [left] in January" in out, out
    code, out = run("rewards", "status", "--as-of", as_of)
    assert code == 0 and "tom@x 2500" in out, out  # as of before the correction


def test_parse_shares() -> None:
    assert parse_shares(["a@x=1.50", "b=2"]) == {"a@x": Decimal("1.50"), "b": Decimal(2)}
    for bad in ("anna", "=5", "anna=", "anna=1,5"):
        with pytest.raises(RevpactError, match=f'"{bad}" is not NAME=AMOUNT'):
            parse_shares([bad])
    with pytest.raises(RevpactError, match="has a share already"):
        parse_shares(["a=1", "a=2"])
