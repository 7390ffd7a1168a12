"""Webhook bodies into events: revpact's format and HubSpot's, with errors that name the
event, the field path and the value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.errors import InputError
from revpact.ingest.webhooks.events import EventsError, parse_events
from revpact.ingest.webhooks.hubspot import parse_hubspot_events
from revpact.ingest.webhooks.hubspot_mapping import DEFAULT_MAPPING, load_mapping

AT = "2020-03-02T10:00:00-05:00"


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


def notified(**lead: Any) -> dict[str, Any]:
    return {
        "id": "e1",
        "type": "lead.notified",
        "occurred_at": AT,
        "lead": {"lead_id": "L1", "lead_type": "content", "requested_follow_up": True, **lead},
    }


def problems(raw: bytes, agreement: Agreement) -> list[str]:
    with pytest.raises(EventsError) as caught:
        parse_events(raw, agreement)
    return caught.value.problems


def test_one_object_or_an_array(agreement: Agreement) -> None:
    (one,) = parse_events(body(notified()), agreement)
    assert one.key == "e1" and one.lead_id == "L1"
    assert len(parse_events(body([notified(), {**notified(), "id": "e2"}]), agreement)) == 2


def test_notified_defaults_to_occurred_at_and_keeps_what_it_knows(agreement: Agreement) -> None:
    (event,) = parse_events(body(notified(owner="ana", attributes={"region": "east"})), agreement)
    at = to_us(__import__("datetime").datetime.fromisoformat(AT))
    assert event.changes == {
        "lead_type": "content",
        "requested_follow_up": True,
        "notified_us": at,
        "owner": "ana",
        "attributes.region": "east",
    }
    assert event.defaults == {"stage": "", "owner": None, "created_us": at}


def test_a_bad_lead_type_names_the_event_path_and_value(agreement: Agreement) -> None:
    raw = body([notified(), {**notified(lead_type="webinarr"), "id": "e2"}])
    assert problems(raw, agreement) == [
        'events[1].lead.lead_type: "webinarr" is not a lead type of the agreement '
        "(referral, content, webinar, internet_sales_ready)"
    ]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({**notified(), "occurred_at": "2020-03-02T10:00:00"}, "event.occurred_at: "),
        ({**notified(), "occurred_at": 1583161200}, "event.occurred_at: 1583161200 must be"),
        ({**notified(), "type": "lead.notifyed"}, 'event.type: "lead.notifyed" is not an event'),
        ({"id": "e", "occurred_at": AT}, "event.type: is not an event type"),
        ({**notified(), "extra": 1}, "event.extra: is not a field here"),
        ({**notified(), "lead": {"lead_id": "L1"}}, "event.lead.lead_type: is required"),
        (
            {
                "id": "t",
                "type": "lead.touched",
                "occurred_at": AT,
                "lead_id": "L1",
                "channel": "fax",
                "automated": False,
            },
            "event.channel: Input should be",
        ),
        (
            {
                "id": "t",
                "type": "lead.touched",
                "occurred_at": AT,
                "lead_id": "L1",
                "channel": "call",
            },
            "event.automated: is required",
        ),
        (
            {"id": "u", "type": "lead.updated", "occurred_at": AT, "lead_id": "L1"},
            "event: changes nothing",
        ),
        (
            {
                "id": "u",
                "type": "lead.updated",
                "occurred_at": AT,
                "lead_id": "L1",
                "notified_at": AT,
            },
            "event.notified_at: is not a field here",
        ),
        (
            {
                "id": "d",
                "type": "deal.updated",
                "occurred_at": AT,
                "deal": {"deal_id": "D1", "amount": "12.345"},
            },
            'event.deal.amount: "12.345" has more decimal places',
        ),
    ],
)
def test_problems_name_the_field(agreement: Agreement, event: Any, expected: str) -> None:
    found = problems(body(event), agreement)
    assert any(p.startswith(expected) for p in found), found


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{not json", "body: "),
        (b"\xff\xfe", "body: not UTF-8 text"),
        (b'"text"', "body: must be an event object or an array of them, not text"),
        (b"[]", "events: the array is empty"),
        (b"[1]", "events[0]: "),
    ],
)
def test_bodies_that_are_not_events(agreement: Agreement, raw: bytes, expected: str) -> None:
    assert problems(raw, agreement)[0].startswith(expected)


def test_an_id_twice_in_one_body_is_a_mistake(agreement: Agreement) -> None:
    assert problems(body([notified(), notified()]), agreement) == [
        'events[1].id: "e1" is also the id of events[0]'
    ]


def test_deal_updated_carries_only_what_it_names(agreement: Agreement) -> None:
    raw = body(
        {
            "id": "d",
            "type": "deal.updated",
            "occurred_at": AT,
            "deal": {"deal_id": "D1", "outcome": "won", "amount": "5000.50"},
        }
    )
    (event,) = parse_events(raw, agreement)
    assert event.deal_id == "D1"
    assert event.changes == {"outcome": "won", "amount_e4": 50_005_000}


# ---------------------------------------------------------------------------- HubSpot

MS = 1583161200000


def hubspot(
    prop: str | None, value: str | None, kind: str = "contact.propertyChange", **kw: Any
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "eventId": 1,
        "subscriptionId": 7,
        "portalId": 62515,
        "appId": 54321,
        "occurredAt": MS,
        "subscriptionType": kind,
        "attemptNumber": 0,
        "objectId": 123,
        "changeSource": "CRM",
    }
    if prop is not None:
        event |= {"propertyName": prop, "propertyValue": value}
    return event | kw


def hs(*events: dict[str, Any], agreement: Agreement) -> list[Any]:
    return list(parse_hubspot_events(body(list(events)), DEFAULT_MAPPING, agreement))


def test_hubspot_notified_touched_updated_and_deals(agreement: Agreement) -> None:
    mql, owner_date, touch, owner, source, stage, amount, other = hs(
        hubspot("lifecyclestage", "marketingqualifiedlead"),
        hubspot("hubspot_owner_assigneddate", str(MS - 60_000), eventId=2),
        hubspot("notes_last_contacted", str(MS + 60_000), eventId=3),
        hubspot("hubspot_owner_id", "42", eventId=4),
        hubspot("hs_analytics_source", "REFERRALS", eventId=5),
        hubspot("dealstage", "closedwon", "deal.propertyChange", eventId=6, objectId=9),
        hubspot("amount", "1200.50", "deal.propertyChange", eventId=7, objectId=9),
        hubspot("firstname", "Ewa", eventId=8),
        agreement=agreement,
    )
    assert mql.type == "lead.notified" and mql.lead_id == "123"
    assert mql.changes == {"notified_us": MS * 1000, "stage": "marketingqualifiedlead"}
    assert mql.defaults["lead_type"] == "content" and mql.defaults["requested_follow_up"] is True
    assert owner_date.changes == {"notified_us": (MS - 60_000) * 1000}
    assert (touch.type, touch.occurred_us, touch.automated) == (
        "lead.touched",
        (MS + 60_000) * 1000,
        False,
    )
    assert (owner.type, owner.changes) == ("lead.updated", {"owner": "42"})
    assert source.changes == {"lead_type": "referral"}
    assert (stage.type, stage.deal_id, stage.changes) == ("deal.updated", "9", {"outcome": "won"})
    assert amount.changes == {"amount_e4": 12_005_000}
    assert other.ignored is not None and "firstname" in other.ignored


def test_hubspot_unmapped_and_untranslatable_are_ignored_with_a_reason(
    agreement: Agreement,
) -> None:
    creation, weird_source, other_stage = hs(
        hubspot(None, None, "contact.creation"),
        hubspot("hs_analytics_source", "CARRIER_PIGEON", eventId=2),
        hubspot("lifecyclestage", "lead", eventId=3),
        agreement=agreement,
    )
    assert creation.ignored and "contact.creation" in creation.ignored
    assert weird_source.ignored and "CARRIER_PIGEON" in weird_source.ignored
    assert other_stage.type == "lead.updated" and other_stage.changes == {"stage": "lead"}


def test_hubspot_dedupe_key_is_more_than_the_event_id(agreement: Agreement) -> None:
    a, b = hs(
        hubspot("lifecyclestage", "lead"),
        hubspot("hubspot_owner_id", "42"),  # the same eventId, another property
        agreement=agreement,
    )
    assert a.key != b.key
    assert (
        len(
            hs(
                hubspot("hubspot_owner_id", "42"),
                hubspot("hubspot_owner_id", "42"),
                agreement=agreement,
            )
        )
        == 1
    )


def test_hubspot_structural_problems_name_the_field(agreement: Agreement) -> None:
    with pytest.raises(EventsError) as caught:
        parse_hubspot_events(body([hubspot("x", "y", objectId="abc")]), DEFAULT_MAPPING, agreement)
    assert caught.value.problems[0].startswith("events[0].objectId: ")
    with pytest.raises(EventsError) as caught:
        parse_hubspot_events(body({"eventId": 1}), DEFAULT_MAPPING, agreement)
    assert caught.value.problems == ["body: must be an array of events"]


def test_a_mapping_file_overrides_the_defaults(tmp_path: Path, agreement: Agreement) -> None:
    path = tmp_path / "hubspot.yaml"
    path.write_text(
        "notified: {hs_lead_status: NEW}\n"
        "lead_defaults: {lead_type: webinar, requested_follow_up: false}\n"
        "lead_values: {lead_type: {PAID_SEARCH: referral}}\n",
        encoding="utf-8",
    )
    mapping = load_mapping(path)
    assert mapping.notified == {"hs_lead_status": "NEW"}
    assert mapping.lead_values["lead_type"]["PAID_SEARCH"] == "referral"
    assert mapping.lead_values["lead_type"]["REFERRALS"] == "referral"
    (event,) = parse_hubspot_events(body([hubspot("hs_lead_status", "NEW")]), mapping, agreement)
    assert event.type == "lead.notified"
    assert (
        event.defaults["lead_type"] == "webinar" and event.defaults["requested_follow_up"] is False
    )


def test_a_bad_mapping_file_names_the_section(tmp_path: Path) -> None:
    path = tmp_path / "hubspot.yaml"
    path.write_text("lead_fields: {hubspot_owner_id: boss}\nnotfied: {}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert any(p.startswith("notfied: is not a section") for p in caught.value.problems)
    assert any(p.startswith("lead_fields.hubspot_owner_id: 'boss'") for p in caught.value.problems)
