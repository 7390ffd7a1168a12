"""``make bench``'s runner: every benchmark runs even after one fails, one summary, and a
non-zero exit when any printed FAIL or crashed (fake benchmarks, not the real ones)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

RUNNER = Path(__file__).resolve().parents[2] / "bench" / "run.py"


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fakes(tmp_path: Path) -> Path:
    (tmp_path / "good.py").write_text('print("PASS  fast enough")\nprint("[PASS] exact")\n')
    (tmp_path / "slow.py").write_text('print("PASS  one")\nprint("FAIL  p95 120 ms > 100 ms")\n')
    (tmp_path / "broken.py").write_text('print("starting")\nraise SystemExit(3)\n')
    return tmp_path


def test_each_benchmark_is_run_and_judged(fakes: Path) -> None:
    runner = _runner()
    outcomes = [runner.run(name, folder=fakes) for name in ("slow", "broken", "good")]
    assert [(o.name, o.ok, o.exit_code, o.passed, o.failed) for o in outcomes] == [
        ("slow", False, 0, 1, ["FAIL  p95 120 ms > 100 ms"]),
        ("broken", False, 3, 0, []),
        ("good", True, 0, 2, []),
    ]
    table = runner.summary(outcomes)
    assert table.splitlines()[0].split() == ["benchmark", "result", "PASS", "FAIL", "time"]
    rows = {line.split()[0]: line.split()[1:3] for line in table.splitlines()[2:5]}
    assert rows == {"slow": ["FAILED", "1"], "broken": ["exit", "3"], "good": ["ok", "2"]}
    assert "slow: FAIL  p95 120 ms > 100 ms" in table


def test_the_exit_status_says_whether_all_passed(
    fakes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = _runner()
    monkeypatch.setattr(runner, "HERE", fakes)
    real = runner.run
    monkeypatch.setattr(runner, "run", lambda name: real(name, folder=fakes))
    assert runner.main(["good"]) == 0
    assert runner.main(["good", "slow"]) == 1
    assert runner.main(["broken", "good"]) == 1
    assert runner.main(["nope"]) == 2
