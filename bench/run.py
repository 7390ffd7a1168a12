"""Run every benchmark, then one summary: ``make bench`` (or ``.venv/bin/python bench/run.py
[NAME ...]`` for some of them, e.g. ``clock webhook_lock``).

Each benchmark runs in its own process with its output shown as it comes, whether or not an
earlier one failed. A benchmark fails when it exits non-zero or prints a ``FAIL`` line (its
targets, each printed PASS or FAIL). The summary lists each benchmark with its time, its PASS
and FAIL counts and the FAIL lines; the exit status is 1 when any benchmark failed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "clock",
    "import_leads",
    "scoreboard",
    "api",
    "webhooks",
    "dashboard",
    "versions",
    "webhook_lock",
    "startup",
)
_VERDICT = re.compile(r"\b(PASS|FAIL)\b")


@dataclass
class Outcome:
    name: str
    exit_code: int
    seconds: float
    passed: int = 0
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.failed


def run(name: str, python: str = sys.executable, folder: Path = HERE) -> Outcome:
    """Run ``folder/name.py``, echoing its output; what it printed and how it ended."""
    started = time.monotonic()
    process = subprocess.Popen(
        [python, str(folder / f"{name}.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    outcome = Outcome(name, 0, 0.0)
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        verdict = _VERDICT.search(line)
        if verdict and verdict.group(1) == "PASS":
            outcome.passed += 1
        elif verdict:
            outcome.failed.append(line.strip())
    outcome.exit_code = process.wait()
    outcome.seconds = time.monotonic() - started
    return outcome


def summary(outcomes: list[Outcome]) -> str:
    """The summary table (plain text, one row per benchmark, then the FAIL lines)."""
    rows = [("benchmark", "result", "PASS", "FAIL", "time")]
    for o in outcomes:
        result = "ok" if o.ok else ("FAILED" if o.exit_code == 0 else f"exit {o.exit_code}")
        rows.append((o.name, result, str(o.passed), str(len(o.failed)), f"{o.seconds:.0f} s"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for o in outcomes:
        lines.extend(f"{o.name}: {line}" for line in o.failed)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if not (HERE / f"{n}.py").is_file() or n == "run"]
    if unknown:
        print(f"no such benchmark: {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})")
        return 2
    outcomes = []
    for name in names:
        print(f"\n=== bench/{name}.py", flush=True)
        outcomes.append(run(name))
    print("\n=== summary\n" + summary(outcomes))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
