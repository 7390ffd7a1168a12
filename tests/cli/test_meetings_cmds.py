"""``revpact meetings``, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from revpact.cli import app
from revpact.ingest.agreement_file import company_a_template

LEADERS = "emily.carter@company-a.example,michael.brennan@company-a.example"
WEEKLY = "## What worked\nA.\n## What did not work\nB.\n## Improvements for next week\nC.\n"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    (tmp_path / "revpact.yaml").write_text(company_a_template("en"), encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    """The exit code and the output, with Rich's line wrapping undone."""
    result = CliRunner().invoke(app, list(args))
    if args[-1] == "--json":
        return result.exit_code, result.output
    return result.exit_code, " ".join(result.output.split())


def test_schedule_table_and_calendar_file(workdir: Path) -> None:
    code, out = run("meetings", "schedule", "--as-of", "2020-01-15", "--count", "3")
    assert code == 0, out
    assert "Mon 2020-01-20 09:30" in out and "skipped" in out
    assert "Mon 2020-02-03 09:30" in out
    code, out = run("meetings", "schedule", "--ics", "rhythm.ics", "--kind", "weekly")
    assert code == 0 and "wrote rhythm.ics" in out, out
    calendar = Calendar.from_ical((workdir / "rhythm.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event["RRULE"]["BYDAY"] == ["MO"]
    code, out = run("meetings", "schedule", "--as-of", "2020-06-01", "--json", "--kind", "monthly")
    assert code == 0, out
    shown = json.loads(out)
    assert shown["meetings"][0]["upcoming"][0]["date"] == "2020-06-02"
    code, out = run("meetings", "schedule", "--as-of", "2021-02-01")
    assert code == 0 and "No meetings after" in out


def test_record_list_and_compliance(workdir: Path) -> None:
    (workdir / "w.md").write_text(WEEKLY, encoding="utf-8")
    code, out = run(
        "meetings",
        "record",
        "--kind",
        "weekly",
        "--held-at",
        "2020-03-09T09:30",
        "--attendees",
        LEADERS,
        "--notes",
        "w.md",
        "--minutes",
        "60",
        "--by",
        "priya.raman@company-a.example",
    )
    assert code == 0, out
    assert "recorded weekly_leadership held 2020-03-09 09:30 as record 1" in out
    code, out = run(
        "meetings",
        "record",
        "--kind",
        "weekly",
        "--held-at",
        "2020-03-16T09:30",
        "--attendees",
        LEADERS,
        "--notes",
        "w.md",
        "--minutes",
        "60",
        "--corrects",
        "1",
    )
    assert code == 0 and "(corrects record 1)" in out, out
    code, out = run("meetings", "list", "--json")
    assert code == 0
    (record,) = json.loads(out)["records"]
    assert (record["id"], record["supersedes"], record["held_at"]) == (
        2,
        1,
        "2020-03-16T13:30:00+00:00",
    )
    code, out = run("meetings", "list", "--all")
    assert code == 0 and "superseded by 2" in out, out

    code, out = run("meetings", "compliance", "--as-of", "2020-03-23T12:00", "--json")
    assert code == 0, out
    weekly, monthly = json.loads(out)["meetings"]
    # Record 1 (9 March) was corrected to 16 March: week 11 is missed, week 12 held.
    assert weekly["held"] == 1 and "2020-W12" not in weekly["missed"]
    assert weekly["missed"][-2:] == ["2020-W10", "2020-W11"]
    assert weekly["pending"] == ["2020-W13"]
    assert monthly["missed"] == ["2020-01", "2020-02"]
    code, out = run("meetings", "compliance", "--as-of", "2020-03-23T12:00")
    assert code == 0 and "weekly_leadership missed: 2020-W02" in out, out


def test_record_errors_name_the_file_heading_and_e_mail(workdir: Path) -> None:
    (workdir / "m.md").write_text(WEEKLY, encoding="utf-8")
    code, out = run(
        "meetings",
        "record",
        "--kind",
        "monthly",
        "--held-at",
        "2020-03-03T10:00",
        "--attendees",
        LEADERS,
        "--notes",
        "m.md",
        "--minutes",
        "60",
    )
    assert code == 1
    assert "m.md does not hold the monthly meeting's notes" in out
    assert '"## Marketing 30-day plan"' in out
    code, out = run(
        "meetings",
        "record",
        "--kind",
        "weekly",
        "--held-at",
        "2020-03-09T09:30",
        "--attendees",
        "emily.carter@company-a.example,nobody@company-a.example",
        "--notes",
        "m.md",
        "--minutes",
        "60",
    )
    assert code == 1 and "nobody@company-a.example is not the e-mail of a signatory" in out
    code, out = run(
        "meetings",
        "record",
        "--kind",
        "weekly",
        "--held-at",
        "last monday",
        "--attendees",
        LEADERS,
        "--notes",
        "m.md",
        "--minutes",
        "60",
    )
    assert code == 1 and '--held-at "last monday" is not an ISO 8601 moment' in out


def test_agenda(workdir: Path) -> None:
    cfo = "david.okafor@company-a.example"
    for month, at in (("2020-01", "2020-02-03"), ("2020-02", "2020-03-02")):
        code, out = run("month", "close", month, "--by", cfo, "--at", at)
        assert code == 0, out
    code, out = run("meetings", "agenda", "--kind", "weekly", "--as-of", "2020-03-09T08:00")
    assert code == 0, out
    assert "Monday 2020-03-09 09:30-10:00" in out
    assert "Last week: 2020-W10" in out
    assert "Open escalation actions" in out
    code, out = run("meetings", "agenda", "--kind", "monthly", "--as-of", "2020-04-02", "--json")
    assert code == 0, out
    shown = json.loads(out)
    assert shown["starts_at"] == "2020-04-07T10:00:00-04:00"
    assert shown["monthly"]["coming"]["revenue"] == "1111000.00"
    assert [p["team"] for p in shown["monthly"]["plans"]] == ["marketing", "sales"]
    code, out = run("meetings", "agenda", "--kind", "quarterly")
    assert code == 1 and 'no meeting "quarterly"' in out


def test_notes_template(workdir: Path) -> None:
    result = CliRunner().invoke(app, ["meetings", "notes", "--kind", "monthly_teams"])
    assert result.exit_code == 0
    assert result.output == "## Marketing 30-day plan\n\n## Sales 30-day plan\n\n## KPIs\n\n"
