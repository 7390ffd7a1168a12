"""``/dashboard/audit``: every write, newest first, user text escaped, late entries marked."""

from __future__ import annotations

from datetime import UTC, datetime

from live_server import LiveServer
from sqlalchemy import Engine

from revpact.domain.clock.calendar import to_us
from revpact.domain.roles import Role
from revpact.store.audit import record_write

HOSTILE = "<script>alert(1)</script>"


def test_the_trail_page_and_twin(
    engine: Engine, live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with engine.begin() as conn:
        for n in range(2):
            record_write(
                conn,
                recorded_us=to_us(datetime(2020, 9, 1 + n, 12, tzinfo=UTC)),
                actor=HOSTILE if n else "anna@company-a.example",
                via="token:7",
                action="lead.touch",
                subject=f"lead:L{n}",
                claimed_us=to_us(datetime(2020, 9, 1, 9, tzinfo=UTC)),
                late=bool(n),
            )
    with live_server.client(role_tokens[Role.EXECUTIVE]) as client:
        everything = client.get("/dashboard/audit.json").json()
        twin = client.get("/dashboard/audit.json", params={"action": "lead."}).json()
        page = client.get("/dashboard/audit", params={"lang": "pl"})
        since = client.get("/dashboard/audit.json", params={"since": "2020-09-02"}).json()
        bad = client.get("/dashboard/audit.json", params={"since": "yesterday"}).json()
    # the tokens the test signs in with were created (and audited) too
    assert {e["action"] for e in everything["entries"]} == {"lead.touch", "token.create"}
    assert [e["subject"] for e in twin["entries"]] == ["lead:L1", "lead:L0"]  # newest first
    assert twin["total"] == 2 and twin["late"] == 1
    assert page.status_code == 200
    assert HOSTILE not in page.text and "&lt;script&gt;" in page.text
    assert "wpis opóźniony" in page.text
    assert "lead:L1" in [e["subject"] for e in since["entries"]]
    assert "lead:L0" not in [e["subject"] for e in since["entries"]]
    assert bad["invalid_since"] == "yesterday" and bad["total"] == everything["total"]
