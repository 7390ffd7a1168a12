"""The CLI's one clock (``revpact.cli.common.clock``, read through ``now()``) and its one
reader of typed moments (``--as-of``, ``--at``, ...)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import revpact.cli
from revpact.cli import app, common
from revpact.errors import RevpactError
from revpact.services.agreement_source import company_a_template, parse_agreement
from revpact.services.clock import FixedClock

CLI = Path(revpact.cli.__file__).parent
CLOCK_CALLS = ("datetime.now(", "utcnow(", "date.today(", "time.time(")
AT = datetime(2020, 10, 31, 14, 0, tzinfo=UTC)


def clock_calls(root: Path) -> list[str]:
    """Every place under ``root`` that asks the machine for the time itself."""
    return [
        f"{path.relative_to(root)}:{number}: {call}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for call in CLOCK_CALLS
        if call in line
    ]


def test_nothing_in_the_cli_reads_the_clock_but_common_now() -> None:
    assert clock_calls(CLI) == []


def test_the_check_would_notice(tmp_path: Path) -> None:
    (tmp_path / "probe.py").write_text("x = datetime.now(UTC)\ny = date.today()\n", "utf-8")
    assert clock_calls(tmp_path) == ["probe.py:1: datetime.now(", "probe.py:2: date.today("]


def test_now_reads_the_invocation_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "clock", FixedClock(AT))
    assert common.now() == AT


def test_as_of_without_a_value_is_now_and_without_an_offset_the_calendars_zone() -> None:
    spec = parse_agreement(company_a_template("en"))
    assert common.parse_as_of(None, spec, AT) == AT
    moment = common.parse_as_of("2020-06-30T17:00", spec, AT)
    assert moment.astimezone(UTC) == datetime(2020, 6, 30, 21, 0, tzinfo=UTC)
    assert common.parse_as_of("2020-06-30T17:00Z", spec, AT) == datetime(
        2020, 6, 30, 17, 0, tzinfo=UTC
    )
    assert common.parse_as_of("2020-06-30T17:00-04:00", spec, AT).utcoffset() == timedelta(hours=-4)


def test_a_bad_moment_names_its_option() -> None:
    spec = parse_agreement(company_a_template("en"))
    with pytest.raises(RevpactError) as caught:
        common.parse_as_of("yesterday", spec, AT)
    assert str(caught.value) == (
        '--as-of "yesterday" is not an ISO 8601 moment; write e.g. 2020-06-30T17:00-04:00'
    )
    with pytest.raises(RevpactError, match=r'--held-at "soon" .* e\.g\. 2020-03-09T09:30'):
        common.read_option_moment("soon", spec, "--held-at", example="2020-03-09T09:30")


def test_a_command_reads_the_swapped_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    (tmp_path / "revpact.yaml").write_text(company_a_template("en"), encoding="utf-8")
    monkeypatch.setattr(common, "clock", FixedClock(AT))
    result = CliRunner().invoke(app, ["feedback", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert '"as_of": "2020-10-31T14:00:00+00:00"' in result.output
