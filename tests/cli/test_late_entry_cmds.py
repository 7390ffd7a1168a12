"""``revpact import ... --by``, the late mark in ``revpact leads`` and ``revpact leads approve``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from revpact.cli import app

HEADER = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner\n"
ROW = "B1,content,late,true,2020-01-06T09:59:00-05:00,2020-01-06T10:00:00-05:00,{touch},{owner}\n"
AS_OF = "2020-01-13T09:50:00-05:00"
OWNER = "kevin.tran@company-a.example"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), terminal_width=200)
    return result.exit_code, " ".join(result.output.split())  # as read, not as wrapped


def write(path: Path, touch: str = "", owner: str = OWNER) -> str:
    path.write_text(HEADER + ROW.format(touch=touch, owner=owner), encoding="utf-8")
    return path.name


def test_a_touch_added_late_by_a_reimport_waits_for_a_leader(workdir: Path) -> None:
    assert run("init")[0] == 0
    assert run("import", "leads", write(workdir / "a.csv"), "--by", "ops@company-a.example")[0] == 0
    # Recorded now, years after the touch it claims: a late entry, held.
    code, out = run("import", "leads", write(workdir / "b.csv", "2020-01-06T10:30:00-05:00"))
    assert code == 0, out
    assert "recorded late" in out
    code, out = run("leads", "--as-of", "2099-01-01T00:00:00Z")
    assert code == 0, out
    assert "breached" in out and "late?" in out and "awaiting approval" in out
    code, out = run("leads", "approve", "B1", "--by", OWNER)
    assert code == 1 and "may not approve" in out
    code, out = run("leads", "approve", "B1", "--by", "margaret.lowell@company-a.example")
    assert code == 0, out
    assert "now met" in out
    code, out = run("leads", "--as-of", "2099-01-01T00:00:00Z", "--json")
    [lead] = json.loads(out)
    assert lead["status"] == "met"
    assert lead["late_entry"]["approved_by"] == "margaret.lowell@company-a.example"


def test_an_import_reports_touches_before_the_notification(workdir: Path) -> None:
    run("init")
    name = write(workdir / "a.csv", "2020-01-06T09:58:00-05:00", owner="[bold]ann")
    code, out = run("import", "leads", name)
    assert code == 0, out
    assert "1 lead first touched before the notification (kept)" in out
    assert "lead B1: first touch 2020-01-06T14:58:00+00:00 is before its notification" in out


def test_a_time_far_outside_the_period_is_refused(workdir: Path) -> None:
    run("init")
    code, out = run("import", "leads", write(workdir / "a.csv", "0514-01-06T10:30:00-05:00"))
    assert code == 1
    assert "a.csv row 2, column first_touch_at" in out and "0514-01-06" in out
    assert "nothing was imported" in out
