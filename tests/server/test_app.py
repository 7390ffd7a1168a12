"""The ASGI factory: ``create_app()`` without a state serves what the environment names."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from revpact.ingest.agreement_file import company_a_template
from revpact.server.app import create_app, state_from_environment


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("REVPACT_AGREEMENT", "REVPACT_DATABASE_URL", "REVPACT_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REVPACT_ALERTS", "false")
    return tmp_path


def test_the_factory_reads_database_agreement_and_settings_from_the_environment(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreement = home / "elsewhere" / "pact.yaml"
    agreement.parent.mkdir()
    agreement.write_text(company_a_template("en"), encoding="utf-8")
    settings = home / "server.toml"
    settings.write_text('[webhooks]\nsecrets = ["whsec_env"]\n', encoding="utf-8")
    monkeypatch.setenv("REVPACT_AGREEMENT", str(agreement))
    monkeypatch.setenv("REVPACT_DATABASE_URL", f"sqlite:///{home / 'other.db'}")
    monkeypatch.setenv("REVPACT_SETTINGS", str(settings))
    state = state_from_environment()
    try:
        assert state.agreement_path == agreement
        assert str(state.engine.url).endswith("other.db")
        assert state.settings.webhooks.secrets == ("whsec_env",)
    finally:
        state.engine.dispose()
    (home / "other.db").unlink()  # made again below only if uvicorn's factory call reads the env
    config = uvicorn.Config(
        "revpact.server.app:create_app", factory=True, port=0, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
        assert config.loaded_app is not None
    finally:
        server.should_exit = True
        thread.join(timeout=20)
    assert (home / "other.db").exists()


def test_the_defaults_are_the_working_folders_files(home: Path) -> None:
    (home / "revpact.yaml").write_text(company_a_template("en"), encoding="utf-8")
    state = state_from_environment({})
    try:
        assert state.agreement_path == Path("revpact.yaml")
        assert state.engine.url.database == "revpact.db"
    finally:
        state.engine.dispose()


def test_without_an_agreement_the_factory_stops_with_the_reason(home: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        create_app()
    assert str(stopped.value) == (
        "revpact: no agreement at revpact.yaml; point to it with REVPACT_AGREEMENT=PATH"
    )


def test_an_invalid_agreement_stops_it_too(home: Path) -> None:
    (home / "revpact.yaml").write_text("sales: [\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        create_app()
    assert str(stopped.value).startswith("revpact: ")
    assert not (home / "revpact.db").exists()
