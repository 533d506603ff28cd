"""Signed voucher payloads: fixed-width binary body + Ed25519 signature, Base45 behind ``WV1:``.

Layout (all integers big-endian, see docs/vouchers.md)::

    offset size field
         0    1 version      0x01
         1    4 kid          first 4 bytes of SHA-256(raw public key)
         5   16 voucher id   128 random bits
        21    8 value        credits, 1 .. 2**63-1
        29    4 expiry       unix seconds, 0 = no expiry
        33    1 flags        bit0 promotional, bit1 single redemption, others 0
        34   64 signature    Ed25519 over bytes 0..33

No Flask, no database: :func:`verify` needs only the public keys.
"""

from __future__ import annotations

import enum
import secrets
import struct
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vouchers.errors import (
    BadSignature,
    MalformedVoucher,
    RevokedKey,
    UnknownKey,
    UnsupportedVersion,
    VoucherError,
    VoucherExpired,
)
from vouchers.keys import KeyStatus, PublicKeyInfo, SigningKey, kid_for_public_key, kid_to_bytes

PREFIX = "WV1:"
FORMAT_VERSION = 1
VOUCHER_ID_BYTES = 16
SIGNATURE_BYTES = 64
MAX_VALUE = 2**63 - 1
MAX_EXPIRY = 2**32 - 1
NO_EXPIRY = 0

