"""Signed access tokens: the principal of a request without a database read.

An access token is ``at_<claims>.<mac>``: ``claims`` is base64url (no padding) of a
compact JSON object, ``mac`` base64url of HMAC-SHA256 over ``at_<claims>`` under a
key derived from ``WALLET_SECRET_KEY`` (HKDF-SHA256, its own ``info``). The claims
carry everything a purchase needs to know about its caller:

| claim | meaning |
| --- | --- |
| ``u`` / ``a`` / ``m`` | the person, the app, the app's merchant |
| ``g`` / ``gv`` | the grant (the person's connection to the app) and its version |
| ``s`` | the scope |
| ``pc`` / ``dc`` | the per-purchase and daily caps the person approved (null: none) |
| ``exp`` | expiry, seconds since the epoch |
| ``j`` | a random token id (so two tokens minted in one second differ) |

Verifying is a MAC and a JSON parse. Revocation still stops a token at once: every
token is also stored (its SHA-256 digest, as before), and a grant's ``version`` moves
whenever the grant changes (revoked, re-opened, caps or scope changed). The purchase
function (``wallet_purchase`` in PostgreSQL) checks, inside the purchase's one
statement, that the grant is live at the token's version and the token row is not
revoked; the ordinary principal resolver (``wallet.oauth.service``) does the same with
one query for every other endpoint. Refresh tokens stay opaque and stored.

Tokens issued before this format (``at_`` + 43 random characters, no ``.``) are still
resolved by the database lookup until they expire.

Keys are per database engine (``register_key``, called by the app factory), so the
service layer needs no Flask.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
import weakref
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from wallet.errors import AuthenticationError

PREFIX = "at_"
HKDF_INFO = b"wallet oauth access tokens v1"
MAX_TOKEN_LENGTH = 2048

_keys: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class Claims:
    """What a verified access token says about its caller."""

    user_id: str
    app_id: str
    merchant_id: str
    grant_id: str
    grant_version: int
    scope: str
    per_purchase_cap: int | None
    daily_cap: int | None
    expires: int

    def grant(self) -> dict[str, Any]:
        """The principal's ``grant`` dict, as the database lookup builds it."""
        return {"grant_id": self.grant_id, "scope": self.scope,
                "per_purchase_cap": self.per_purchase_cap, "daily_cap": self.daily_cap}


def derive_key(secret_key: str | bytes) -> bytes:
    """The HMAC key of access tokens, derived from the app's secret key."""
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=HKDF_INFO).derive(secret)


def register_key(engine: Engine, secret_key: str | bytes) -> bytes:
    """Remember the signing key for the sessions of one engine (one app)."""
    key = derive_key(secret_key)
    _keys[engine] = key
    return key


def key_for(session: Session) -> bytes:
    """The signing key of the app this session's engine belongs to."""
    bind = session.get_bind()
    return key_for_engine(bind if isinstance(bind, Engine) else bind.engine)


def key_for_engine(engine: Engine) -> bytes:
    """The signing key registered for this engine."""
    try:
        return _keys[engine]
    except KeyError:
        raise RuntimeError("no access-token key registered for this engine "
                           "(wallet.oauth.access_tokens.register_key)") from None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, signed: str) -> str:
    return _b64(hmac.new(key, signed.encode(), hashlib.sha256).digest())


def sign(key: bytes, claims: Claims) -> str:
    """The token for these claims."""
    body = {"u": claims.user_id, "a": claims.app_id, "m": claims.merchant_id,
            "g": claims.grant_id, "gv": claims.grant_version, "s": claims.scope,
            "pc": claims.per_purchase_cap, "dc": claims.daily_cap, "exp": claims.expires,
            "j": secrets.token_urlsafe(9)}
    signed = PREFIX + _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{signed}.{_mac(key, signed)}"


def is_signed(token: str) -> bool:
    """A token of this format (not a legacy opaque one)."""
    return token.startswith(PREFIX) and "." in token


def verify(key: bytes, token: str, now: float | None = None) -> Claims:
    """The claims of a valid, unexpired token; ``AuthenticationError`` otherwise.

    Revocation is not checked here (see the module docstring).
    """
    signed, dot, mac = token.rpartition(".")
    if not dot or not signed.startswith(PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        raise _invalid()
    if not hmac.compare_digest(mac, _mac(key, signed)):
        raise _invalid()
    try:
        body = json.loads(_unb64(signed[len(PREFIX):]))
        claims = Claims(body["u"], body["a"], body["m"], body["g"], int(body["gv"]),
                        body["s"], body["pc"], body["dc"], int(body["exp"]))
    except (ValueError, KeyError, TypeError, binascii.Error):  # pragma: no cover - signed
        raise _invalid() from None
    if claims.expires <= (time.time() if now is None else now):
        raise AuthenticationError("The access token has expired.", code="invalid_token")
    return claims


def _invalid() -> AuthenticationError:
    return AuthenticationError("The access token is invalid, expired or revoked.",
                               code="invalid_token")
