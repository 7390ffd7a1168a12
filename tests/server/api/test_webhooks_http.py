"""The webhook routes over a real server on loopback: signatures first, then the body, then
the store; and the audit of what came in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
from live_server import HUBSPOT_SECRET, WEBHOOK_SECRET, LiveServer
from sqlalchemy import text

from revpact.domain.roles import Role
from revpact.ingest.webhooks.signatures import sign_revpact

AT = "2020-03-02T10:00:00-05:00"


def notified(event_id: str = "e1", lead_id: str = "L1", **lead: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "lead.notified",
        "occurred_at": AT,
        "lead": {"lead_id": lead_id, "lead_type": "content", "requested_follow_up": True} | lead,
    }


def touched(event_id: str, lead_id: str = "L1") -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "lead.touched",
        "occurred_at": "2020-03-02T10:20:00-05:00",
        "lead_id": lead_id,
        "channel": "email",
        "automated": False,
    }


def post(
    server: LiveServer, payload: Any, *, secret: str = WEBHOOK_SECRET, t: int | None = None
) -> httpx.Response:
    body = json.dumps(payload).encode()
    header = sign_revpact(body, secret, int(time.time()) if t is None else t)
    with server.client() as client:
        return client.post(
            "/webhooks/events",
            content=body,
            headers={"Revpact-Signature": header, "Content-Type": "application/json"},
        )


def stored(server: LiveServer) -> int:
    with server.state.engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM events")).scalar_one())


def test_a_signed_event_is_stored_and_reported(live_server: LiveServer) -> None:
    response = post(live_server, notified())
    assert response.status_code == 200, response.text
    assert response.json() == {
        "received": 1,
        "duplicates": 0,
        "applied": 1,
        "pending": 0,
        "ignored": 0,
        "queued": 0,
    }
    again = post(live_server, notified())
    assert again.json()["duplicates"] == 1
    assert stored(live_server) == 1


def test_bad_missing_expired_and_future_signatures_get_401_and_store_nothing(
    live_server: LiveServer,
) -> None:
    body = json.dumps(notified()).encode()
    # The exact 300 s boundary is tested with a fixed clock in tests/domain/test_signatures.py;
    # here the server's clock runs, so stay clear of it by a margin (t is whole seconds).
    now = int(time.time())
    cases = {
        "missing": {},
        "malformed": {"Revpact-Signature": "sha256=abc"},
        "wrong secret": {"Revpact-Signature": sign_revpact(body, "not-the-secret", now)},
        "expired": {"Revpact-Signature": sign_revpact(body, WEBHOOK_SECRET, now - 330)},
        "future": {"Revpact-Signature": sign_revpact(body, WEBHOOK_SECRET, now + 330)},
        "other body": {"Revpact-Signature": sign_revpact(body + b" ", WEBHOOK_SECRET, now)},
    }
    with live_server.client() as client:
        for name, headers in cases.items():
            response = client.post("/webhooks/events", content=body, headers=headers)
            assert response.status_code == 401, name
            detail = response.json()["detail"]
            assert detail and WEBHOOK_SECRET not in detail, name
    assert stored(live_server) == 0


def test_a_replay_within_the_window_is_a_duplicate(live_server: LiveServer) -> None:
    body = json.dumps([notified(), touched("t1")]).encode()
    headers = {"Revpact-Signature": sign_revpact(body, WEBHOOK_SECRET, int(time.time()))}
    with live_server.client() as client:
        first = client.post("/webhooks/events", content=body, headers=headers)
        replay = client.post("/webhooks/events", content=body, headers=headers)
    assert first.json()["applied"] == 2
    assert replay.status_code == 200 and replay.json()["duplicates"] == 2
    assert stored(live_server) == 2


def test_rotated_secrets(serve: Any, server_state: Any) -> None:
    from dataclasses import replace

    hooks = replace(server_state.settings.webhooks, secrets=("whsec_new", WEBHOOK_SECRET))
    state = replace(server_state, settings=replace(server_state.settings, webhooks=hooks))
    server = serve(state)
    assert post(server, notified("a"), secret="whsec_new").status_code == 200
    assert post(server, notified("b"), secret=WEBHOOK_SECRET).status_code == 200
    assert post(server, notified("c"), secret="whsec_retired").status_code == 401
    body = json.dumps(notified("d")).encode()
    t = int(time.time())
    both = (
        sign_revpact(body, "whsec_retired", t)
        + ","
        + sign_revpact(body, "whsec_new", t).split(",")[1]
    )
    with server.client() as client:
        assert (
            client.post(
                "/webhooks/events", content=body, headers={"Revpact-Signature": both}
            ).status_code
            == 200
        )


def test_no_secret_configured_refuses_and_says_so(serve: Any, server_state: Any) -> None:
    from dataclasses import replace

    hooks = replace(server_state.settings.webhooks, secrets=())
    server = serve(replace(server_state, settings=replace(server_state.settings, webhooks=hooks)))
    response = post(server, notified())
    assert (
        response.status_code == 401
        and "no webhook secret is configured" in response.json()["detail"]
    )


def test_a_bad_event_gets_422_naming_the_field_and_nothing_is_stored(
    live_server: LiveServer,
) -> None:
    response = post(live_server, [notified(), touched("t1"), notified("e3", lead_type="webinarr")])
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {
            "location": "body",
            "field": "events[2].lead.lead_type",
            "message": '"webinarr" is not a lead type of the agreement '
            "(referral, content, webinar, internet_sales_ready)",
            "value": None,
        }
    ]
    assert stored(live_server) == 0
    assert post(live_server, {"id": 1}).status_code == 422


def test_out_of_order_delivery_over_http(live_server: LiveServer) -> None:
    assert post(live_server, touched("t1")).json()["pending"] == 1
    assert post(live_server, notified()).json()["applied"] == 1
    with live_server.state.engine.connect() as conn:
        touch = conn.execute(
            text("SELECT first_touch_us FROM leads WHERE lead_id = 'L1'")
        ).scalar_one()
    assert touch is not None


def hubspot_post(
    server: LiveServer, events: list[dict[str, Any]], *, age_ms: int = 0
) -> httpx.Response:
    body = json.dumps(events).encode()
    stamp = str(int(time.time() * 1000) - age_ms)
    url = f"{server.url}/webhooks/hubspot"
    source = b"POST" + url.encode() + body + stamp.encode()
    signature = base64.b64encode(hmac.new(HUBSPOT_SECRET.encode(), source, hashlib.sha256).digest())
    with server.client() as client:
        return client.post(
            "/webhooks/hubspot",
            content=body,
            headers={
                "X-HubSpot-Signature-v3": signature.decode(),
                "X-HubSpot-Request-Timestamp": stamp,
                "Content-Type": "application/json",
            },
        )


def test_hubspot_webhooks(live_server: LiveServer) -> None:
    ms = 1_583_161_200_000  # 2020-03-02T15:00Z, inside the agreement's period (signed now)
    events = [
        {
            "eventId": 10,
            "subscriptionId": 1,
            "portalId": 62515,
            "appId": 5,
            "occurredAt": ms,
            "subscriptionType": "contact.propertyChange",
            "attemptNumber": 0,
            "objectId": 77,
            "propertyName": "lifecyclestage",
            "propertyValue": "marketingqualifiedlead",
            "changeSource": "CRM",
        },
        {
            "eventId": 11,
            "subscriptionId": 2,
            "portalId": 62515,
            "appId": 5,
            "occurredAt": ms,
            "subscriptionType": "contact.propertyChange",
            "attemptNumber": 0,
            "objectId": 77,
            "propertyName": "firstname",
            "propertyValue": "Łucja",
            "changeSource": "CRM",
        },
    ]
    response = hubspot_post(live_server, events)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "received": 2,
        "duplicates": 0,
        "applied": 1,
        "pending": 0,
        "ignored": 1,
        "queued": 0,
    }
    assert hubspot_post(live_server, events).json()["duplicates"] == 2
    stale = hubspot_post(live_server, events, age_ms=6 * 60 * 1000)
    assert stale.status_code == 401 and "old" in stale.json()["detail"]
    with live_server.client() as client:
        unsigned = client.post("/webhooks/hubspot", content=json.dumps(events))
    assert unsigned.status_code == 401
    bad = hubspot_post(live_server, [{"eventId": "x"}])
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("events[0].")


def test_the_audit_needs_the_read_audit_permission(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    post(live_server, [notified(), touched("t2", lead_id="nobody")])
    with live_server.client(role_tokens[Role.ADMIN]) as client:
        pending = client.get("/events", params={"status": "pending"})
        assert pending.status_code == 200
        assert [e["source_key"] for e in pending.json()["events"]] == ["t2"]
        assert len(client.get("/events").json()["events"]) == 2
        assert client.get("/events", params={"status": "lost"}).status_code == 422
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        assert client.get("/events").status_code == 403
    with live_server.client() as client:
        assert client.get("/events").status_code == 401


def test_the_routes_are_documented(live_server: LiveServer) -> None:
    with live_server.client() as client:
        schema = client.get("/openapi.json").json()
    for path in ("/webhooks/events", "/webhooks/hubspot"):
        operation = schema["paths"][path]["post"]
        assert operation["summary"]
        assert {"200", "401", "422"} <= set(operation["responses"])
        assert "application/json" in operation["requestBody"]["content"]
    assert "/events" in schema["paths"]
