"""Sign-ins begun at the company's identity provider, kept until the provider's answer returns.

Each is kept under the SHA-256 of its ``state`` for :data:`SIGN_IN_TIME` with its nonce, PKCE
verifier and the page to go to next. :func:`take_sign_in` deletes it as it reads it, so a
state is good once: a replayed answer finds nothing.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Engine

from revpact.domain.clock.calendar import to_us
from revpact.store.sessions import PendingSignIn, SignInRepository

__all__ = ["SIGN_IN_TIME", "PendingSignIn", "begin_sign_in", "take_sign_in"]

SIGN_IN_TIME: Final = timedelta(minutes=10)
_LONGEST_STATE: Final = 100


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def begin_sign_in(
    engine: Engine, state: str, *, nonce: str, code_verifier: str, next_: str, now: datetime
) -> None:
    """Keep the sign-in ``state`` names (sign-ins past their time are forgotten on the way)."""
    at_us = to_us(now)
    with engine.begin() as conn:
        sign_ins = SignInRepository(conn)
        sign_ins.drop_expired(at_us)
        sign_ins.add(
            _hash(state), PendingSignIn(nonce, code_verifier, next_, to_us(now + SIGN_IN_TIME))
        )


def take_sign_in(engine: Engine, state: str, *, now: datetime) -> PendingSignIn | None:
    """The sign-in ``state`` names, now used up; None when unknown, used or past its time."""
    if not state or len(state) > _LONGEST_STATE:
        return None
    with engine.begin() as conn:
        pending = SignInRepository(conn).take(_hash(state))
    if pending is None or pending.expires_us <= to_us(now):
        return None
    return pending
