"""The public shapes of the living agreement: a change, the status (in force, latest, who
signed, what signing changes), and the bodies of the version routes; moments in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from revpact.domain.clock.calendar import to_us
from revpact.domain.versions import Change, SignatureRecord, VersionRecord, VersionState
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services.agreement_versions import AgreementStatus, Published, Signed, SignerState
from revpact.services.public.agreement import (
    AgreementStatusPublic,
    ChangePublic,
    DiffPublic,
    PublishedPublic,
    SignedPublic,
    VersionDetailPublic,
    VersionListPublic,
)

SPEC = parse_agreement(company_a_template("en"))
CEO, CMO = SPEC.signatories[0], SPEC.signatories[1]
V1 = VersionRecord(1, "a1" * 32, to_us(datetime(2020, 1, 2, 15, tzinfo=UTC)), SPEC, None)
V2 = VersionRecord(2, "b2" * 32, to_us(datetime(2020, 6, 1, 12, tzinfo=UTC)), SPEC, CMO.email)
RAISED = Change("sales.close_rate", "25%", "30%")
ADDED = Change("meetings[2]", None, "Quarterly review")
LISTED = Change("rewards.monthly.requires", "goal1", "goal1, goal3", "added goal3")

V1_JSON = {
    "number": 1,
    "hash": "a1" * 32,
    "published_at": "2020-01-02T15:00:00+00:00",
    "published_by": None,
}
V2_JSON = {
    "number": 2,
    "hash": "b2" * 32,
    "published_at": "2020-06-01T12:00:00+00:00",
    "published_by": CMO.email,
}
RAISED_JSON = {
    "section": "sales",
    "path": "sales.close_rate",
    "before": "25%",
    "after": "30%",
    "text": "sales.close_rate: 25% → 30%",
}


def test_changes_in_plain_words() -> None:
    assert ChangePublic.of(RAISED).model_dump(mode="json") == RAISED_JSON
    assert ChangePublic.of(ADDED).model_dump(mode="json") == {
        "section": "meetings",
        "path": "meetings[2]",
        "before": None,
        "after": "Quarterly review",
        "text": "meetings[2]: added Quarterly review",
    }
    assert ChangePublic.of(LISTED).model_dump(mode="json")["text"] == (
        "rewards.monthly.requires: added goal3"
    )


def test_the_status_while_an_amendment_awaits_signatures() -> None:
    state = AgreementStatus(
        versions=[
            VersionState(V1, V1.published_us + 60_000_000, V1.published_us + 60_000_000, None),
            VersionState(V2, None, None, None),
        ],
        in_force=V1,
        latest=V2,
        signers=[
            SignerState(CEO, True, to_us(datetime(2020, 6, 2, 9, tzinfo=UTC)), "cli"),
            SignerState(CMO, False, None, None),
        ],
        changes_since_in_force=[RAISED],
    )
    shown = AgreementStatusPublic.of(state, "America/New_York").model_dump(mode="json")
    assert shown == {
        "in_force": V1_JSON,
        "latest": V2_JSON,
        "pending": True,
        "versions": [
            {
                **V1_JSON,
                "fully_signed_at": "2020-01-02T15:01:00+00:00",
                "in_force_from": "2020-01-02T15:01:00+00:00",
                "in_force_until": None,
            },
            {
                **V2_JSON,
                "fully_signed_at": None,
                "in_force_from": None,
                "in_force_until": None,
            },
        ],
        "signers": [
            {
                "name": CEO.name,
                "email": CEO.email,
                "team": "executive",
                "role": CEO.role,
                "required": True,
                "signed_at": "2020-06-02T09:00:00+00:00",
                "via": "cli",
            },
            {
                "name": CMO.name,
                "email": CMO.email,
                "team": CMO.team.value,
                "role": CMO.role,
                "required": False,
                "signed_at": None,
                "via": None,
            },
        ],
        "changes_to_sign": [RAISED_JSON],
        "time_zone": "America/New_York",
    }
    assert list(shown["versions"][0]) == [
        *V1_JSON,
        "fully_signed_at",
        "in_force_from",
        "in_force_until",
    ]


def test_nothing_published_yet() -> None:
    empty = AgreementStatus([], None, None, [], [])
    assert AgreementStatusPublic.of(empty, "Europe/Warsaw").model_dump(mode="json") == {
        "in_force": None,
        "latest": None,
        "pending": False,
        "versions": [],
        "signers": [],
        "changes_to_sign": [],
        "time_zone": "Europe/Warsaw",
    }


def test_the_version_routes_bodies() -> None:
    assert VersionListPublic.of([V1, V2]).model_dump(mode="json") == {
        "versions": [V1_JSON, V2_JSON]
    }
    signature = SignatureRecord(V1.hash, CEO.email, CEO.name, V1.published_us + 1, "cli")
    assert VersionDetailPublic.of(V1, [signature]).model_dump(mode="json") == {
        **V1_JSON,
        "title": SPEC.title,
        "company": "Company A",
        "language": "en",
        "signatures": [
            {"email": CEO.email, "name": CEO.name, "signed_at": "2020-01-02T15:00:00.000001+00:00"}
        ],
    }
    assert DiffPublic.of(V1, V2, [RAISED]).model_dump(mode="json", by_alias=True) == {
        "from": V1_JSON,
        "to": V2_JSON,
        "changes": [RAISED_JSON],
    }
    assert PublishedPublic.of(Published(V2, True, V1, [RAISED])).model_dump(mode="json") == {
        **V2_JSON,
        "created": True,
        "changes": [RAISED_JSON],
    }
    signed = Signed(V2, CEO, to_us(datetime(2020, 6, 2, 9, tzinfo=UTC)), False)
    assert SignedPublic.of(signed).model_dump(mode="json") == {
        "version": V2_JSON,
        "email": CEO.email,
        "name": CEO.name,
        "signed_at": "2020-06-02T09:00:00+00:00",
        "in_force": False,
    }
