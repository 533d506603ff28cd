"""Voucher signing keys: Ed25519 with a derived ``kid``, AES-GCM at rest, JWK import/export.

Pure crypto, no database: the service layer stores what these functions return.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import re
import secrets
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from vouchers.errors import KeyDecryptionError, KeyMaterialError

KID_BYTES = 4
"""A kid is the first 4 bytes of SHA-256(raw 32-byte public key), written as 8 lowercase hex."""
KEK_BYTES = 32
NONCE_BYTES = 12
ENCRYPTED_KEY_VERSION = 1
ENCRYPTED_KEY_LEN = 1 + NONCE_BYTES + 32 + 16
"""Stored blob: version byte 0x01 || 12-byte nonce || AES-256-GCM(32-byte seed) || 16-byte tag."""

_KID_RE = re.compile(r"[0-9a-f]{8}")
_B64URL_32_RE = re.compile(r"[A-Za-z0-9_-]{43}")


class KeyStatus(enum.StrEnum):
    """Lifecycle of a voucher key as published in the JWK ``status`` member."""

    ACTIVE = "active"  # signs new vouchers; its vouchers verify
    RETIRED = "retired"  # rotated out: signs nothing new; its vouchers still verify
    REVOKED = "revoked"  # compromised: every voucher it signed is rejected


@dataclass(frozen=True, slots=True)
class PublicKeyInfo:
    """A loaded public key (the parsed key object is cached here so verify stays fast)."""

    kid: str
    public_key: Ed25519PublicKey
    status: KeyStatus = KeyStatus.ACTIVE

    def __post_init__(self) -> None:
        # Accept plain strings (e.g. a database column) but always hold the enum member.
        object.__setattr__(self, "status", KeyStatus(self.status))

    @classmethod
    def from_public_bytes(
        cls, raw: bytes, status: KeyStatus | str = KeyStatus.ACTIVE
    ) -> PublicKeyInfo:
        """Load a raw 32-byte Ed25519 public key; the kid is derived from it."""
        if len(raw) != 32:
            raise KeyMaterialError("an Ed25519 public key is exactly 32 bytes")
        try:
            key = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError as exc:
            raise KeyMaterialError("not a valid Ed25519 public key") from exc
        return cls(kid=kid_for_public_key(raw), public_key=key, status=KeyStatus(status))

    @property
    def public_bytes(self) -> bytes:
        return public_key_bytes(self.public_key)

    @property
    def revoked(self) -> bool:
        return self.status is KeyStatus.REVOKED

    def with_status(self, status: KeyStatus | str) -> PublicKeyInfo:
        return PublicKeyInfo(kid=self.kid, public_key=self.public_key, status=KeyStatus(status))


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private voucher key together with its kid."""

    kid: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_bytes(self) -> bytes:
        return public_key_bytes(self.public_key)

    def public_info(self, status: KeyStatus | str = KeyStatus.ACTIVE) -> PublicKeyInfo:
        return PublicKeyInfo(kid=self.kid, public_key=self.public_key, status=KeyStatus(status))


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    """The raw 32-byte encoding of an Ed25519 public key (RFC 8032)."""
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def kid_for_public_key(key: Ed25519PublicKey | bytes) -> str:
    """Derive the kid: hex of the first 4 bytes of SHA-256 over the raw public key."""
    raw = key if isinstance(key, bytes) else public_key_bytes(key)
    return hashlib.sha256(raw).digest()[:KID_BYTES].hex()


def kid_to_bytes(kid: str) -> bytes:
    """The 4 bytes a kid occupies in a voucher body."""
    if not isinstance(kid, str) or not _KID_RE.fullmatch(kid):
        raise ValueError(f"a kid is 8 lowercase hex characters, got {kid!r}")
    return bytes.fromhex(kid)


def generate_signing_key(existing_kids: Container[str] = ()) -> SigningKey:
    """Generate a new Ed25519 key whose kid differs from every kid in ``existing_kids``."""
    for _ in range(100):
        private_key = Ed25519PrivateKey.generate()
        kid = kid_for_public_key(private_key.public_key())
        if kid not in existing_kids:
            return SigningKey(kid=kid, private_key=private_key)
    raise RuntimeError("could not find an unused kid")  # pragma: no cover - 2**-3200


def signing_key_from_seed(seed: bytes) -> SigningKey:
    """Load a private key from its raw 32-byte seed (RFC 8032)."""
    if len(seed) != 32:
        raise KeyMaterialError("an Ed25519 private key seed is exactly 32 bytes")
    private_key = Ed25519PrivateKey.from_private_bytes(seed)
    return SigningKey(kid=kid_for_public_key(private_key.public_key()), private_key=private_key)


def private_key_seed(key: SigningKey) -> bytes:
    """The raw 32-byte seed of the private key; handle with care."""
    return key.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


# --- private keys at rest -------------------------------------------------------------------


def generate_kek() -> str:
    """A fresh 32-byte key-encryption key as unpadded base64url text (for the environment)."""
    return _b64url(secrets.token_bytes(KEK_BYTES))


