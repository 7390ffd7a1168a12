"""``revpact token`` and ``revpact serve`` as a user runs them: the real command in a process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from revpact.cli import app


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("REVPACT_AGREEMENT", "REVPACT_DATABASE_URL", "REVPACT_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_token_create_list_revoke(workdir: Path) -> None:
    code, out = run("token", "create", "--name", "Anna", "--role", "sales", "--json")
    assert code == 0, out
    created = json.loads(out)
    assert created["token"].startswith("rp_") and created["role"] == "sales"
    code, out = run("token", "list", "--json")
    assert code == 0 and created["token"] not in out
    assert json.loads(out)[0]["prefix"] == created["prefix"]
    code, out = run("token", "revoke", str(created["id"]))
    assert code == 0 and "revoked" in out
    code, out = run("token", "revoke", str(created["id"]))
    assert code == 1 and "no live token" in out
    code, out = run("token", "create", "--name", "x", "--role", "boss")
    assert code == 2 and "boss" in out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_runs_the_api_on_the_same_store(workdir: Path) -> None:
    assert run("init")[0] == 0
    _, out = run("token", "create", "--name", "board", "--role", "viewer", "--json")
    token = json.loads(out)["token"]
    port = _free_port()
    cli = Path(sys.executable).with_name("revpact")
    env = {**os.environ, "REVPACT_ALERTS": "false"}
    server = subprocess.Popen(
        [str(cli), "serve", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, "revpact serve did not come up"
            time.sleep(0.1)
        headers = {"Authorization": f"Bearer {token}"}
        status = httpx.get(f"{url}/status", headers=headers, params={"as_of": "2020-03-02T12:00"})
        assert status.status_code == 200 and status.json()["leads"] == 0
        assert httpx.get(f"{url}/status").status_code == 401
        assert "/webhooks/events" in httpx.get(f"{url}/openapi.json").json()["paths"]
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_refuses_to_start_without_an_agreement(workdir: Path) -> None:
    code, out = run("serve")
    assert code == 1 and "no agreement" in out
