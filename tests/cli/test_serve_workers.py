"""``revpact serve --workers N``: refused off PostgreSQL, and what the workers are handed."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine
from typer.testing import CliRunner

from revpact.cli import app
from revpact.cli.workers import FACTORY, check_workers, worker_command, worker_environment
from revpact.errors import RevpactError


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("REVPACT_AGREEMENT", "REVPACT_DATABASE_URL", "REVPACT_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def state(url: str, agreement: Path, source: Path | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        engine=create_engine(url),
        agreement_path=agreement,
        settings=SimpleNamespace(source=source),
    )


def test_more_than_one_worker_on_sqlite_is_refused_before_serving(workdir: Path) -> None:
    assert run("init")[0] == 0
    code, out = run("serve", "--workers", "2")
    assert code == 1
    assert "--workers 2 needs PostgreSQL" in out and "sqlite" in out
    assert "serving on" not in out


@pytest.mark.parametrize("workers", ["0", "-1", "65", "two"])
def test_a_worker_count_out_of_range_is_a_usage_error(workdir: Path, workers: str) -> None:
    code, out = run("serve", "--workers", workers)
    assert code == 2 and "--workers" in out


def test_one_worker_is_fine_anywhere() -> None:
    check_workers(state("sqlite://", Path("a.yaml")), 1)  # type: ignore[arg-type]
    check_workers(state("postgresql+psycopg://u:p@h/db", Path("a.yaml")), 4)  # type: ignore[arg-type]
    with pytest.raises(RevpactError, match="--workers 3 needs PostgreSQL"):
        check_workers(state("sqlite://", Path("a.yaml")), 3)  # type: ignore[arg-type]


def test_the_workers_get_the_commands_choices_in_their_environment(tmp_path: Path) -> None:
    url = "postgresql+psycopg://rev:s3cret@db.example.com:5432/revpact?options=-csearch_path%3Dx"
    given = state(url, Path("pact.yaml"), tmp_path / "server.toml")
    env = worker_environment(given)  # type: ignore[arg-type]
    assert env == {
        "REVPACT_DATABASE_URL": url,
        "REVPACT_AGREEMENT": str(Path("pact.yaml").resolve()),
        "REVPACT_SETTINGS": str(tmp_path / "server.toml"),
    }
    assert "REVPACT_SETTINGS" not in worker_environment(state(url, Path("a.yaml")))  # type: ignore[arg-type]


def test_the_workers_run_the_factory_under_uvicorn() -> None:
    command = worker_command(host="0.0.0.0", port=9000, workers=3)
    assert command[:4] == [sys.executable, "-m", "uvicorn", FACTORY]
    assert command[4:] == [
        "--factory", "--workers", "3", "--host", "0.0.0.0", "--port", "9000", "--log-level", "info"
    ]  # fmt: skip
