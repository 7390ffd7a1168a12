"""Hostile agreement files against the CLI and a running server, and the serve/demo options a
careless user gets wrong: each is refused quickly with a message naming the line, byte, path
or port, never a hang or a traceback."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from revpact.cli import app
from revpact.domain.roles import Role
from revpact.ingest.agreement_file import company_a_template
from revpact.server.loopback import running
from revpact.server.settings import AlertSettings, Settings
from revpact.server.state import ServerState
from revpact.services.tokens import create_token
from revpact.store import open_store

EN = company_a_template("en")


def laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 {k: "lol"}']
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, levels + 1)]
    return "\n".join([*lines, f"title: *l{levels}", ""])


ATTACKS = {
    "billion laughs, 9 levels": (laughs().encode(), "line 5: the alias *l3 makes the file"),
    "10,000-deep lists": (
        ("title: " + "[" * 10_000 + "]" * 10_000 + "\n").encode(),
        "line 1: the values nest more than 64 levels deep",
    ),
    "not UTF-8": (b"title: Compa\xf1ia\n", "the byte 0xf1 at byte offset 12 (line 1) is not UTF-8"),
    "within: 99999999999h": (
        EN.replace("within: 1h ", "within: 99999999999h ", 1).encode(),
        '"99999999999h" is longer than 8784h (366 days)',
    ),
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("REVPACT_AGREEMENT", "REVPACT_DATABASE_URL", "REVPACT_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str, float]:
    start = time.monotonic()
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output, time.monotonic() - start


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_validate_refuses_quickly(workdir: Path, attack: str) -> None:
    data, expected = ATTACKS[attack]
    (workdir / "bad.yaml").write_bytes(data)
    code, out, took = run("validate", "bad.yaml")
    print(f"validate {attack}: exit {code} in {took:.2f}s")
    assert code == 1 and took < 30  # a hang guard (the attack took minutes), not a speed figure
    assert expected in " ".join(out.split()) and "Traceback" not in out


def test_serve_port_out_of_range() -> None:
    code, out, _ = run("serve", "--port", "99999")
    print(f"serve --port 99999: exit {code}")
    assert code == 2 and "--port" in out and "65535" in out
    code, out, _ = run("serve", "--help")
    assert "1-65535" in out


def test_serve_on_a_busy_port_fails_before_announcing(workdir: Path) -> None:
    (workdir / "revpact.yaml").write_text(EN, encoding="utf-8")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, _ = run("serve", "--port", str(port))
    print(f"serve on busy port {port}: exit {code}")
    assert code == 1 and "serving on" not in out
    assert f"port {port} is in use on 127.0.0.1" in " ".join(out.split())


def test_demo_dir_that_cannot_be_written(workdir: Path) -> None:
    code, out, _ = run("demo", "--dir", "/proc/nope")
    print(f"demo --dir /proc/nope: exit {code}")
    assert code == 1 and "Traceback" not in out
    assert '--dir "/proc/nope": cannot write the demo there' in " ".join(out.split())


def test_a_running_server_survives_a_hostile_agreement(tmp_path: Path) -> None:
    """Copied over the served agreement, the file is read once and refused; the last good
    agreement stays in force and /status keeps answering. POSTed as a version, it is a 422."""
    path = tmp_path / "revpact.yaml"
    path.write_text(EN, encoding="utf-8")
    engine = open_store(f"sqlite:///{tmp_path / 'revpact.db'}")
    token = create_token(engine, name="admin", role=Role.ADMIN, now=datetime.now(UTC)).token
    state = ServerState(engine, path, Settings(alerts=AlertSettings(enabled=False)))
    headers = {"Authorization": f"Bearer {token}"}
    with running(state) as url, httpx.Client(base_url=url, headers=headers, timeout=10) as client:
        assert client.get("/status").status_code == 200
        for attack, (data, _) in ATTACKS.items():
            path.write_bytes(data)
            start = time.monotonic()
            statuses = [client.get("/status").status_code for _ in range(5)]
            took = time.monotonic() - start
            print(f"served file replaced by {attack}: /status {statuses} in {took:.2f}s")
            assert statuses == [200] * 5 and took < 30  # hang guard, not a speed figure
            if data.isascii():
                start = time.monotonic()
                posted = client.post("/agreement/versions", json={"source": data.decode()})
                took = time.monotonic() - start
                print(f"POST /agreement/versions {attack}: {posted.status_code} in {took:.2f}s")
                assert posted.status_code == 422 and took < 30  # hang guard
