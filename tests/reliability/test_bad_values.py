"""Bad values, sent as an attacker or a careless sender would: every one is refused with 422
(HTTP) or revpact's own row/column error (CLI import), naming the field and the value, and
changes nothing — never a 500, never a traceback.

Run on SQLite and, with ``REVPACT_TEST_POSTGRES_URL``, on PostgreSQL too (which cannot store
a NUL in text and limits an index entry to about 2.7 KB). ``pytest -s`` prints each attack.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from revpact.domain.agreement.model import Agreement
from revpact.domain.roles import Role
from revpact.errors import InputError
from revpact.ingest.agreement_file import company_a_template
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS
from revpact.ingest.webhooks.signatures import sign_hubspot_v3, sign_revpact
from revpact.server.app import create_app
from revpact.server.settings import AlertSettings, Settings, WebhookSettings
from revpact.server.state import ServerState
from revpact.services.clock import FixedClock
from revpact.services.importing import import_leads
from revpact.services.tokens import create_token

SECRET = "whsec_bad_values"
HUBSPOT_SECRET = "hubspot-bad-values"
AT = "2020-03-02T10:00:00-05:00"
BIG = "x" * 1_000_000
NOW = FixedClock(datetime(2020, 3, 2, 16, 0, tzinfo=UTC))
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def client(engine: Engine, tmp_path: Path) -> TestClient:
    path = tmp_path / "revpact.yaml"
    path.write_text(company_a_template("en"), encoding="utf-8")
    settings_ = Settings(
        webhooks=WebhookSettings(secrets=(SECRET,), hubspot_client_secret=HUBSPOT_SECRET),
        alerts=AlertSettings(enabled=False),
    )
    state = ServerState(engine=engine, agreement_path=path, settings=settings_, clock=NOW)
    token = create_token(
        engine, name="admin", role=Role.ADMIN, now=datetime(2020, 6, 1, tzinfo=UTC)
    )
    return TestClient(
        create_app(state),
        raise_server_exceptions=False,
        headers={"Authorization": f"Bearer {token.token}"},
    )


def counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(
            int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
            for table in ("leads", "events", "feedback")
        )


def post_events(client: TestClient, payload: Any) -> Any:
    body = json.dumps(payload).encode()
    signature = sign_revpact(body, SECRET, int(NOW.at.timestamp()))
    return client.post(
        "/webhooks/events",
        content=body,
        headers={"Revpact-Signature": signature, "Content-Type": "application/json"},
    )


def post_hubspot(client: TestClient, payload: Any) -> Any:
    body = json.dumps(payload).encode()
    stamp = int(NOW.at.timestamp() * 1000)
    url = "http://testserver/webhooks/hubspot"
    return client.post(
        "/webhooks/hubspot",
        content=body,
        headers={
            "X-HubSpot-Signature-v3": sign_hubspot_v3("POST", url, body, stamp, HUBSPOT_SECRET),
            "X-HubSpot-Request-Timestamp": str(stamp),
            "Content-Type": "application/json",
        },
    )


def notified(lead: dict[str, Any] | None = None, **event: Any) -> dict[str, Any]:
    base = {"lead_id": "L1", "lead_type": "content", "requested_follow_up": True}
    return {
        "id": "e1",
        "type": "lead.notified",
        "occurred_at": AT,
        "lead": base | (lead or {}),
    } | event


def hubspot(**fields: Any) -> dict[str, Any]:
    return {
        "eventId": 1,
        "subscriptionId": 7,
        "portalId": 1,
        "occurredAt": 1583161200000,
        "subscriptionType": "contact.propertyChange",
        "objectId": 123,
        "propertyName": "hubspot_owner_id",
        "propertyValue": "ana",
    } | fields


def named(response: Any) -> str:
    """What a refusal names: its detail, and each problem as ``location.field: message value``."""
    body = response.json()
    lines = [str(body.get("detail", "")), *map(str, body.get("problems", []))]
    for entry in body.get("errors", []):
        where = ".".join(str(p) for p in (entry.get("location"), entry.get("field")) if p)
        lines.append(f"{where}: {entry.get('message')} {entry.get('value')}")
    return "\n".join(lines)


# (what, method, path, body, where the answer must point)
ATTACKS: list[tuple[str, str, str, Any, str]] = [
    ("event id: lone surrogate", "hook", "", notified(id="\ud800"), "event.id"),
    ("lead_id: lone surrogate", "hook", "", notified({"lead_id": "\ud800"}), "lead.lead_id"),
    ("owner: lone surrogate", "hook", "", notified({"owner": "\ud800"}), "lead.owner"),
    ("attribute key: surrogate", "hook", "", notified({"attributes": {"\ud800": "x"}}), "attr"),
    ("event id: NUL", "hook", "", notified(id="e\x00"), "event.id"),
    ("lead_id: NUL", "hook", "", notified({"lead_id": "L\x00"}), "event.lead.lead_id"),
    ("owner: NUL", "hook", "", notified({"owner": "a\x00"}), "event.lead.owner"),
    ("owner: 1 MB", "hook", "", notified({"owner": BIG}), "event.lead.owner"),
    ("occurred_at: year 1", "hook", "", notified(occurred_at="0001-01-02T10:00:00Z"), "notified"),
    ("notified_at: 9999", "hook", "", notified({"notified_at": "9999-12-31T00:00:00Z"}), "notif"),
    ("HubSpot owner: NUL", "hubspot", "", [hubspot(propertyValue="a\x00")], "propertyValue"),
    ("HubSpot owner: 1 MB", "hubspot", "", [hubspot(propertyValue="y" * 9000)], "propertyValue"),
    ("HubSpot type: NUL", "hubspot", "", [hubspot(subscriptionType="contact.x\x00")], "id"),
    ("HubSpot extra: surrogate", "hubspot", "", [hubspot(note="\ud800")], "events[0].note"),
    ("POST /leads lead_id: surrogate", "POST", "/leads", {"lead_id": "\ud800"}, "body.lead_id"),
    ("POST /leads lead_id: NUL", "POST", "/leads", {"lead_id": "L\x00"}, "body.lead_id"),
    ("POST /leads owner: 1 MB", "POST", "/leads", {"lead_id": "L9", "owner": BIG}, "body.owner"),
    (
        "POST /leads notified_at: 9999",
        "POST",
        "/leads",
        {"lead_id": "L9", "notified_at": "9999-12-31T00:00:00Z"},
        "notified_at",
    ),
    (
        "POST /leads notified_at: year 1",
        "POST",
        "/leads",
        {"lead_id": "L9", "notified_at": "0001-01-02T10:00:00Z"},
        "notified_at",
    ),
    (
        "POST /leads attribute: NUL",
        "POST",
        "/leads",
        {"lead_id": "L9", "attributes": {"region": "e\x00"}},
        "body.attributes.region",
    ),
    ("POST /feedback text: surrogate", "POST", "/feedback", {"text": "\ud800"}, "body.text"),
    (
        "POST /feedback event_at: 9999",
        "POST",
        "/feedback",
        {
            "text": "x",
            "topic": "lead_quality",
            "from_team": "marketing",
            "event_at": "9999-12-31T23:59:59-05:00",
        },
        "event_at",
    ),
    (
        "POST /feedback event_at: a number",
        "POST",
        "/feedback",
        {"text": "x", "topic": "lead_quality", "from_team": "marketing", "event_at": 1583143200},
        "body.event_at",
    ),
    (
        "POST /leads notified_at: a number in a string",
        "POST",
        "/leads",
        {"lead_id": "L9", "notified_at": "1583143200"},
        "body.notified_at",
    ),
    ("DELETE /tokens/huge", "DELETE", "/tokens/" + "9" * 38, None, "path.token_id"),
    (
        "GET /scoreboard as_of year 1",
        "GET",
        "/scoreboard?as_of=0001-01-01T00:00:00%2B05:00",
        None,
        "as_of",
    ),
    ("GET /status as_of 9999", "GET", "/status?as_of=9999-12-31", None, "as_of"),
]


@pytest.mark.parametrize(
    ("what", "method", "path", "body", "where"), ATTACKS, ids=[a[0] for a in ATTACKS]
)
def test_a_bad_value_is_422_naming_the_field(
    client: TestClient, engine: Engine, what: str, method: str, path: str, body: Any, where: str
) -> None:
    before = counts(engine)
    if method == "hook":
        response = post_events(client, body)
    elif method == "hubspot":
        response = post_hubspot(client, body)
    elif body is None:
        response = client.request(method, path)
    else:
        if path == "/leads":
            body = {"lead_type": "content"} | body
        raw = json.dumps(body).encode()
        response = client.request(
            method, path, content=raw, headers={"Content-Type": "application/json"}
        )
    print(f"{what}: {response.status_code} {response.text[:120]}")
    assert response.status_code == 422, response.text
    assert where in named(response), response.text
    assert len(response.content) < 20_000  # the value is quoted short, never echoed whole
    response.content.decode("utf-8")  # valid UTF-8, surrogates escaped
    assert counts(engine) == before


# ---------------------------------------------------------------------------- fuzz

ODD_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfff", "", " ", "x" * 400, "é" * 300]),
    st.just("z" * 3000),
)
ODD_TIME = st.one_of(
    st.sampled_from(
        [
            AT,
            "0001-01-02T10:00:00Z",
            "0001-01-01T00:00:00+05:00",
            "9999-12-31",
            "9999-12-31T23:59:59-05:00",
            "1969-12-31T23:59:59Z",
            "2200-01-01T00:00:00Z",
            "2020-02-30T10:00:00Z",
            "",
        ]
    ),
    ODD_TEXT,
)
LEAD = st.fixed_dictionaries(
    {
        "lead_id": ODD_TEXT,
        "lead_type": st.sampled_from(["content", "referral"]) | ODD_TEXT,
        "requested_follow_up": st.booleans(),
    },
    optional={
        "owner": ODD_TEXT,
        "stage": ODD_TEXT,
        "notified_at": ODD_TIME,
        "created_at": ODD_TIME,
        "attributes": st.dictionaries(ODD_TEXT, ODD_TEXT, max_size=2),
    },
)
REVPACT_EVENT = st.one_of(
    st.builds(notified, LEAD, id=ODD_TEXT, occurred_at=ODD_TIME),
    st.fixed_dictionaries(
        {
            "id": ODD_TEXT,
            "type": st.just("lead.updated"),
            "occurred_at": ODD_TIME,
            "lead_id": ODD_TEXT,
        },
        optional={"owner": ODD_TEXT, "stage": ODD_TEXT},
    ),
    st.fixed_dictionaries(
        {
            "id": ODD_TEXT,
            "type": st.just("deal.updated"),
            "occurred_at": ODD_TIME,
            "deal": st.fixed_dictionaries(
                {"deal_id": ODD_TEXT},
                optional={
                    "lead_id": ODD_TEXT,
                    "owner": ODD_TEXT,
                    "closed_at": ODD_TIME,
                    "amount": ODD_TEXT,
                    "outcome": st.sampled_from(["won", "lost", "open"]),
                },
            ),
        },
    ),
)
HUBSPOT_EVENT = st.builds(
    hubspot,
    eventId=st.integers(0, 2**40),
    subscriptionType=st.sampled_from(
        ["contact.propertyChange", "deal.propertyChange", "deal.creation"]
    )
    | ODD_TEXT,
    propertyName=st.sampled_from(
        [
            "hubspot_owner_id",
            "lifecyclestage",
            "hs_analytics_source",
            "notes_last_contacted",
            "hubspot_owner_assigneddate",
            "amount",
            "closedate",
            "dealstage",
        ]
    )
    | ODD_TEXT,
    propertyValue=ODD_TIME,
    occurredAt=st.sampled_from([1583161200000, 0, 253402300799000]),
)


@FUZZ
@given(events=st.lists(REVPACT_EVENT, min_size=1, max_size=3))
def test_fuzz_revpact_webhook_bodies(client: TestClient, events: list[Any]) -> None:
    response = post_events(client, events)
    print(f"revpact events {json.dumps(events)[:100]}: {response.status_code}")
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.text
    response.content.decode("utf-8")


@FUZZ
@given(events=st.lists(HUBSPOT_EVENT, min_size=1, max_size=3))
def test_fuzz_hubspot_webhook_bodies(client: TestClient, events: list[Any]) -> None:
    response = post_hubspot(client, events)
    print(f"HubSpot events {json.dumps(events)[:100]}: {response.status_code}")
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.text
    response.content.decode("utf-8")


CELL = st.one_of(ODD_TEXT, ODD_TIME)
ROW = st.fixed_dictionaries(
    {
        "lead_id": CELL,
        "lead_type": st.sampled_from(["content", "referral"]) | CELL,
        "stage": CELL,
        "requested_follow_up": st.sampled_from(["true", "false"]) | CELL,
        "created_at": ODD_TIME,
        "notified_at": ODD_TIME,
        "first_touch_at": ODD_TIME,
        "owner": CELL,
    }
)


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CANONICAL_COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in CANONICAL_COLUMNS])
    # a lone surrogate reaches the file as the bytes a careless encoder writes for it
    return out.getvalue().encode("utf-8", "surrogatepass")


@FUZZ
@given(rows=st.lists(ROW, min_size=1, max_size=4))
def test_fuzz_lead_csv_import(
    engine: Engine, agreement: Agreement, rows: list[dict[str, str]]
) -> None:
    data = csv_bytes(rows)
    before = counts(engine)
    try:
        report = import_leads(
            engine, agreement, io.BytesIO(data), now=datetime(2021, 1, 1, tzinfo=UTC)
        )
    except InputError as exc:
        message = str(exc)
        print(f"lead file {data[:80]!r}: refused: {message.splitlines()[-1][:100]}")
        assert re.search(r"row \d+(, column |: is not CSV)", message) or "UTF-8" in message
        assert counts(engine) == before
        message.encode("utf-8")  # printable as it is
        return
    print(f"lead file {data[:80]!r}: imported {report}"[:200])


LEAD_ROW = {
    "lead_id": "L1",
    "lead_type": "content",
    "stage": "late",
    "requested_follow_up": "true",
    "created_at": "2020-03-02T09:00:00-05:00",
    "notified_at": "2020-03-02T10:00:00-05:00",
    "first_touch_at": "",
    "owner": "ana",
}
CELL_ATTACKS = [
    ("notified_at", "9999-12-31"),
    ("notified_at", "0001-01-01T00:00:00+05:00"),
    ("lead_id", "L\x00"),
    ("owner", "a\x00b"),
    ("owner", BIG),
    ("stage", "s" * 400),
    ("owner", "\ud800"),
]


@pytest.mark.parametrize(("column", "value"), CELL_ATTACKS, ids=[c for c, _ in CELL_ATTACKS])
def test_a_bad_cell_is_a_row_and_column_error(
    engine: Engine, agreement: Agreement, column: str, value: str
) -> None:
    data = csv_bytes([LEAD_ROW, LEAD_ROW | {"lead_id": "L2", column: value}])
    with pytest.raises(InputError) as refused:
        import_leads(engine, agreement, io.BytesIO(data), now=datetime(2021, 1, 1, tzinfo=UTC))
    message = str(refused.value)
    print(f"lead file, {column} = {value[:20]!r}: {message.splitlines()[-1][:120]}")
    assert len(message) < 2_000
    assert ("row 3, column " + column in message) or "not UTF-8" in message
    assert counts(engine) == (0, 0, 0)
