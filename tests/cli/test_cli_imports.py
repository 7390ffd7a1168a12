"""Starting the command line loads only what commands share: the web stack, PDF and chart
libraries and iCalendar load when a command that needs them runs (a test of imports, not of
time)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("fastapi", "uvicorn", "starlette", "weasyprint", "plotly", "matplotlib", "icalendar")

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


def _loaded(*args: str, before: str = "") -> dict[str, object]:
    code = _PROBE.format(args=list(args), heavy=list(HEAVY), before=before)
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
