"""The text rule on understood webhook events, and lone surrogates anywhere in a body."""

from __future__ import annotations

import json

from revpact.ingest.webhooks.event_values import check_event_values, lone_surrogates
from revpact.ingest.webhooks.events import Event


def test_each_text_of_an_event_is_named_by_its_field() -> None:
    event = Event(
        key="e\x00",
        type="lead.notified",
        occurred_us=0,
        lead_id="L" * 257,
        changes={"owner": "o" * 321, "attributes.region": "e\x00", "notified_us": 5},
        defaults={"stage": "ok"},
    )
    problems: list[str] = []
    check_event_values(event, "events[2]", problems)
    assert [p.split(":")[0] for p in problems] == [
        "events[2].id",
        "events[2].lead.lead_id",
        "events[2].lead.owner",
        "events[2].lead.attributes.region",
    ]
    hubspot: list[str] = []
    check_event_values(event, "events[0]", hubspot, source_field="propertyValue")
    assert hubspot[1].startswith("events[0].propertyValue: has 257 characters")


def test_a_clean_event_has_no_problem() -> None:
    problems: list[str] = []
    check_event_values(
        Event(key="e1", type="lead.touched", occurred_us=0, lead_id="L1"), "e", problems
    )
    assert problems == []


def test_lone_surrogates_are_found_by_path() -> None:
    data = [{"a": "ok"}, {"b": {"c": "\ud800"}, "\udfff": 1}]
    body = json.dumps(data).encode()
    assert lone_surrogates(body, data, "events", False) == [
        "events[1].b.c: contains a lone surrogate, which is not text",
        "events[1]: a key contains a lone surrogate, which is not text",
    ]
    paired = [{"a": "\U0001f600"}]
    assert lone_surrogates(json.dumps(paired).encode(), paired, "events", False) == []
