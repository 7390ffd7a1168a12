"""``revpact report``, as a user runs it: bad values are named, files are written where asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from revpact.cli import app
from revpact.ingest.agreement_file import company_a_template


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
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["weekly", "--week", "2020-W54"], '--week "2020-W54" is not an ISO week'),
        (["weekly", "--week", "last"], '--week "last" is not an ISO week; write e.g. 2020-W27'),
        (["weekly", "--week", "2021-W10"], "2021-W10 is outside the agreement's period"),
        (["monthly", "--month", "2020-13"], '--month "2020-13" is not a month'),
        (["monthly", "--month", "June"], '--month "June" is not a month; write e.g. 2020-06'),
        (["monthly", "--month", "2019-11"], "2019-11 is outside the agreement's period"),
        (["weekly", "--lang", "de"], '--lang "de" is not offered'),
        (["monthly", "--format", "docx"], '--format "docx" is not offered'),
    ],
)
def test_bad_values_are_named(workdir: Path, args: list[str], message: str) -> None:
    code, out = run("report", *args)
    assert code == 1, out
    assert message in out


def test_the_file_is_named_after_the_period(workdir: Path) -> None:
    code, out = run("report", "weekly", "--week", "2020-W27", "--format", "json")
    assert code == 0, out
    assert "wrote pack-weekly-2020-W27.json" in out
    data = json.loads((workdir / "pack-weekly-2020-W27.json").read_text(encoding="utf-8"))
    assert data["period"]["first_day"] == "2020-06-29"
    assert data["moves"]["basis"] == "week" and data["moves"]["previous_label"] == "2020-W26"
    assert data["agenda"]["starts_at"].startswith("2020-07-06T09:30")  # the next weekly meeting
    code, out = run("report", "monthly", "--month", "2020-06", "--out", "june.html")
    assert code == 0, out
    page = (workdir / "june.html").read_text(encoding="utf-8")
    assert "Monthly meeting pack: June 2020" in page and "<svg" in page


def test_the_agreements_language_is_the_default(workdir: Path) -> None:
    (workdir / "revpact.yaml").write_text(company_a_template("pl"), encoding="utf-8")
    code, out = run("report", "monthly", "--month", "2020-06", "--out", "czerwiec.html")
    assert code == 0, out
    page = (workdir / "czerwiec.html").read_text(encoding="utf-8")
    assert "Pakiet na spotkanie miesięczne: czerwiec 2020" in page


@pytest.mark.parametrize("command", ["weekly", "monthly"])
def test_help(command: str) -> None:
    code, out = run("report", command, "--help")
    assert code == 0 and "--agreement" in out and "--db" in out and "--out" in out