_BODY = struct.Struct(">B4s16sQIB")
BODY_BYTES = _BODY.size  # 34
PAYLOAD_BYTES = BODY_BYTES + SIGNATURE_BYTES  # 98
PAYLOAD_CHARS = len(PREFIX) + PAYLOAD_BYTES // 2 * 3  # 151
MAX_INPUT_CHARS = 512
"""Longer inputs are rejected before any decoding work."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


class VoucherFlags(enum.IntFlag):
    """The flags byte; undefined bits must be zero."""

    NONE = 0
    PROMOTIONAL = 0x01  # funded by an operator promotion: unredeemed value goes to breakage
    SINGLE_REDEMPTION = 0x02  # must be redeemed in one go; no partial redemption


KNOWN_FLAGS = int(VoucherFlags.PROMOTIONAL | VoucherFlags.SINGLE_REDEMPTION)  # 0x03, a plain int
_FLAG_VALUES = tuple(VoucherFlags(bits) for bits in range(KNOWN_FLAGS + 1))


class VoucherBody(NamedTuple):
    """The signed fields of a voucher (a NamedTuple: immutable and cheap to build in verify)."""

    kid: str
    voucher_id: bytes
    value: int
    expires_at: int | None = None
    flags: VoucherFlags = VoucherFlags.NONE
    version: int = FORMAT_VERSION

    @classmethod
    def new(
        cls,
        kid: str,
        value: int,
        expires_at: datetime | int | None = None,
        flags: VoucherFlags = VoucherFlags.NONE,
    ) -> VoucherBody:
        """A body with a fresh random 128-bit voucher id."""
        expiry = None if expires_at is None else unix_seconds(expires_at)
        return cls(
            kid=kid, voucher_id=new_voucher_id(), value=value, expires_at=expiry, flags=flags
        )

    @property
    def voucher_id_hex(self) -> str:
        return self.voucher_id.hex()

    @property
    def expires_datetime(self) -> datetime | None:
        return None if self.expires_at is None else _EPOCH + self.expires_at * _SECOND

    @property
    def promotional(self) -> bool:
        return bool(self.flags & VoucherFlags.PROMOTIONAL)

    @property
    def single_redemption(self) -> bool:
        return bool(self.flags & VoucherFlags.SINGLE_REDEMPTION)

    def is_expired(self, now: datetime | int | None = None) -> bool:
        """True when ``now`` is at or past the expiry (the expiry second itself is expired)."""
        return self.expires_at is not None and unix_seconds(now) >= self.expires_at


class DecodedPayload(NamedTuple):
    """A parsed, not yet verified payload."""

    body: VoucherBody
    signature: bytes
    signed_bytes: bytes


class VerifiedVoucher(NamedTuple):
    """A voucher whose signature checked out against a known, unrevoked key and is not expired."""

    body: VoucherBody
    payload: str
    key_status: KeyStatus

    @property
    def kid(self) -> str:
        return self.body.kid

    @property
    def voucher_id(self) -> bytes:
        return self.body.voucher_id

    @property
    def value(self) -> int:
        return self.body.value

    @property
    def expires_at(self) -> int | None:
        return self.body.expires_at

    @property
    def flags(self) -> VoucherFlags:
        return self.body.flags


def new_voucher_id() -> bytes:
    """128 bits from the OS CSPRNG."""
    return secrets.token_bytes(VOUCHER_ID_BYTES)


def unix_seconds(moment: datetime | int | None = None) -> int:
    """Whole unix seconds (floor); ``None`` is now, a naive datetime is taken as UTC."""
    if moment is None:
        return int(time.time())
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (moment - _EPOCH) // _SECOND
    if isinstance(moment, bool) or not isinstance(moment, int):
        raise TypeError("a moment is a datetime, unix seconds as int, or None")
    return moment


# --- Base45 (RFC 9285) -----------------------------------------------------------------------

B45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_PAIR = [B45_ALPHABET[i % 45] + B45_ALPHABET[i // 45] for i in range(45 * 45)]
_B45_VALUE = bytearray(b"\xff" * 256)
for _index, _char in enumerate(B45_ALPHABET):
    _B45_VALUE[ord(_char)] = _index
_B45_TABLE = bytes(_B45_VALUE)


def b45encode(data: bytes) -> str:
    """Base45-encode ``data`` (RFC 9285)."""
    pairs, odd = divmod(len(data), 2)
    words = struct.unpack_from(f">{pairs}H", data)
    text = "".join([_B45_PAIR[w % 2025] + B45_ALPHABET[w // 2025] for w in words])
    return text + _B45_PAIR[data[-1]] if odd else text


def b45decode(text: str) -> bytes:
    """Decode strict, canonical Base45; raises :class:`MalformedVoucher`.

    Each triple ``c d e`` is the 16-bit word ``c + 45*d + 2025*e``. Instead of a Python loop per
    triple, the digits are spread into 3-byte slots of three big integers and combined with two
    multiplications: no slot can carry into the next (max 91124 < 2**24), and a word above
    0xFFFF shows up as a non-zero top byte of its slot.
    """
    try:
        digits = text.encode("ascii").translate(_B45_TABLE)
    except UnicodeEncodeError:
        raise MalformedVoucher("Base45 text must be ASCII") from None
    triples, rest = divmod(len(digits), 3)
    if rest == 1 or b"\xff" in digits:
        raise MalformedVoucher("not valid Base45")
    end = triples * 3
    words = (
        _slots(digits[0:end:3], triples)
        + 45 * _slots(digits[1:end:3], triples)
        + 2025 * _slots(digits[2:end:3], triples)
    ).to_bytes(end, "big")
    if words[0::3].count(0) != triples:
        raise MalformedVoucher("not valid Base45")
    out = bytearray(2 * triples)
    out[0::2] = words[1::3]
    out[1::2] = words[2::3]
    if rest:
        last = digits[end] + 45 * digits[end + 1]
        if last > 0xFF:
            raise MalformedVoucher("not valid Base45")
        out.append(last)
    return bytes(out)


def _slots(digits: bytes, count: int) -> int:
    spread = bytearray(3 * count)
    spread[2::3] = digits
    return int.from_bytes(spread, "big")


# --- encode ----------------------------------------------------------------------------------


def encode_body(body: VoucherBody) -> bytes:
    """The 34 signed bytes of ``body``; raises ``ValueError`` on an out-of-range field."""
    if body.version != FORMAT_VERSION:
        raise ValueError(f"only format version {FORMAT_VERSION} can be encoded")
    if not isinstance(body.voucher_id, bytes) or len(body.voucher_id) != VOUCHER_ID_BYTES:
        raise ValueError("the voucher id is exactly 16 bytes")
    if isinstance(body.value, bool) or not isinstance(body.value, int):
        raise ValueError("the value is an integer number of credits")
    if not 1 <= body.value <= MAX_VALUE:
        raise ValueError(f"the value must be between 1 and {MAX_VALUE}")
    expiry = NO_EXPIRY if body.expires_at is None else body.expires_at
    if isinstance(expiry, bool) or not isinstance(expiry, int) or not 0 <= expiry <= MAX_EXPIRY:
        raise ValueError(f"the expiry must be unix seconds between 1 and {MAX_EXPIRY}, or None")
    if body.expires_at == NO_EXPIRY:
        raise ValueError("use expires_at=None for a voucher without expiry")
    flags = int(body.flags)
    if flags & ~KNOWN_FLAGS:
        raise ValueError(f"undefined flag bits: {flags:#04x}")
    return _BODY.pack(
        FORMAT_VERSION, kid_to_bytes(body.kid), body.voucher_id, body.value, expiry, flags
    )


def encode_voucher(body: VoucherBody, private_key: SigningKey | Ed25519PrivateKey) -> str:
    """Sign ``body`` and return the canonical payload ``WV1:<Base45(body || signature)>``."""
    if isinstance(private_key, SigningKey):
        kid, key = private_key.kid, private_key.private_key
    else:
        kid, key = kid_for_public_key(private_key.public_key()), private_key
    if body.kid != kid:
        raise ValueError(f"the body names kid {body.kid} but the key is {kid}")
    signed = encode_body(body)
    return PREFIX + b45encode(signed + key.sign(signed))


# --- decode and verify -----------------------------------------------------------------------


def normalize_payload(payload: str) -> str:
    """Canonical form of scanned text: surrounding whitespace removed, upper case."""
    if not isinstance(payload, str):
        raise MalformedVoucher("a voucher payload is text")
    if len(payload) > MAX_INPUT_CHARS:
        raise MalformedVoucher("the voucher payload is too long")
    text = payload.strip()
    if not text.isascii():
        raise MalformedVoucher("a voucher payload is ASCII")
    return text.upper()


def is_voucher_payload(text: str) -> bool:
    """Whether scanned text looks like a voucher payload (prefix only; nothing is verified)."""
    return isinstance(text, str) and text.lstrip()[: len(PREFIX)].upper() == PREFIX


def decode_payload(payload: str) -> DecodedPayload:
    """Parse a payload without verifying it; raises MalformedVoucher or UnsupportedVersion."""
    return _decode_normalized(normalize_payload(payload))


def _decode_normalized(text: str) -> DecodedPayload:
    if not text.startswith(PREFIX):
        raise MalformedVoucher(f"a voucher payload starts with {PREFIX!r}")
    raw = b45decode(text[len(PREFIX) :])
    if not raw:
        raise MalformedVoucher("the voucher payload is empty")
    if raw[0] != FORMAT_VERSION:
        raise UnsupportedVersion(raw[0])
    if len(raw) != PAYLOAD_BYTES:
        raise MalformedVoucher(f"a version 1 voucher is {PAYLOAD_BYTES} bytes, got {len(raw)}")
    signed = raw[:BODY_BYTES]
    version, kid, voucher_id, value, expiry, flags = _BODY.unpack(signed)
    if not 1 <= value <= MAX_VALUE:
        raise MalformedVoucher("the voucher value is out of range")
    if flags & ~KNOWN_FLAGS:
        raise MalformedVoucher("the voucher has undefined flag bits set")
    body = VoucherBody(
        kid=kid.hex(),
        voucher_id=voucher_id,
        value=value,
        expires_at=expiry or None,
        flags=_FLAG_VALUES[flags],
        version=version,
    )
    return DecodedPayload(body, raw[BODY_BYTES:], signed)


def verify(
    payload: str,
    public_keys: Mapping[str, PublicKeyInfo],
    now: datetime | int | None = None,
) -> VerifiedVoucher:
    """Verify a payload offline from the public keys alone; raises a typed VoucherError.

    Checks, in order: format (malformed / unsupported_version), kid known (unknown_kid),
    key not revoked (revoked_key), signature (bad_signature), expiry (expired).
    """
    text = normalize_payload(payload)
    body, signature, signed = _decode_normalized(text)
    info = public_keys.get(body.kid)
    if info is None:
        raise UnknownKey(body.kid)
    if info.status == KeyStatus.REVOKED:
        raise RevokedKey(body.kid)
    try:
        info.public_key.verify(signature, signed)
    except InvalidSignature:
        raise BadSignature() from None
    if body.expires_at is not None and unix_seconds(now) >= body.expires_at:
        raise VoucherExpired(body.voucher_id, body.expires_at)
    # Base45 decoding is strict, so the normalised text is the one canonical encoding.
    return VerifiedVoucher(body=body, payload=text, key_status=info.status)


def try_verify(
    payload: str,
    public_keys: Mapping[str, PublicKeyInfo],
    now: datetime | int | None = None,
) -> VerifiedVoucher | VoucherError:
    """Like :func:`verify` but returns the typed reason instead of raising it."""
    try:
        return verify(payload, public_keys, now)
    except VoucherError as reason:
        return reason
