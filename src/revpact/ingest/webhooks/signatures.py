"""Webhook signatures: revpact's own (Stripe-style) and HubSpot's v3, checked on the raw body.

revpact's own header, on every ``POST /webhooks/events``::

    Revpact-Signature: t=1583161200,v1=5257a869e7ec...8bd   (64 hex digits)

``t`` is the sender's clock in Unix seconds and each ``v1`` the lowercase hex HMAC-SHA256, keyed
with a shared secret, of ``"<t>.<raw body>"``. While a secret is being rotated the sender signs
with both (two ``v1`` entries) and the receiver holds both (any secret matching any ``v1``
passes). A ``t`` further than the tolerance (300 s) from the receiver's clock, in either
direction, is refused, so a captured request cannot be replayed later; within the window a
replay passes here and is recognised by the store as a duplicate.

HubSpot's v3 (``X-HubSpot-Signature-v3``) is the base64 HMAC-SHA256, keyed with the app's
client secret, of ``method + uri + body + timestamp``, where ``timestamp`` is the
``X-HubSpot-Request-Timestamp`` header (Unix milliseconds) and ``uri`` the full URL HubSpot
requested (scheme, host, path and query) with the characters of :data:`HUBSPOT_DECODED`
percent-decoded. A timestamp older than five minutes is refused (HubSpot's rule), and so is
one more than five minutes in the future: the same window both ways, as for revpact's own
header, so a clock skew of a few minutes passes but a request signed ahead of time cannot be
held back and replayed later.

Comparisons are constant-time (:func:`hmac.compare_digest`). A failure carries a reason fit
for a 401 response: it never quotes a secret or the expected signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "HUBSPOT_DECODED",
    "HUBSPOT_MAX_AGE_MS",
    "REVPACT_HEADER",
    "SignatureFailure",
    "SignatureProblem",
    "Verified",
    "hubspot_uri",
    "sign_hubspot_v3",
    "sign_revpact",
    "verify_hubspot_v3",
    "verify_revpact",
]

REVPACT_HEADER: Final = "Revpact-Signature"
DEFAULT_TOLERANCE_SECONDS: Final = 300
HUBSPOT_MAX_AGE_MS: Final = 5 * 60 * 1000
HUBSPOT_DECODED: Final = (
    ("%3A", ":"),
    ("%2F", "/"),
    ("%3F", "?"),
    ("%40", "@"),
    ("%21", "!"),
    ("%24", "$"),
    ("%27", "'"),
    ("%28", "("),
    ("%29", ")"),
    ("%2A", "*"),
    ("%2C", ","),
    ("%3B", ";"),
)
"""The percent-escapes HubSpot decodes in the URI before signing it (and only these)."""
_MAX_HEADER = 4096  # longer headers are refused unread
_HEX_DIGITS: Final = frozenset("0123456789abcdef")


class SignatureProblem(StrEnum):
    MISSING = "missing"
    MALFORMED = "malformed"
    OUTSIDE_TOLERANCE = "outside_tolerance"
    NO_MATCH = "no_match"
    NOT_CONFIGURED = "not_configured"


@dataclass(frozen=True)
class SignatureFailure:
    """Why a request's signature was refused; ``reason`` is safe to show to the sender."""

    problem: SignatureProblem
    reason: str


@dataclass(frozen=True)
class Verified:
    """The signature matched; ``signed_at`` is the sender's timestamp (Unix seconds)."""

    signed_at: float


# ---------------------------------------------------------------------------- revpact's own


def sign_revpact(body: bytes, secret: str, t: int) -> str:
    """The ``Revpact-Signature`` header value for ``body`` signed at ``t`` (Unix seconds)."""
    return f"t={t},v1={_revpact_digest(body, secret, t)}"


