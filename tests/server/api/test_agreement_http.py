"""The living agreement over HTTP: publish, sign only as yourself, status and diff."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from revpact.domain.roles import Role
from revpact.ingest.agreement_file import company_a_template
from revpact.services.tokens import create_token

if TYPE_CHECKING:
    from live_server import LiveServer

EN = company_a_template("en")
NOW = datetime(2020, 6, 1, tzinfo=UTC)


def member_token(engine: Engine, email: str, role: Role = Role.SALES) -> str:
    return create_token(engine, name=email, role=role, member=email, now=NOW).token


def test_publish_sign_and_status(
    live_server: LiveServer, role_tokens: dict[Role, str], engine: Engine
) -> None:
    with live_server.client(role_tokens[Role.ADMIN]) as admin:
        assert admin.get("/agreement").json()["latest"] is None
        first = admin.post("/agreement/versions", json={"source": EN})
        assert first.status_code == 201, first.text
        assert first.json()["number"] == 1 and first.json()["created"] is True
        again = admin.post("/agreement/versions", json={"source": "# same\n" + EN})
        assert again.status_code == 200 and again.json()["created"] is False
        assert again.json()["hash"] == first.json()["hash"]
        bad = admin.post(
            "/agreement/versions", json={"source": EN.replace("within: 1h", "within: soon")}
        )
        assert bad.status_code == 422 and "sales.follow_up.within" in bad.json()["detail"]
    kevin = member_token(engine, "kevin.tran@company-a.example")
    with live_server.client(kevin) as client:
        signed = client.post("/agreement/signatures", json={})
        assert signed.status_code == 201, signed.text
        assert signed.json()["name"] == "Kevin Tran" and signed.json()["in_force"] is False
        assert signed.json()["version"]["hash"] == first.json()["hash"]
        twice = client.post("/agreement/signatures", json={})
        assert twice.status_code == 409 and "already signed" in twice.json()["detail"]
        status = client.get("/agreement").json()
    signers = {s["email"]: s["signed_at"] for s in status["signers"]}
    assert signers["kevin.tran@company-a.example"] is not None
    assert sum(v is not None for v in signers.values()) == 1
    assert status["in_force"] is None and status["pending"] is True


def test_a_member_signs_only_as_themself(
    live_server: LiveServer, role_tokens: dict[Role, str], engine: Engine
) -> None:
    with live_server.client(role_tokens[Role.ADMIN]) as admin:
        admin.post("/agreement/versions", json={"source": EN}).raise_for_status()
        # An admin token acting for nobody cannot sign for anyone.
        nobody = admin.post("/agreement/signatures", json={})
        assert nobody.status_code == 403 and "acts for nobody" in nobody.json()["detail"]
        # The body has no field to name someone else: an extra key is refused.
        other = admin.post("/agreement/signatures", json={"email": "kevin.tran@company-a.example"})
        assert other.status_code == 422
    stranger = member_token(engine, "stranger@elsewhere.example")
    with live_server.client(stranger) as client:
        refused = client.post("/agreement/signatures", json={})
        assert refused.status_code == 409 and "not a signatory" in refused.json()["detail"]
    with live_server.client(role_tokens[Role.ADMIN]) as admin:
        assert all(s["signed_at"] is None for s in admin.get("/agreement").json()["signers"])


def test_an_old_version_cannot_be_signed_and_the_diff_reads(
    live_server: LiveServer, role_tokens: dict[Role, str], engine: Engine
) -> None:
    with live_server.client(role_tokens[Role.ADMIN]) as admin:
        admin.post("/agreement/versions", json={"source": EN}).raise_for_status()
        amended = EN.replace("within: 1h ", "within: 45m ")
        second = admin.post("/agreement/versions", json={"source": amended})
        assert second.json()["changes"][0]["text"] == "sales.follow_up.within: 1h → 45m"
        diff = admin.get("/agreement/diff", params={"from": "v1", "to": "latest"})
        assert [c["text"] for c in diff.json()["changes"]] == ["sales.follow_up.within: 1h → 45m"]
        assert admin.get("/agreement/diff", params={"from": "v1", "to": "v9"}).status_code == 404
        one = admin.get("/agreement/versions/2").json()
        assert one["number"] == 2 and one["signatures"] == []
        assert admin.get("/agreement/versions/nope").status_code == 404
    with live_server.client(member_token(engine, "olivia.grant@company-a.example")) as client:
        old = client.post("/agreement/signatures", json={"version": "v1"})
        assert old.status_code == 409 and "not the latest version" in old.json()["detail"]
        assert client.post("/agreement/signatures", json={"version": "v2"}).status_code == 201


def test_versions_and_signatures_cannot_be_changed_through_the_api(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with live_server.client(role_tokens[Role.ADMIN]) as admin:
        admin.post("/agreement/versions", json={"source": EN}).raise_for_status()
        for method, path in [
            ("PUT", "/agreement/versions/1"),
            ("PATCH", "/agreement/versions/1"),
            ("DELETE", "/agreement/versions/1"),
            ("PUT", "/agreement/signatures"),
            ("DELETE", "/agreement/signatures"),
        ]:
            response = admin.request(method, path, json={"source": EN})
            assert response.status_code == 405, (method, path)
        assert admin.get("/agreement/versions").json()["versions"][0]["number"] == 1
