"""One error shape everywhere (RFC 9457 problem details), a schema that declares it on every
route, strict ``as_of`` values, and API docs that work offline."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from live_server import LiveServer

from revpact.domain.roles import Role

PROBLEM = "application/problem+json"


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["type"] == "about:blank" and body["status"] == status
    return body


@pytest.mark.parametrize(
    "as_of",
    ["0.5", "1593536400", "2020-06-30 17:00", " 2020-06-30", "2020-02-30", "2020-06-30T25:00", ""],
)
def test_as_of_takes_only_iso_8601_moments(
    live_server: LiveServer, role_tokens: dict[Role, str], as_of: str
) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        for path in ("/leads", "/status", "/feedback", "/disputes", "/months", "/meetings"):
            body = _problem(client.get(path, params={"as_of": as_of}), 422)
            assert body["instance"] == path
            (entry,) = body["errors"]
            assert entry["location"] == "query" and entry["field"] == "as_of"
            assert entry["value"] == f'"{as_of}"' and "ISO 8601" in entry["message"]


def test_as_of_forms_the_schema_documents_are_read(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        for as_of, at in [
            ("2020-06-30", "2020-06-30T00:00:00-04:00"),
            ("2020-06-30T17:00", "2020-06-30T17:00:00-04:00"),
            ("2020-06-30T17:00:00.5Z", "2020-06-30T17:00:00.500000+00:00"),
            ("2020-06-30T17:00 05:00", "2020-06-30T17:00:00+05:00"),  # a + sent unescaped
            ("2020-06-30T17:00-0400", "2020-06-30T17:00:00-04:00"),
        ]:
            response = client.get("/leads", params={"as_of": as_of})
            assert response.status_code == 200, (as_of, response.text)
            assert response.json()["as_of"] == at
        outside = _problem(client.get("/leads", params={"as_of": "1969-12-31T12:00Z"}), 422)
        assert "from 1970 to 2199" in outside["detail"]


def test_the_schema_pattern_admits_what_the_reader_reads(live_server: LiveServer) -> None:
    with live_server.client() as client:
        schema = client.get("/openapi.json").json()
    (as_of,) = [p for p in schema["paths"]["/leads"]["get"]["parameters"] if p["name"] == "as_of"]
    pattern = re.compile(as_of["schema"]["pattern"])
    for good in ["2020-06-30", "2020-02-29T10:00", "2000-02-29", "2199-12-30T00:00:00.123456Z"]:
        assert pattern.search(good), good
    for bad in ["0.5", "2021-02-29", "2100-02-29", "1969-12-31", "2200-01-01", "2020-06-30T1"]:
        assert not pattern.search(bad), bad


def test_a_body_that_does_not_validate_names_each_field_and_value(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with live_server.client(role_tokens[Role.ADMIN]) as client:
        body = _problem(client.post("/tokens", json={"name": "x", "role": "boss"}), 422)
        assert body["detail"] == "the request is not valid; nothing was stored"
        (entry,) = body["errors"]
        assert (entry["location"], entry["field"], entry["value"]) == ("body", "role", '"boss"')
        missing = _problem(client.post("/tokens", json={"role": "admin"}), 422)
        assert missing["errors"] == [
            {"location": "body", "field": "name", "message": "is required", "value": None}
        ]
        unreadable = client.post(
            "/tokens", content=b'{"name": "\xff"}', headers={"content-type": "application/json"}
        )
        assert _problem(unreadable, 422)["errors"] == [
            {"location": "body", "field": None, "message": "is not JSON", "value": None}
        ]


def test_revpact_errors_are_problems_with_their_status(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with live_server.client(role_tokens[Role.ADMIN]) as client:
        missing = _problem(client.get("/feedback/999"), 404)
        assert "no feedback 999" in missing["detail"] and missing["instance"] == "/feedback/999"
        assert _problem(client.get("/leads/NOPE"), 404)["title"] == "Not Found"
        nowhere = _problem(client.get("/no/such/path"), 404)
        assert nowhere["instance"] == "/no/such/path"
        wrong = _problem(client.put("/tokens"), 405)
        assert client.put("/tokens").headers["allow"] == "GET, POST"
        assert wrong["detail"] == "/tokens takes GET, POST, not PUT"


def test_every_operation_declares_its_answers_as_problems(live_server: LiveServer) -> None:
    with live_server.client() as client:
        schema = client.get("/openapi.json").json()
    problem = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert set(schema["components"]["schemas"]["Problem"]["required"]) == {
        "title",
        "status",
        "detail",
        "instance",
    }
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            responses = operation["responses"]
            success = [code for code in responses if code.startswith("2")]
            assert success, where
            for code in success:
                content = responses[code].get("content", {})
                if code != "204" and "application/json" in content:
                    assert content["application/json"]["schema"], where
            errors = {code: r for code, r in responses.items() if code[0] in "45"}
            assert all(r["content"] == problem for r in errors.values()), where
            if operation.get("security"):
                assert {"401", "403"} <= set(errors), where
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in errors, where
            if "{" in path and operation.get("security"):
                assert "404" in errors or path.startswith("/months/"), where


def test_the_docs_load_only_assets_served_by_revpact(live_server: LiveServer) -> None:
    with live_server.client() as client:
        for page in ("/docs", "/redoc"):
            html = client.get(page)
            assert html.status_code == 200
            urls = re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", html.text)
            assets = [u for u in urls if u != "/openapi.json"]
            assert len(assets) >= 2, (page, urls)
            for url in urls:
                assert url.startswith("/") and not url.startswith("//"), (page, url)
                answer = client.get(urljoin(f"{live_server.url}{page}", url))
                assert answer.status_code == 200, (page, url)
                assert len(answer.content) > 0
