"""Every command and group has help text, and ``--help`` works for each."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from revpact.cli import app


def _commands() -> list[tuple[list[str], Any]]:
    root = typer.main.get_command(app)
    found: list[tuple[list[str], Any]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        found.append((path, cmd))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(root, [])
    return found


COMMANDS = _commands()


def test_the_expected_commands_exist() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    expected = {"init", "validate", "import", "import leads", "import deals", "import revenue"}
    assert expected | {"leads", "status", "demo"} <= names
    living = {
        "agreement publish",
        "agreement diff",
        "agreement status",
        "agreement render",
        "sign",
        "feedback add",
        "feedback answer",
        "feedback list",
        "meetings schedule",
        "meetings record",
        "meetings agenda",
        "meetings compliance",
        "dispute open",
        "dispute represent",
        "dispute present",
        "dispute decide",
    }
    assert living <= names, living - names


@pytest.mark.parametrize(
    ("path", "cmd"), COMMANDS, ids=[" ".join(p) or "revpact" for p, _ in COMMANDS]
)
def test_every_command_has_help(path: list[str], cmd: Any) -> None:
    assert (cmd.help or "").strip(), f"`revpact {' '.join(path)}` has no help text"
    for param in cmd.params:
        if param.param_type_name == "option":
            assert (param.help or "").strip(), f"{param.opts} of `{' '.join(path)}` has no help"
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
