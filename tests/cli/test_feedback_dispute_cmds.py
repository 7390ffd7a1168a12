"""``revpact feedback`` and ``revpact dispute``, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from revpact.cli import app
from revpact.ingest.agreement_file import company_a_template

CMO = "emily.carter@company-a.example"
VP_SALES = "michael.brennan@company-a.example"
CEO = "margaret.lowell@company-a.example"
CFO = "david.okafor@company-a.example"
PRIYA = "priya.raman@company-a.example"
SARAH = "sarah.whitfield@company-a.example"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # tables wide enough to show every cell whole
    (tmp_path / "revpact.yaml").write_text(company_a_template("en"), encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    """Exit code and output, with the lines a long message wraps onto joined again."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def test_feedback_add_answer_list_show(workdir: Path) -> None:
    code, out = run(
        "feedback",
        "add",
        "--from",
        "marketing",
        "--to",
        "sales",
        "--topic",
        "follow_up",
        "Reps skip the [notes] field",
        "--by",
        CMO,
        "--at",
        "2020-10-31T10:00",
    )
    assert code == 0, out
    assert "raised feedback 1" in out and "due 2020-11-01 09:00 EST" in out
    code, out = run(
        "feedback",
        "add",
        "--from",
        "sales",
        "--topic",
        "lead_quality",
        "Students",
        "--at",
        "2020-10-31T11:00",
    )
    assert code == 0 and "feedback 2 (sales → marketing" in out, out
    code, out = run("feedback", "answer", "1", "Fixed", "--by", SARAH, "--at", "2020-11-01T08:00")
    assert code == 0 and "on_time" in out, out
    code, out = run("feedback", "answer", "1", "Again", "--at", "2020-11-01T08:30")
    assert code == 1 and "already answered" in out

    code, out = run("feedback", "list", "--as-of", "2020-11-02T00:00", "--json")
    assert code == 0, out
    items = json.loads(out)["feedback"]
    assert [(i["id"], i["state"]) for i in items] == [(1, "on_time"), (2, "overdue")]
    assert items[0]["due_at"] == "2020-11-01T14:00:00+00:00"
    assert items[0]["text"] == "Reps skip the [notes] field"
    code, out = run(
        "feedback", "list", "--as-of", "2020-11-02T00:00", "--state", "overdue", "--json"
    )
    assert [i["id"] for i in json.loads(out)["feedback"]] == [2]
    code, out = run("feedback", "list", "--as-of", "2020-11-02T00:00")
    assert code == 0 and "overdue" in out and "Feedback as of 2020-11-02" in out, out
    code, out = run("feedback", "show", "1", "--as-of", "2020-11-02T00:00")
    assert code == 0, out
    assert "[notes]" in out and "wall clock" in out and "answered 2020-11-01 08:00 EST" in out


def test_feedback_refusals(workdir: Path) -> None:
    code, out = run(
        "feedback", "add", "--from", "sales", "--to", "sales", "--topic", "process", "x"
    )
    assert code == 1 and 'from_team and to_team are both "sales"' in out
    code, out = run("feedback", "add", "--from", "sales", "--topic", "pricing", "x")
    assert code == 2 and "pricing" in out
    code, out = run(
        "feedback", "add", "--from", "sales", "--topic", "process", "x", "--at", "yesterday"
    )
    assert code == 1 and '--at "yesterday" is not an ISO 8601 moment' in out
    code, out = run("feedback", "answer", "9", "x")
    assert code == 1 and "no feedback 9" in out
    code, out = run(
        "feedback", "add", "--from", "sales", "--topic", "process", "x", "--at", "2020-06-01T10:00"
    )
    code, out = run("feedback", "answer", "1", "x", "--at", "2020-06-01T09:00")
    assert code == 1 and "before it was raised" in out


