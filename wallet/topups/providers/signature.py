"""Webhook signatures in Stripe's scheme.

Header: ``t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>``. During a
secret rotation the sender puts one ``v1`` entry per active secret; a receiver
accepts the event when any entry matches its secret. Other schemes (``v0``) and
unknown keys are ignored. The HMAC covers the raw body bytes exactly as received,
so a body that was re-serialised (or altered by one byte) no longer verifies.
Signatures are checked first and in constant time; only a correctly signed event
is then judged on its timestamp, which must be within ``tolerance`` seconds of
``now`` in either direction.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable, Sequence

from wallet.topups.providers.base import InvalidSignature, StaleEvent

DEFAULT_TOLERANCE = 300
SCHEME = "v1"
MAX_HEADER_LENGTH = 4096
MAX_SIGNATURES = 16


def compute(secret: str, body: bytes, t: int) -> str:
    """Hex HMAC-SHA256 of ``f"{t}.".encode() + body`` under ``secret``."""
    if not secret:
        raise ValueError("webhook secret must not be empty")
    signed = str(int(t)).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, t: int) -> str:
    """The signature header for ``body`` signed at ``t`` with one secret."""
    return sign_with([secret], body, t)


def sign_with(secrets: Iterable[str], body: bytes, t: int) -> str:
    """The signature header with one ``v1`` entry per secret (secret rotation)."""
    entries = [f"{SCHEME}={compute(secret, body, t)}" for secret in secrets]
    if not entries:
        raise ValueError("at least one secret is required")
    return ",".join([f"t={int(t)}", *entries])


def parse_header(header: str | None) -> tuple[int, list[str]]:
    """Split a header into its timestamp and its ``v1`` signatures; raises ``InvalidSignature``."""
    if not header:
        raise InvalidSignature("The webhook signature header is missing.", code="missing_signature")
    if len(header) > MAX_HEADER_LENGTH:
        raise InvalidSignature("The webhook signature header is too long.")
    timestamps: list[str] = []
    signatures: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            timestamps.append(value.strip())
        elif key == SCHEME:
            signatures.append(value.strip())
    if len(timestamps) != 1 or not timestamps[0].isascii() or not timestamps[0].isdigit():
        raise InvalidSignature("The webhook signature header has no valid timestamp.")
    if not signatures:
        raise InvalidSignature(
            "The webhook signature header has no v1 signature.", code="missing_signature"
        )
    if len(signatures) > MAX_SIGNATURES:
        raise InvalidSignature("The webhook signature header has too many signatures.")
    return int(timestamps[0]), signatures


def matches(secrets: Sequence[str], body: bytes, t: int, signatures: Sequence[str]) -> bool:
    """Whether any signature equals the expected one under any secret (constant-time compare)."""
    found = False
    for secret in secrets:
        expected = compute(secret, body, t).encode("ascii")
        for candidate in signatures:
            # Compare bytes: compare_digest refuses non-ASCII str, and a forger controls this.
            if hmac.compare_digest(expected, candidate.encode("utf-8", "replace")):
                found = True
    return found


def check_timestamp(t: int, now: int, tolerance: int = DEFAULT_TOLERANCE) -> None:
    """Raise ``StaleEvent`` when ``t`` is more than ``tolerance`` seconds from ``now``."""
    if t < now - tolerance:
        raise StaleEvent(f"The webhook was signed {now - t} s ago; the tolerance is {tolerance} s.")
    if t > now + tolerance:
        raise StaleEvent(
            f"The webhook is signed {t - now} s in the future; the tolerance is {tolerance} s."
        )


def verify(
    secret: str | Sequence[str],
    body: bytes,
    header: str | None,
    now: int | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
) -> int:
    """Verify ``header`` for the raw ``body``; return the signed timestamp.

    ``secret`` may be several secrets (the receiver's side of a rotation).
    Raises ``InvalidSignature`` or ``StaleEvent``.
    """
    secrets = [secret] if isinstance(secret, str) else list(secret)
    if not secrets or not all(secrets):
        raise ValueError("webhook secret must not be empty")
    t, signatures = parse_header(header)
    if not matches(secrets, body, t, signatures):
        raise InvalidSignature("The webhook signature does not match.", code="invalid_signature")
    check_timestamp(t, int(time.time()) if now is None else now, tolerance)
    return t
