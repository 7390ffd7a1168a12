"""The public shape of API tokens: never the secret when listed, the secret once when created;
moments in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Engine

from revpact.domain.roles import Role
from revpact.services.public.tokens import NewTokenPublic, TokenPublic, TokensPublic
from revpact.services.tokens import NewToken, TokenInfo, create_token, list_tokens, revoke_token

NOW = datetime(2020, 6, 1, 12, tzinfo=UTC)
LIVE = TokenInfo(3, "floor board", Role.VIEWER, None, "rp_AbCdEf", NOW, None)
LIVE_JSON = {
    "id": 3,
    "name": "floor board",
    "role": "viewer",
    "member": None,
    "prefix": "rp_AbCdEf",
    "created_at": "2020-06-01T12:00:00+00:00",
    "revoked_at": None,
}


def test_a_token_every_key_in_order() -> None:
    shown = TokenPublic.of(LIVE).model_dump(mode="json")
    assert shown == LIVE_JSON and list(shown) == list(LIVE_JSON)


def test_created_at_is_written_in_utc() -> None:
    paris = timezone(timedelta(hours=2))
    revoked = TokenInfo(
        4,
        "Anna",
        Role.SALES,
        "anna@a.example",
        "rp_x1y2z3",
        datetime(2020, 6, 1, 14, tzinfo=paris),
        datetime(2020, 6, 2, 9, 30, tzinfo=UTC),
    )
    assert TokensPublic.of([LIVE, revoked]).model_dump(mode="json") == {
        "tokens": [
            LIVE_JSON,
            {
                "id": 4,
                "name": "Anna",
                "role": "sales",
                "member": "anna@a.example",
                "prefix": "rp_x1y2z3",
                "created_at": "2020-06-01T12:00:00+00:00",
                "revoked_at": "2020-06-02T09:30:00+00:00",
            },
        ]
    }


def test_a_new_token_shows_its_secret_last() -> None:
    shown = NewTokenPublic.of(NewToken(LIVE, "rp_secret")).model_dump(mode="json")
    assert shown == {**LIVE_JSON, "token": "rp_secret"}
    assert list(shown) == [*LIVE_JSON, "token"]


def test_stored_tokens(engine: Engine) -> None:
    new = create_token(engine, name="Anna", role="sales", member="anna@a.example", now=NOW)
    revoke_token(engine, new.info.token_id, now=NOW + timedelta(hours=1))
    (listed,) = TokensPublic.of(list_tokens(engine)).model_dump(mode="json")["tokens"]
    assert listed == {
        "id": new.info.token_id,
        "name": "Anna",
        "role": "sales",
        "member": "anna@a.example",
        "prefix": new.token[:9],
        "created_at": "2020-06-01T12:00:00+00:00",
        "revoked_at": "2020-06-01T13:00:00+00:00",
    }
