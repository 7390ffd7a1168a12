"""``revpact agreement publish|diff|status|versions`` and ``revpact sign`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from revpact.cli import app
from revpact.ingest.agreement_file import company_a_template

EN = company_a_template("en")


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    """Exit code and output, its lines joined (Rich wraps long lines at the terminal's width)."""
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, " ".join(result.output.split())


def test_publish_sign_amend_and_status(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    agreement = tmp_path / "revpact.yaml"
    agreement.write_text(EN, encoding="utf-8")
    code, out = run("agreement", "publish", str(agreement), "--at", "2019-12-16T10:00", "--db", db)
    assert code == 0, out
    assert "as v1" in out and "Signing is open: 11 signatories" in out
    code, out = run("agreement", "publish", str(agreement), "--db", db)
    assert code == 0 and "nothing changed" in out
    people = [
        line.split("email: ")[1].split(",")[0]
        for line in EN.splitlines()
        if line.startswith("  - {name:")
    ]
    assert len(people) == 11
    for index, email in enumerate(people):
        code, out = run(
            "sign", "--as", email, "--at", f"2019-12-17T10:{index:02d}", "--yes", "--db", db
        )
        assert code == 0, out
    assert "Everyone has signed" in out and "is in force" in out
    code, out = run("agreement", "status", "--json", "--db", db)
    state = json.loads(out)
    assert state["in_force"]["number"] == 1 and not state["pending"]
    # An amendment: the roster's signatures of v1 do not carry over.
    agreement.write_text(EN.replace("pool: 5000", "pool: 6000"), encoding="utf-8")
    code, out = run("agreement", "publish", str(agreement), "--at", "2020-06-01", "--db", db)
    assert code == 0 and "as v2" in out and "rewards.monthly.pool: 5000 → 6000" in out
    code, out = run("agreement", "status", "--as-of", "2020-06-02", "--db", db)
    assert code == 0
    assert "In force: v1" in out and "0 of 11 required signatures" in out
    assert "rewards.monthly.pool: 5000 → 6000" in out  # what the signers are asked to agree to
    # The signer sees the changes before signing and may decline.
    code, out = run("sign", "--as", people[0], "--db", db, input="n\n")
    assert code == 1 and "rewards.monthly.pool: 5000 → 6000" in out
    code, out = run("sign", "--as", people[0], "--version", "v1", "--yes", "--db", db)
    assert code == 1 and "not the latest version" in out
    assert "rewards.monthly.pool" not in out  # refused before anything is shown
    code, out = run("sign", "--as", "nobody@company-a.example", "--yes", "--db", db)
    assert code == 1 and "not a signatory" in out
    code, out = run("sign", "--as", people[0], "--db", db, input="y\n")
    assert code == 0 and "signed v2" in out
    code, out = run("agreement", "diff", "v1", "v2", "--json", "--db", db)
    assert [c["text"] for c in json.loads(out)["changes"]] == ["rewards.monthly.pool: 5000 → 6000"]
    code, out = run("agreement", "versions", "--db", db)
    assert code == 0 and "v1" in out and "v2" in out


def test_status_before_anything_is_published(tmp_path: Path) -> None:
    code, out = run("agreement", "status", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert code == 1 and "no version has been published yet" in out


def test_an_invalid_file_is_not_published(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    agreement = tmp_path / "revpact.yaml"
    agreement.write_text(EN.replace("within: 1h ", "within: soon "), encoding="utf-8")
    code, out = run("agreement", "publish", str(agreement), "--db", db)
    assert code == 1 and "sales.follow_up.within" in out
    code, out = run("agreement", "status", "--db", db)
    assert "no version has been published yet" in out


def test_no_command_changes_an_audit_record(tmp_path: Path) -> None:
    """Versions, signatures, feedback, meetings and decisions are only ever added: repeating or
    rewriting one from the command line is refused and leaves the record as it was."""
    import typer.main

    groups = getattr(typer.main.get_command(app), "commands", {})
    for group in ("agreement", "feedback", "meetings", "dispute"):
        names = list(getattr(groups[group], "commands", {}))
        assert len(names) >= 3, (group, names)
        for name in names:
            assert not any(word in name for word in ("edit", "update", "delete", "remove")), name

    db = f"sqlite:///{tmp_path / 'x.db'}"
    agreement = tmp_path / "revpact.yaml"
    agreement.write_text(EN, encoding="utf-8")
    common = ("--agreement", str(agreement), "--db", db)
    assert run("agreement", "publish", str(agreement), "--at", "2020-01-02", "--db", db)[0] == 0
    kevin = "kevin.tran@company-a.example"
    assert run("sign", "--as", kevin, "--at", "2020-01-03", "--yes", "--db", db)[0] == 0
    code, out = run("sign", "--as", kevin, "--at", "2020-01-04", "--yes", "--db", db)
    assert code == 1 and "already signed v1" in out
    agreement.write_text(EN.replace("pool: 5000", "pool: 6000"), encoding="utf-8")
    assert run("agreement", "publish", str(agreement), "--at", "2020-01-05", "--db", db)[0] == 0
    agreement.write_text(EN, encoding="utf-8")  # v1's content again: not a way to rewrite v2
    code, out = run("agreement", "publish", str(agreement), "--db", db)
    assert code == 1 and "this content is v1" in out
    code, out = run(
        "feedback", "add", "--from", "sales", "--topic", "process", "x", "--at", "2020-01-06T10:00",
        *common,
    )  # fmt: skip
    assert code == 0, out
    assert run("feedback", "answer", "1", "first", "--at", "2020-01-06T11:00", *common)[0] == 0
    code, out = run("feedback", "answer", "1", "second", "--at", "2020-01-06T12:00", *common)
    assert code == 1 and "already answered" in out
    code, out = run("feedback", "show", "1", "--json", *common)
    assert json.loads(out)["answer"] == "first"
    code, out = run("agreement", "status", "--json", "--db", db)
    assert json.loads(out)["latest"]["number"] == 2


def test_signers_see_list_changes_and_bracketed_text(tmp_path: Path) -> None:
    """`rewards.monthly.requires:  →` was all a signer saw: the terminal ate `[...]`."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    agreement = tmp_path / "revpact.yaml"
    agreement.write_text(EN, encoding="utf-8")
    assert run("agreement", "publish", str(agreement), "--at", "2020-01-02", "--db", db)[0] == 0
    amended = EN.replace(
        "requires: [monthly_team_goals, company_revenue_goal]", "requires: [monthly_team_goals]"
    ).replace(
        "split: At the discretion of the team leaders", 'split: "[bold]Leaders[/bold] decide"'
    )
    agreement.write_text(amended, encoding="utf-8")
    code, out = run("agreement", "publish", str(agreement), "--at", "2020-01-03", "--db", db)
    flat = " ".join(out.split())
    assert code == 0, out
    assert "removed company_revenue_goal (now: monthly_team_goals)" in flat, out
    assert "[bold]Leaders[/bold] decide" in flat, out
    kevin = "kevin.tran@company-a.example"
    code, out = run("sign", "--as", kevin, "--at", "2020-01-04", "--db", db, input="n\n")
    assert code == 1 and "removed company_revenue_goal" in " ".join(out.split()), out
    code, out = run("sign", "--as", kevin, "--at", "2020-01-04", "--yes", "--db", db)
    assert code == 0, out
    from sqlalchemy import create_engine

    from revpact.store.audit import audit_rows

    engine = create_engine(db)
    with engine.connect() as conn:
        trail = audit_rows(conn, action_prefix="agreement.")
    engine.dispose()
    assert [(r.action, r.actor, r.via, r.subject) for r in trail] == [
        ("agreement.publish", None, "cli", "version:1"),
        ("agreement.publish", None, "cli", "version:2"),
        ("agreement.sign", kevin, "cli", "version:2"),
    ]
