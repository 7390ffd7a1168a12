"""Starting the command line loads only what commands share: the web stack, PDF and chart
libraries and iCalendar load when a command that needs them runs, and help loads neither the
database toolkit, the validation library nor numpy: each command imports its services when it
runs (a test of imports, not of time; bench/startup.py times it)."""

from __future__ import annotations

import json
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

import pytest

from revpact.cli.common import FeedbackStateChoice, TeamChoice, TopicChoice
from revpact.domain.agreement.model import FeedbackTopic, Side
from revpact.domain.feedback import FeedbackState
from revpact.services.agreement_source import company_a_template

HEAVY = ("fastapi", "uvicorn", "starlette", "weasyprint", "plotly", "matplotlib", "icalendar")
# What a command that reads the store needs, and help does not.
SERVICES = ("sqlalchemy", "pydantic", "numpy", "revpact.services.follow_up")

_PROBE = """
import json, sys
{before}
from typer.testing import CliRunner
from revpact.cli import app
result = CliRunner().invoke(app, {args})
heavy = {heavy}
print(json.dumps({{"exit": result.exit_code,
                  "loaded": sorted(m for m in heavy if m in sys.modules)}}))
"""


def _loaded(*args: str, before: str = "", heavy: tuple[str, ...] = HEAVY) -> dict[str, object]:
    code = _PROBE.format(args=list(args), heavy=list(heavy), before=before)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def test_help_loads_none_of_the_heavy_libraries() -> None:
    assert _loaded("--help") == {"exit": 0, "loaded": []}


def test_a_commands_help_loads_none_of_them_either() -> None:
    for command in (["serve", "--help"], ["demo", "--help"], ["meetings", "schedule", "--help"]):
        assert _loaded(*command) == {"exit": 0, "loaded": []}, command


def test_the_probe_sees_what_was_loaded() -> None:
    """The probe does see a heavy import (else the tests above could not fail)."""
    found = _loaded("--help", before="import revpact.server.app")
    assert found["loaded"] == ["fastapi", "plotly", "starlette"]


def test_help_loads_no_service_nor_its_libraries() -> None:
    assert _loaded("--help", heavy=SERVICES) == {"exit": 0, "loaded": []}


def test_a_commands_help_loads_no_service_either() -> None:
    """Typer itself checks a sub-command's options with pydantic, even for --help; the database
    toolkit, numpy and the services stay unloaded."""
    beyond_typer = tuple(m for m in SERVICES if m != "pydantic")
    for command in (
        ["status", "--help"],
        ["feedback", "add", "--help"],
        ["dispute", "present", "--help"],
        ["token", "create", "--help"],
    ):
        assert _loaded(*command, heavy=beyond_typer) == {"exit": 0, "loaded": []}, command


def test_the_probe_sees_the_services_libraries() -> None:
    found = _loaded("--help", before="import revpact.services.follow_up", heavy=SERVICES)
    assert found["loaded"] == sorted(SERVICES)


def test_a_command_still_loads_its_service_when_it_runs(tmp_path: Path) -> None:
    agreement = tmp_path / "revpact.yaml"
    agreement.write_text(company_a_template("en"), encoding="utf-8")
    found = _loaded("validate", str(agreement), heavy=("pydantic", "revpact.services"))
    assert found == {"exit": 0, "loaded": ["pydantic", "revpact.services"]}


@pytest.mark.parametrize(
    ("choice", "domain"),
    [(TeamChoice, Side), (TopicChoice, FeedbackTopic), (FeedbackStateChoice, FeedbackState)],
)
def test_the_option_choices_are_the_domains(choice: type[StrEnum], domain: type[StrEnum]) -> None:
    """Help lists these choices without loading the agreement's model; each is the domain's
    values, in the domain's order."""
    assert [c.value for c in choice] == [d.value for d in domain]
