"""Benchmark: how long the ``revpact`` command takes to start, against floors measured alongside.

Run with ``.venv/bin/python bench/startup.py [--runs N]`` (or ``make bench``). It builds Company
A's demo into a temporary directory (``revpact demo``, about 15 s), then times whole processes,
each the best of N runs, the commands taking turns so that a busy moment of the machine falls
on all of them alike:

* ``python -c pass``: the interpreter alone;
* a bare Typer app's ``--help`` (one command, one group, the same app settings as revpact's);
* ``python -c "import typer, sqlalchemy, pydantic, numpy, yaml"``: the libraries a command
  that reads the database cannot do without;
* ``revpact --help``;
* ``revpact status`` on the demo's database, as of the demo's moment (the command the demo
  prints first).

Targets: ``revpact --help`` under 0.3 s and ``revpact status`` under 0.6 s. Every figure is
also printed as a ratio to the floors, which move with the machine's load.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HELP_TARGET = 0.3
STATUS_TARGET = 0.6
DEMO_AS_OF = "2020-12-31T16:00:00-05:00"

BARE_TYPER = """
import typer

app = typer.Typer(name="bare", help="A bare app.", no_args_is_help=True, add_completion=False,
                  rich_markup_mode=None, pretty_exceptions_enable=False)


@app.callback()
def _each() -> None:
    pass


@app.command()
def hello(name: str = typer.Option("world", help="Whom to greet.")) -> None:
    \"\"\"Say hello.\"\"\"


group = typer.Typer(help="A group.")


@group.command()
def inner() -> None:
    \"\"\"A command in the group.\"\"\"


app.add_typer(group, name="group")
app()
"""
LIBRARIES = "import typer, sqlalchemy, pydantic, numpy, yaml"


@dataclass
class Timed:
    label: str
    command: list[str]
    seconds: list[float]

    @property
    def best(self) -> float:
        return min(self.seconds)


def revpact_command() -> list[str]:
    """The ``revpact`` console script beside this interpreter (as a user runs it)."""
    script = Path(sys.executable).parent / "revpact"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from revpact.cli import main; sys.exit(main())"]


def run_once(command: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        shown = " ".join(command)
        raise SystemExit(f"{shown} exited {done.returncode}:\n{done.stderr.decode()}")
    return elapsed


def build_demo(directory: Path, env: dict[str, str]) -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [*revpact_command(), "demo", "--dir", str(directory)],
        capture_output=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"revpact demo failed:\n{done.stdout.decode()}{done.stderr.decode()}")
    print(f"demo built in {time.perf_counter() - started:.1f} s: {directory}")


def measure(commands: list[Timed], runs: int, env: dict[str, str]) -> None:
    for timed in commands:  # one untimed run each: the OS caches the files
        run_once(timed.command, env)
    for _ in range(runs):
        for timed in commands:
            timed.seconds.append(run_once(timed.command, env))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each command")
    args = parser.parse_args(argv)
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    env.pop("REVPACT_AGREEMENT", None)
    env.pop("REVPACT_DATABASE_URL", None)
    revpact = revpact_command()
    with tempfile.TemporaryDirectory(prefix="revpact-startup-") as scratch:
        demo = Path(scratch) / "demo"
        build_demo(demo, env)
        status = [
            *revpact,
            "status",
            "--agreement",
            str(demo / "revpact.yaml"),
            "--db",
            f"sqlite:///{demo / 'revpact.db'}",
            "--as-of",
            DEMO_AS_OF,
        ]
        python = Timed("python -c pass", [sys.executable, "-c", "pass"], [])
        bare = Timed("bare Typer app --help", [sys.executable, "-c", BARE_TYPER, "--help"], [])
        libraries = Timed(f'python -c "{LIBRARIES}"', [sys.executable, "-c", LIBRARIES], [])
        helped = Timed("revpact --help", [*revpact, "--help"], [])
        stated = Timed("revpact status (demo database)", status, [])
        commands = [python, bare, libraries, helped, stated]
        measure(commands, args.runs, env)

    print(
        f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}"
    )
    print(f"best of {args.runs} runs each (whole processes, wall time):")
    width = max(len(t.label) for t in commands)
    for timed in commands:
        print(f"  {timed.label:<{width}}  {timed.best:6.3f} s")
    print("ratios:")
    print(f"  revpact --help / python -c pass        {helped.best / python.best:6.1f}x")
    print(f"  revpact --help / bare Typer --help     {helped.best / bare.best:6.2f}x")
    print(f"  revpact status / python -c pass        {stated.best / python.best:6.1f}x")
    print(f"  revpact status / bare Typer --help     {stated.best / bare.best:6.2f}x")
    print(f"  revpact status / importing the libraries {stated.best / libraries.best:4.2f}x")
    help_ok = helped.best < HELP_TARGET
    status_ok = stated.best < STATUS_TARGET
    print(f"{verdict(help_ok)}  revpact --help under {HELP_TARGET} s ({helped.best:.3f} s)")
    print(f"{verdict(status_ok)}  revpact status under {STATUS_TARGET} s ({stated.best:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
