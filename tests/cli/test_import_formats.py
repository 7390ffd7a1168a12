"""``revpact import leads|deals --format hubspot|salesforce``, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from revpact.cli import app

CONTACTS = (
    '"Record ID","First Name","Lifecycle Stage","Lead Status","Original Source","Create Date",'
    '"Owner Assigned Date","Date of first engagement","Contact owner","City"\r\n'
    '"101","Łukasz","Marketing Qualified Lead","New","Organic Search","2020-03-02 10:15",'
    '"2020-03-02 10:20","2020-03-02 10:50","Jamal Reed","Świętokrzyska"\r\n'
    '"102","Zofia","Subscriber","","Referrals","2020-03-02 11:00","","","","Łódź"\r\n'
)
OPPORTUNITIES = (
    '"Opportunity ID","Opportunity Name","Stage","Amount","Close Date","Created Date","Won",'
    '"Closed","Opportunity Owner"\r\n'
    '"0065e00000Opp01","Żółć","Closed Won","USD 12,500.00","3/20/2020","3/2/2020 10:30 AM",'
    '"1","1","Sarah Whitfield"\r\n'
    "\r\n"
    '"Copyright (c) 2000-2020 salesforce.com, inc. All rights reserved."\r\n'
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    assert run("init")[0] == 0
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_hubspot_contacts_in_windows_1250(workdir: Path) -> None:
    (workdir / "contacts.csv").write_bytes(CONTACTS.encode("cp1250"))
    code, out = run("import", "leads", "contacts.csv", "--format", "hubspot")
    assert code == 0, out
    assert "contacts.csv: 2 rows — 2 new, 0 updated, 0 unchanged" in out
    code, out = run("import", "leads", "contacts.csv", "--format", "hubspot", "--encoding", "auto")
    assert "0 new, 0 updated, 2 unchanged" in out
    code, out = run("leads", "--json")
    assert code == 0, out
    assert '"101"' in out


def test_salesforce_opportunities(workdir: Path) -> None:
    (workdir / "opps.csv").write_text(OPPORTUNITIES, encoding="utf-8-sig")
    code, out = run("import", "deals", "opps.csv", "--format", "SALESFORCE")
    assert code == 0, out
    assert "opps.csv: 1 rows — 1 new" in out


def test_problems_name_the_export(workdir: Path) -> None:
    (workdir / "contacts.csv").write_bytes(
        CONTACTS.replace("Organic Search", "Carrier Pigeon").encode("cp1250")
    )
    code, out = run("import", "leads", "contacts.csv", "--format", "hubspot")
    assert code == 1
    assert "contacts.csv row 2, column Original Source:" in " ".join(out.split())
    assert '"Carrier Pigeon"' in out


def test_a_mapping_file_and_its_errors(workdir: Path) -> None:
    (workdir / "contacts.csv").write_bytes(
        CONTACTS.replace("Organic Search", "Carrier Pigeon").encode("cp1250")
    )
    (workdir / "map.yaml").write_text(
        "leads:\n  lead_type:\n    values: {Carrier Pigeon: referral}\n", encoding="utf-8"
    )
    code, out = run(
        "import", "leads", "contacts.csv", "--format", "hubspot", "--mapping", "map.yaml"
    )
    assert code == 0, out
    (workdir / "bad.yaml").write_text("leads:\n  lead_typ: {}\n", encoding="utf-8")
    code, out = run(
        "import", "leads", "contacts.csv", "--format", "hubspot", "--mapping", "bad.yaml"
    )
    assert code == 1
    assert "bad.yaml: the mapping file is not usable" in out
    assert "leads.lead_typ: is not a lead field" in out


def test_a_forced_encoding(workdir: Path) -> None:
    (workdir / "contacts.csv").write_bytes(CONTACTS.encode("cp1250"))
    code, out = run("import", "leads", "contacts.csv", "--format", "hubspot", "--encoding", "utf-8")
    assert code == 1
    assert "is not utf-8-sig text" in out
    code, out = run("import", "leads", "contacts.csv", "--encoding", "latin-2")
    assert code == 2  # not a choice


@pytest.mark.parametrize("command", ["leads", "deals"])
def test_help_lists_the_options(command: str) -> None:
    code, out = run("import", command, "--help")
    assert code == 0
    for option in ("--format", "canonical|hubspot|salesforce", "--mapping", "--encoding"):
        assert option in out