def _revpact_digest(body: bytes, secret: str, t: int | str) -> str:
    message = str(t).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_revpact(
    header: str | None,
    body: bytes,
    secrets: Sequence[str],
    *,
    now: datetime,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> Verified | SignatureFailure:
    """Check a ``Revpact-Signature`` header against the raw ``body`` and the ``secrets``."""
    if not secrets:
        return SignatureFailure(
            SignatureProblem.NOT_CONFIGURED,
            "no webhook secret is configured on this server (REVPACT_WEBHOOK_SECRETS); "
            "every event is refused",
        )
    if header is None or not header.strip():
        return SignatureFailure(
            SignatureProblem.MISSING,
            f"the {REVPACT_HEADER} header is missing; sign the request: t=<unix seconds>,"
            "v1=<hex HMAC-SHA256 of '<t>.<body>'>",
        )
    parsed = _parse_revpact_header(header)
    if isinstance(parsed, SignatureFailure):
        return parsed
    t_text, signatures = parsed
    t = int(t_text)
    drift = now.timestamp() - t
    if abs(drift) > tolerance_seconds:
        side = "old" if drift > 0 else "in the future"
        return SignatureFailure(
            SignatureProblem.OUTSIDE_TOLERANCE,
            f"the signature's timestamp t={t} is {abs(int(drift))} s {side}; it must be within "
            f"{tolerance_seconds} s of the server's clock (sign each delivery when it is sent)",
        )
    # Every secret against every signature, without stopping early: constant in the match.
    matched = False
    for secret in secrets:
        expected = _revpact_digest(body, secret, t_text)
        for candidate in signatures:
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        return SignatureFailure(
            SignatureProblem.NO_MATCH,
            f"no v1 signature in the {REVPACT_HEADER} header matches the body with any "
            "configured secret",
        )
    return Verified(float(t))


def _parse_revpact_header(header: str) -> tuple[str, list[str]] | SignatureFailure:
    def malformed(detail: str) -> SignatureFailure:
        return SignatureFailure(
            SignatureProblem.MALFORMED,
            f"the {REVPACT_HEADER} header is malformed: {detail}; write t=<unix seconds>,"
            "v1=<64 hex digits>[,v1=...]",
        )

    if len(header) > _MAX_HEADER:
        return malformed(f"it is longer than {_MAX_HEADER} characters")
    t_values: list[str] = []
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            return malformed(f"{_shown(part.strip())} is not a key=value pair")
        key, value = key.strip(), value.strip()
        if key == "t":
            t_values.append(value)
        elif key == "v1":
            signatures.append(value.lower())
        # other schemes (v0, future versions) are skipped, as Stripe's receivers do
    if len(t_values) != 1:
        return malformed("it needs exactly one t=" if t_values else "it has no t=")
    t_text = t_values[0]
    if not (t_text.isascii() and t_text.isdigit()) or len(t_text) > 12:
        return malformed(f"t={_shown(t_text)} is not Unix seconds")
    if not signatures:
        return malformed("it has no v1= signature")
    for signature in signatures:
        if len(signature) != 64 or not set(signature) <= _HEX_DIGITS:
            return malformed(f"v1={_shown(signature)} is not 64 hex digits")
    return t_text, signatures


# ---------------------------------------------------------------------------- HubSpot v3


def hubspot_uri(url: str) -> str:
    """``url`` as HubSpot signs it: the escapes of :data:`HUBSPOT_DECODED` decoded."""
    for escape, char in HUBSPOT_DECODED:
        url = url.replace(escape, char).replace(escape.lower(), char)
    return url


def sign_hubspot_v3(method: str, url: str, body: bytes, timestamp_ms: int, secret: str) -> str:
    """The ``X-HubSpot-Signature-v3`` value HubSpot sends for this request."""
    message = (
        method.upper().encode() + hubspot_uri(url).encode() + body + str(timestamp_ms).encode()
    )
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_hubspot_v3(
    signature: str | None,
    timestamp: str | None,
    *,
    method: str,
    url: str,
    body: bytes,
    client_secret: str | None,
    now: datetime,
    max_age_ms: int = HUBSPOT_MAX_AGE_MS,
) -> Verified | SignatureFailure:
    """Check HubSpot's v3 signature of a request to ``url`` (the full URL HubSpot called).

    The timestamp must lie within ``max_age_ms`` of ``now`` in either direction.
    """
    if not client_secret:
        return SignatureFailure(
            SignatureProblem.NOT_CONFIGURED,
            "no HubSpot client secret is configured on this server "
            "(REVPACT_HUBSPOT_CLIENT_SECRET); every HubSpot event is refused",
        )
    if signature is None or not signature.strip():
        return SignatureFailure(
            SignatureProblem.MISSING, "the X-HubSpot-Signature-v3 header is missing"
        )
    if timestamp is None or not timestamp.strip():
        return SignatureFailure(
            SignatureProblem.MISSING, "the X-HubSpot-Request-Timestamp header is missing"
        )
    stamp = timestamp.strip()
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > 15:
        return SignatureFailure(
            SignatureProblem.MALFORMED,
            f"the X-HubSpot-Request-Timestamp header {_shown(stamp)} is not Unix milliseconds",
        )
    if len(signature) > _MAX_HEADER:
        return SignatureFailure(
            SignatureProblem.MALFORMED, "the X-HubSpot-Signature-v3 header is too long"
        )
    age_ms = now.timestamp() * 1000 - int(stamp)
    if abs(age_ms) > max_age_ms:
        side = "old" if age_ms > 0 else "in the future"
        return SignatureFailure(
            SignatureProblem.OUTSIDE_TOLERANCE,
            f"the request timestamp {stamp} is {int(abs(age_ms)) // 1000} s {side}; HubSpot's "
            f"signatures are accepted within {max_age_ms // 1000} s of the server's clock",
        )
    expected = sign_hubspot_v3(method, url, body, int(stamp), client_secret)
    # A "+" turned into a space on the way (a known proxy mishap) is put back.
    received = signature.strip().replace(" ", "+")
    if not hmac.compare_digest(expected.encode("ascii"), received.encode("utf-8")):
        return SignatureFailure(
            SignatureProblem.NO_MATCH,
            "the X-HubSpot-Signature-v3 header does not match the request with the configured "
            "client secret (check the public URL HubSpot calls, behind any proxy)",
        )
    return Verified(int(stamp) / 1000)


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")
