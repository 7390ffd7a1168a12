"""A sign-in begun at the identity provider is good once, and only for ten minutes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from revpact.services.oidc_sign_ins import SIGN_IN_TIME, begin_sign_in, take_sign_in

NOW = datetime(2021, 1, 4, 9, tzinfo=UTC)


def test_a_sign_in_is_taken_once_within_its_time(engine: Engine) -> None:
    begin_sign_in(engine, "s1", nonce="n", code_verifier="v", next_="/dashboard", now=NOW)
    taken = take_sign_in(engine, "s1", now=NOW)
    assert taken is not None and (taken.nonce, taken.code_verifier) == ("n", "v")
    assert take_sign_in(engine, "s1", now=NOW) is None
    begin_sign_in(engine, "s2", nonce="n", code_verifier="v", next_="/dashboard", now=NOW)
    assert take_sign_in(engine, "s2", now=NOW + SIGN_IN_TIME) is None
    assert take_sign_in(engine, "", now=NOW) is None