def load_kek(text: str) -> bytes:
    """Parse a 32-byte KEK given as 64 hex characters or as base64/base64url (padding optional)."""
    value = text.strip() if isinstance(text, str) else ""
    if re.fullmatch(r"[0-9A-Fa-f]{64}", value):
        return bytes.fromhex(value)
    if re.fullmatch(r"[A-Za-z0-9+/_-]{43}=?", value):
        raw = base64.urlsafe_b64decode(value.rstrip("=").replace("+", "-").replace("/", "_") + "=")
        if len(raw) == KEK_BYTES:
            return raw
    raise KeyMaterialError(
        "the key-encryption key must be 32 bytes as 64 hex characters or base64 "
        "(generate one with vouchers.keys.generate_kek())"
    )


def seal(secret: bytes, kek: bytes, associated: bytes) -> bytes:
    """AES-256-GCM under ``kek``: version byte 0x01 || 12-byte nonce || ciphertext || tag."""
    _check_kek(kek)
    nonce = secrets.token_bytes(NONCE_BYTES)
    return bytes([ENCRYPTED_KEY_VERSION]) + nonce + AESGCM(kek).encrypt(nonce, secret, associated)


def unseal(blob: bytes, kek: bytes, associated: bytes) -> bytes:
    """Open a blob made by :func:`seal` with the same associated data."""
    _check_kek(kek)
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[0] != ENCRYPTED_KEY_VERSION:
        raise KeyDecryptionError("the sealed blob has the wrong format")
    try:
        return AESGCM(kek).decrypt(blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], associated)
    except InvalidTag as exc:
        raise KeyDecryptionError() from exc


def encrypt_private_key(key: SigningKey, kek: bytes) -> bytes:
    """Encrypt the private seed with AES-256-GCM under ``kek``; the kid is the associated data."""
    return seal(private_key_seed(key), kek, key.kid.encode("ascii"))


def decrypt_private_key(blob: bytes, kek: bytes, kid: str) -> SigningKey:
    """Open a blob made by :func:`encrypt_private_key`; the key must still match ``kid``."""
    _check_kek(kek)
    if len(blob) != ENCRYPTED_KEY_LEN or blob[0] != ENCRYPTED_KEY_VERSION:
        raise KeyDecryptionError("the encrypted private key blob has the wrong format")
    try:
        seed = unseal(blob, kek, kid.encode("ascii"))
    except UnicodeEncodeError as exc:
        raise KeyDecryptionError() from exc
    key = signing_key_from_seed(seed)
    if key.kid != kid:
        raise KeyDecryptionError("the decrypted private key does not belong to this kid")
    return key


def _check_kek(kek: bytes) -> None:
    if not isinstance(kek, bytes) or len(kek) != KEK_BYTES:
        raise KeyMaterialError("the key-encryption key must be exactly 32 bytes")


# --- JWK (RFC 7517, RFC 8037) ---------------------------------------------------------------


def public_jwk(info: PublicKeyInfo) -> dict[str, str]:
    """The JWK of a public key as served at ``GET /v1/voucher_keys``."""
    return {
        "kid": info.kid,
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(info.public_bytes),
        "alg": "EdDSA",
        "use": "sig",
        "status": str(info.status),
    }


def jwks(infos: Iterable[PublicKeyInfo]) -> dict[str, list[dict[str, str]]]:
    """The ``{"keys": [...]}`` document of ``GET /v1/voucher_keys``."""
    return {"keys": [public_jwk(info) for info in infos]}


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKeyInfo:
    """Import one published JWK; rejects other key types, private members and a wrong kid."""
    if not isinstance(jwk, Mapping):
        raise KeyMaterialError("a JWK is a JSON object")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise KeyMaterialError('only {"kty": "OKP", "crv": "Ed25519"} keys are voucher keys')
    if "d" in jwk:
        raise KeyMaterialError("refusing a JWK that contains a private key")
    x = jwk.get("x")
    if not isinstance(x, str) or not _B64URL_32_RE.fullmatch(x):
        raise KeyMaterialError('"x" must be 32 bytes in unpadded base64url')
    raw = base64.urlsafe_b64decode(x + "=")
    if _b64url(raw) != x:
        raise KeyMaterialError('"x" is not canonical base64url')
    status = jwk.get("status", KeyStatus.ACTIVE.value)
    if status not in {s.value for s in KeyStatus}:
        raise KeyMaterialError(f"unknown key status {status!r}")
    info = PublicKeyInfo.from_public_bytes(raw, status)
    if jwk.get("kid") != info.kid:
        raise KeyMaterialError(f"the kid {jwk.get('kid')!r} does not match the key ({info.kid})")
    return info


def keys_from_jwks(document: Mapping[str, Any]) -> dict[str, PublicKeyInfo]:
    """Import a ``{"keys": [...]}`` document into the kid mapping that ``verify`` takes."""
    entries = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise KeyMaterialError('a key set is an object with a "keys" list')
    infos = [public_key_from_jwk(entry) for entry in entries]
    return {info.kid: info for info in infos}


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


__all__ = [
    "ENCRYPTED_KEY_LEN",
    "KEK_BYTES",
    "KID_BYTES",
    "KeyStatus",
    "PublicKeyInfo",
    "SigningKey",
    "decrypt_private_key",
    "encrypt_private_key",
    "generate_kek",
    "generate_signing_key",
    "jwks",
    "keys_from_jwks",
    "kid_for_public_key",
    "kid_to_bytes",
    "load_kek",
    "private_key_seed",
    "public_jwk",
    "public_key_bytes",
    "public_key_from_jwk",
    "signing_key_from_seed",
]
