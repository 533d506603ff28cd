"""Webhook signing secrets: ``whsec_<base64>`` (Standard Webhooks), sealed at rest.

A secret has to sign every delivery, so it cannot be stored as a digest like API keys:
it is stored encrypted with AES-256-GCM under the key-encryption key
``WALLET_WEBHOOK_KEK``, the endpoint id as associated data (a sealed secret copied to
another endpoint does not open).
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "whsec_"
SECRET_BYTES = 32  # Standard Webhooks: 24 to 64 bytes
NONCE_BYTES = 12
VERSION = b"\x01"


class SecretDecryptionError(RuntimeError):
    """A sealed secret does not open under this key-encryption key and endpoint."""


def new_secret() -> str:
    """A fresh signing secret, ``whsec_`` + base64 of 32 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def seal(secret: str, kek: bytes, endpoint_id: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return VERSION + nonce + AESGCM(kek).encrypt(nonce, secret.encode(), endpoint_id.encode())


def open_sealed(blob: bytes, kek: bytes, endpoint_id: str) -> str:
    if blob[:1] != VERSION:
        raise SecretDecryptionError("unknown sealed secret format")
    nonce, sealed = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
    try:
        return AESGCM(kek).decrypt(nonce, sealed, endpoint_id.encode()).decode()
    except InvalidTag as exc:
        raise SecretDecryptionError("the webhook secret does not open under this key") from exc
