"""Schemathesis against the live server's own ``/openapi.json``: whatever a client sends that
the schema allows — or nearly allows — the server never answers with a 5xx; and every check
schemathesis has (status codes, content types, headers, response bodies, valid data accepted,
invalid data refused, methods, auth) holds, all phases, with an admin token.

The checks that cannot know about a deliberate behaviour are turned off for one operation
each in ``schemathesis.toml`` beside this file, with the reason.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from live_server import HUBSPOT_SECRET, WEBHOOK_SECRET, start_server
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from revpact import services
from revpact.domain.roles import Role
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.server.settings import AlertSettings, Settings, WebhookSettings
from revpact.server.state import ServerState
from revpact.services.tokens import create_token
from revpact.store import open_store

CONFIG = Path(__file__).with_name("schemathesis.toml")
REVOKE = "DELETE /tokens/{token_id}"  # run last: it may revoke the fuzzer's own token
LEADS = """lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner
F1,content,late,true,2020-03-02T09:55:00-05:00,2020-03-02T10:00:00-05:00,,ana
F2,referral,late,true,2020-03-02T09:55:00-05:00,2020-03-02T10:00:00-05:00,2020-03-02T10:05:00-05:00,ben
"""


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("fuzz")
    agreement_path = folder / "revpact.yaml"
    agreement_path.write_text(company_a_template("en"), encoding="utf-8")
    engine = open_store(f"sqlite:///{folder / 'revpact.db'}")
    leads = folder / "leads.csv"
    leads.write_text(LEADS, encoding="utf-8")
    services.import_leads(engine, parse_agreement(company_a_template("en")), Path(leads))
    admin = create_token(engine, name="fuzzer", role=Role.ADMIN, now=datetime.now(UTC)).token
    state = ServerState(
        engine=engine,
        agreement_path=agreement_path,
        settings=Settings(
            webhooks=WebhookSettings(
                secrets=(WEBHOOK_SECRET,), hubspot_client_secret=HUBSPOT_SECRET
            ),
            alerts=AlertSettings(enabled=False),
        ),
    )
    url, stop = start_server(state)
    try:
        yield url, admin
    finally:
        stop()
        engine.dispose()


def _operations(url: str) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_gets_a_server_error(
    fuzzed_server: tuple[str, str], mode: GenerationMode
) -> None:
    url, admin = fuzzed_server
    operations = _operations(url)
    assert len(operations) >= 8
    for operation in operations:
        inputs = (operation.path_parameters, operation.query, operation.body)
        if mode is GenerationMode.NEGATIVE and not any(len(part) for part in inputs):
            continue  # nothing to get wrong

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=url,
                headers={"Authorization": f"Bearer {admin}"},
                checks=[not_a_server_error],
            )

        call()


def _schemathesis(url: str, admin: str, folder: Path, *selection: str) -> str:
    """Run schemathesis (every check: ``schemathesis.toml``) on the operations ``selection``
    names; its report when any check fails."""
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "--no-color"),
        *("run", f"{url}/openapi.json", "-H", f"Authorization: Bearer {admin}"),
        *("--max-examples", "10", "--seed", "13", "--generation-database", "none"),
        *selection,
    ]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=240)
    return "" if done.returncode == 0 else done.stdout + done.stderr


def test_every_schemathesis_check_holds(fuzzed_server: tuple[str, str], tmp_path: Path) -> None:
    url, admin = fuzzed_server
    assert "enabled = true" in CONFIG.read_text(encoding="utf-8").split("[[operations]]")[0]
    assert _schemathesis(url, admin, tmp_path, "--exclude-name", REVOKE) == ""
    assert _schemathesis(url, admin, tmp_path, "--include-name", REVOKE) == ""