def test_dispute_procedure(workdir: Path) -> None:
    code, out = run(
        "dispute", "open", "Webinar leads", "--raised-by", SARAH, "--at", "2020-03-02T10:00"
    )
    assert code == 0 and "opened dispute 1" in out and CMO in out and "15m" in out, out
    code, out = run(
        "dispute",
        "represent",
        "1",
        "--team",
        "sales",
        "--member",
        PRIYA,
        "--at",
        "2020-03-02T10:05",
    )
    assert code == 1 and "not a sales signatory" in out
    for team, member in (("sales", SARAH), ("marketing", PRIYA)):
        code, out = run(
            "dispute",
            "represent",
            "1",
            "--team",
            team,
            "--member",
            member,
            "--at",
            "2020-03-02T10:05",
        )
        assert code == 0, out
    code, out = run(
        "dispute", "present", "1", "--team", "sales", "--minutes", "20", "--at", "2020-03-02T10:30"
    )
    assert code == 0 and "over the 15m time-box by 5m" in out, out
    code, out = run(
        "dispute",
        "decide",
        "1",
        "--decision",
        "x",
        "--by",
        CMO,
        "--by",
        VP_SALES,
        "--by",
        CEO,
        "--at",
        "2020-03-02T11:00",
    )
    assert code == 1 and "marketing has not presented" in out
    code, out = run(
        "dispute",
        "present",
        "1",
        "--team",
        "marketing",
        "--minutes",
        "15",
        "--at",
        "2020-03-02T10:50",
    )
    assert code == 0 and "within the 15m time-box" in out, out
    code, out = run(
        "dispute", "decide", "1", "--decision", "x", "--by", CFO, "--at", "2020-03-02T11:00"
    )
    assert code == 1 and "only the panel decides dispute 1" in out and CMO in out
    decide = ("dispute", "decide", "1", "--decision", "Sales calls them", "--at")
    code, out = run(*decide, "2020-03-02T11:00", "--by", CMO)
    assert code == 1 and "needs all of it" in out, out  # one member alone is not the panel
    panel = ("--by", CMO, "--by", VP_SALES, "--by", CEO)
    code, out = run(*decide, "2020-03-02T11:00", *panel)
    assert code == 0 and "decision 1 of dispute 1 (binding)" in out, out
    again = ("dispute", "decide", "1", "--decision", "Marketing rescores")
    code, out = run(*again, "--supersedes", "1", "--at", "2020-03-03T11:00", *panel)
    assert code == 1 and "rehear 1" in " ".join(out.split()), out  # no bare second decision
    code, out = run(
        "dispute",
        "rehear",
        "1",
        "--reason",
        "New [data] on webinar leads",
        "--attendee",
        CMO,
        "--attendee",
        VP_SALES,
        "--attendee",
        CEO,
        "--by",
        CEO,
        "--at",
        "2020-03-03T10:00",
    )
    assert code == 0 and "heard again" in out, out
    code, out = run(*again, "--at", "2020-03-03T11:00", *panel)
    assert code == 1 and "--supersedes 1" in out
    code, out = run(*again, "--supersedes", "1", "--at", "2020-03-03T11:00", *panel)
    assert code == 0 and "superseding decision 1" in out, out
    code, out = run("dispute", "show", "1", "--as-of", "2020-03-03T10:30")
    assert code == 0 and "New [data] on webinar leads" in out and "superseded" not in out, out

    code, out = run("dispute", "show", "1", "--json")
    shown = json.loads(out)
    assert shown["stage"] == "decided" and shown["current_decision"] == 2
    assert [(d["decision"], d["current"]) for d in shown["decisions"]] == [
        ("Sales calls them", False),
        ("Marketing rescores", True),
    ]
    code, out = run("dispute", "show", "1")
    assert code == 0 and "current" in out and "superseded by #2" in out and "over by 5m" in out
    code, out = run("dispute", "list", "--json")
    assert [d["id"] for d in json.loads(out)["disputes"]] == [1]
    code, out = run("dispute", "list")
    assert code == 0 and "Webinar leads" in out and "#2" in out, out
    code, out = run("dispute", "show", "5")
    assert code == 1 and "no dispute 5" in out
