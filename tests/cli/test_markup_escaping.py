"""Text from users and files is printed as it is: Rich would read ``[...]`` as markup and eat
it (a signer saw ``rewards.monthly.requires:  →``), so every command escapes it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from revpact.cli import app, import_cmds
from revpact.ingest.agreement_file import company_a_template

WIDE = {"COLUMNS": "250"}  # no wrapping: a bracketed value stays on one line

BOLD_ID, RED_ID = "[bold]L1[/bold]", "[red]L2"
BOLD_OWNER, RED_OWNER = "[bold]x[/bold]", "[red]"

LEADS = f"""\
lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner,region
{BOLD_ID},referral,late,true,2020-01-06T09:59:00-05:00,2020-01-06T10:00:00-05:00,2020-01-06T10:30:00-05:00,{BOLD_OWNER},east
{RED_ID},content,late,true,2020-01-06T10:00:00-05:00,2020-01-06T10:00:00-05:00,2020-01-06T11:30:00-05:00,{RED_OWNER},west
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=WIDE)
    return result.exit_code, result.output


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    monkeypatch.setenv("REVPACT_DATABASE_URL", f"sqlite:///{tmp_path / 'revpact.db'}")
    (tmp_path / "revpact.yaml").write_text(company_a_template("en"), encoding="utf-8")
    return tmp_path


@pytest.fixture
def with_leads(workdir: Path) -> Path:
    (workdir / "leads.csv").write_text(LEADS, encoding="utf-8")
    code, out = run("import", "leads", "leads.csv")
    assert code == 0, out
    return workdir


def test_leads_show_ids_and_owners_as_written(with_leads: Path) -> None:
    code, out = run("leads", "--as-of", "2020-01-07T12:00")
    assert code == 0, out
    for text in (BOLD_ID, RED_ID, BOLD_OWNER, RED_OWNER):
        assert text in out
    code, out = run("leads", "--as-of", "2020-01-07T12:00", "--owner", BOLD_OWNER)
    assert code == 0, out
    assert BOLD_ID in out and BOLD_OWNER in out and RED_ID not in out


def test_status_per_owner_shows_owners_as_written(with_leads: Path) -> None:
    code, out = run("status", "--as-of", "2020-01-07T12:00")
    assert code == 0, out
    per_owner = out.split("Per owner", 1)[1]
    assert BOLD_OWNER in per_owner and RED_OWNER in per_owner


def test_import_error_names_a_bracketed_value(workdir: Path) -> None:
    bad = LEADS.splitlines()[0] + (
        "\nL9,[bold]vip[/bold],late,true,[red]soon,2020-01-06T10:00:00-05:00,,a@x.example,east\n"
    )
    (workdir / "bad.csv").write_text(bad, encoding="utf-8")
    code, out = run("import", "leads", "bad.csv")
    assert code == 1
    assert '"[bold]vip[/bold]" is not a lead type' in out
    assert '"[red]soon" is not an ISO 8601 timestamp' in out


def test_import_names_a_bracketed_file(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "[red]leads.csv").write_text(LEADS, encoding="utf-8")
    # A terminal, so that the progress bar (whose description is markup) is drawn.
    terminal = Console(file=io.StringIO(), force_terminal=True, width=250, color_system=None)
    monkeypatch.setattr(import_cmds, "console", terminal)
    code, out = run("import", "leads", "[red]leads.csv")
    assert code == 0, out
    drawn = terminal.file.getvalue()  # type: ignore[attr-defined]
    assert "importing leads from [red]leads.csv" in drawn
    assert "[red]leads.csv: 2 rows" in drawn


def test_validate_shows_bracketed_text(workdir: Path) -> None:
    path = workdir / "revpact.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("company: Company A", 'company: "[bold]Co[/bold] [x]"'))
    code, out = run("validate")
    assert code == 0, out
    assert "is valid: [bold]Co[/bold] [x]," in out
    path.write_text(text.replace("within: 1h ", 'within: "[red]1h" '), encoding="utf-8")
    code, out = run("validate")
    assert code == 1
    assert '"[red]1h" is not a duration' in out


def test_scoreboards_show_the_company_as_written(with_leads: Path) -> None:
    path = with_leads / "revpact.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("company: Company A", 'company: "[bold]Co[/bold] [x]"'))
    for args in (
        ("status", "--as-of", "2020-01-07T12:00"),
        ("status", "--month", "2020-01", "--as-of", "2020-02-03T12:00"),
        ("status", "--year", "2020", "--as-of", "2020-02-03T12:00"),
    ):
        code, out = run(*args)
        assert code == 0, out
        assert "[bold]Co[/bold] [x]" in out, args


def test_agreement_diff_shows_every_change_as_written(workdir: Path) -> None:
    path = workdir / "revpact.yaml"
    code, out = run("agreement", "publish", "--at", "2019-12-16T10:00")
    assert code == 0, out
    text = path.read_text(encoding="utf-8")
    changed = (
        text.replace("title: Sales & Marketing", 'title: "[draft] Sales & Marketing')
        .replace("Service Level Agreement\n", 'Service Level Agreement"\n', 1)
        .replace("stage: [early]}", 'stage: [early, "[red]cold"]}')
        .replace("name: Goal 3", 'name: "[b]Goal 3[/b]"')
    )
    assert changed.count("[") > text.count("[")
    path.write_text(changed, encoding="utf-8")
    code, out = run("agreement", "publish", "--at", "2019-12-18T10:00")
    assert code == 0, out
    code, out = run("agreement", "diff", "v1", "v2", "--json")
    changes = [c["text"] for c in json.loads(out)["changes"]]
    assert "sales.follow_up.excludes.stage: added [red]cold (now: early, [red]cold)" in changes
    assert len(changes) == 3
    code, out = run("agreement", "diff", "v1", "v2")
    assert code == 0, out
    for change in changes:
        assert change in out, change


def test_tokens_show_names_and_members_as_written(workdir: Path) -> None:
    code, out = run(
        "token",
        "create",
        "--name",
        "[bold]bot[/bold]",
        "--role",
        "sales",
        "--member",
        "[red]m@x.example",
    )
    assert code == 0, out
    assert "for [bold]bot[/bold] (sales)" in out
    code, out = run("token", "list")
    assert code == 0, out
    assert "[bold]bot[/bold]" in out and "[red]m@x.example" in out


def test_render_names_a_bracketed_file(workdir: Path) -> None:
    code, out = run("agreement", "render", "--format", "md", "--draft", "--out", "[red]doc.md")
    assert code == 0, out
    assert (workdir / "[red]doc.md").exists()
    assert "wrote [red]doc.md" in out
