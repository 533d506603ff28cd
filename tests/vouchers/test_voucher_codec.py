"""Voucher payload format: round trip, tamper resistance, typed rejection reasons."""

from __future__ import annotations

import contextlib
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vouchers.codec import (
    BODY_BYTES,
    MAX_EXPIRY,
    MAX_VALUE,
    PAYLOAD_BYTES,
    PAYLOAD_CHARS,
    PREFIX,
    DecodedPayload,
    VerifiedVoucher,
    VoucherBody,
    VoucherFlags,
    b45decode,
    b45encode,
    decode_payload,
    encode_body,
    encode_voucher,
    is_voucher_payload,
    try_verify,
    unix_seconds,
    verify,
)
from vouchers.errors import (
    BadSignature,
    MalformedVoucher,
    RevokedKey,
    UnknownKey,
    UnsupportedVersion,
    VoucherError,
    VoucherExpired,
)
from vouchers.keys import KeyStatus, PublicKeyInfo, SigningKey, signing_key_from_seed

# RFC 8032 test vector 1: the key of the worked example in docs/vouchers.md.
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
EXAMPLE_PAYLOAD = (
    "WV1:J6036WSAS4Q15*3SX7TPKGOSSDR671TK7000000900N$OUZR88G$71B:ET%EM+E/IUMJ0L-6STEMCCYK07:"
    "DY38A5NC0M$58DZU0ROV VVFSQNVM CL37/:1HM57Q6C5BN%CP5KZ.BXIUN$43FT"
)
EXAMPLE_BODY_HEX = "0121fe31df5a0c7f1e9b3d48a2b6e1c4d7f8092a3b00000000000009c470dbd88000"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "vouchers.md"

NOW = 1_800_000_000
LATER = NOW + 86_400


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return signing_key_from_seed(bytes(range(32)))


@pytest.fixture(scope="module")
def other_key() -> SigningKey:
    return signing_key_from_seed(bytes(range(1, 33)))


@pytest.fixture(scope="module")
def keys(key: SigningKey) -> dict[str, PublicKeyInfo]:
    return {key.kid: key.public_info()}


def _body(key: SigningKey, **changes: object) -> VoucherBody:
    fields: dict[str, object] = {
        "kid": key.kid,
        "voucher_id": bytes(range(16)),
        "value": 2_500,
        "expires_at": LATER,
        "flags": VoucherFlags.NONE,
    }
    fields.update(changes)
    return VoucherBody(**fields)  # type: ignore[arg-type]


def _sign_raw(key: SigningKey, signed: bytes) -> str:
    """Sign arbitrary body bytes, bypassing encode_body's checks (a hostile issuer)."""
    return PREFIX + b45encode(signed + key.private_key.sign(signed))


# --- round trip ------------------------------------------------------------------------------


def test_round_trip(key: SigningKey, keys: dict[str, PublicKeyInfo]) -> None:
    body = _body(key, flags=VoucherFlags.PROMOTIONAL)
    payload = encode_voucher(body, key)

    assert payload.startswith(PREFIX)
    assert len(payload) == PAYLOAD_CHARS
    decoded = decode_payload(payload)
    assert isinstance(decoded, DecodedPayload)
    assert decoded.body == body
    assert decoded.signed_bytes == encode_body(body)
    assert len(decoded.signature) == 64

    verified = verify(payload, keys, now=NOW)
    assert isinstance(verified, VerifiedVoucher)
    assert verified.body == body
    assert verified.payload == payload
    assert verified.key_status is KeyStatus.ACTIVE
    assert (verified.kid, verified.voucher_id, verified.value) == (key.kid, body.voucher_id, 2500)
    assert verified.expires_at == LATER
    assert verified.flags == VoucherFlags.PROMOTIONAL
    assert verified.body.promotional
    assert not verified.body.single_redemption


def test_accepts_raw_private_key_and_new(key: SigningKey, keys: dict[str, PublicKeyInfo]) -> None:
    expiry = datetime(2030, 1, 1, tzinfo=UTC)
    body = VoucherBody.new(key.kid, 7, expiry, VoucherFlags.SINGLE_REDEMPTION)
    assert body.expires_at == 1_893_456_000
    assert body.expires_datetime == expiry
    assert len(body.voucher_id) == 16
    assert body.voucher_id != VoucherBody.new(key.kid, 7).voucher_id
    payload = encode_voucher(body, key.private_key)
    assert verify(payload, keys, now=NOW).body.single_redemption


def test_signature_is_deterministic_worked_example_matches_docs() -> None:
    key = signing_key_from_seed(RFC8032_SEED)
    body = VoucherBody(
        kid=key.kid,
        voucher_id=bytes.fromhex("5a0c7f1e9b3d48a2b6e1c4d7f8092a3b"),
        value=2500,
        expires_at=1_893_456_000,
    )
    assert key.kid == "21fe31df"
    assert encode_body(body).hex() == EXAMPLE_BODY_HEX
    assert encode_voucher(body, key) == EXAMPLE_PAYLOAD
    assert verify(EXAMPLE_PAYLOAD, {key.kid: key.public_info()}, now=NOW).value == 2500
    text = DOCS.read_text(encoding="utf-8")
    assert EXAMPLE_PAYLOAD in text.replace("\n", "")
    assert EXAMPLE_BODY_HEX in text.replace(" ", "")


def test_reference_verifier_in_docs_runs() -> None:
    """The self-contained verifier printed for other vendors must work on the example."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("### Reference verifier") :]
    block = section[section.index("```python\n") + len("```python\n") :]
    code = block[: block.index("```")]
    namespace: dict[str, object] = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 - our own documentation
    check = namespace["verify"]
    keys = namespace["load_keys"](namespace["JWKS"])  # type: ignore[operator]
    assert check(EXAMPLE_PAYLOAD.lower() + "\n", keys, now=NOW)["value"] == 2500  # type: ignore[operator]
    tampered = EXAMPLE_PAYLOAD[:-1] + "G"
    assert check(tampered, keys, now=NOW) == "bad_signature"  # type: ignore[operator]


def test_no_expiry_is_encoded_as_zero(key: SigningKey, keys: dict[str, PublicKeyInfo]) -> None:
    body = _body(key, expires_at=None)
    assert encode_body(body)[29:33] == b"\0\0\0\0"
    verified = verify(encode_voucher(body, key), keys, now=MAX_EXPIRY)
    assert verified.expires_at is None
    assert verified.body.expires_datetime is None
    assert not verified.body.is_expired(MAX_EXPIRY)


def test_body_layout_is_fixed_width_big_endian(key: SigningKey) -> None:
    body = _body(key, value=0x0102030405060708, expires_at=0x0A0B0C0D, flags=3)
    raw = encode_body(body)
    assert len(raw) == BODY_BYTES == 34
    assert raw[0] == 1
    assert raw[1:5] == bytes.fromhex(key.kid)
    assert raw[5:21] == bytes(range(16))
    assert raw[21:29] == bytes.fromhex("0102030405060708")
    assert raw[29:33] == bytes.fromhex("0a0b0c0d")
    assert raw[33] == 3


def test_scanner_noise_is_tolerated(key: SigningKey, keys: dict[str, PublicKeyInfo]) -> None:
    payload = encode_voucher(_body(key), key)
    for scanned in (f"  {payload}\r\n", payload.lower(), f"\t{payload.lower()} "):
        assert verify(scanned, keys, now=NOW).payload == payload
        assert is_voucher_payload(scanned)
    assert not is_voucher_payload("ABCDEF-GHJKMN-PQRSTV")


# --- tampering -------------------------------------------------------------------------------


def test_every_single_byte_tamper_is_rejected(
    key: SigningKey, keys: dict[str, PublicKeyInfo]
) -> None:
    raw = b45decode(encode_voucher(_body(key), key)[len(PREFIX) :])
    assert len(raw) == PAYLOAD_BYTES
    for position in range(len(raw)):
        for mask in (*(1 << bit for bit in range(8)), 0xFF):
            tampered = bytearray(raw)
            tampered[position] ^= mask
            with pytest.raises(VoucherError) as caught:
                verify(PREFIX + b45encode(bytes(tampered)), keys, now=NOW)
            assert caught.value.code in {
                "malformed",
                "unsupported_version",
                "unknown_kid",
                "bad_signature",
            }, (position, mask)


def test_every_character_substitution_is_rejected(
    key: SigningKey, keys: dict[str, PublicKeyInfo]
) -> None:
    payload = encode_voucher(_body(key), key)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    for position in range(len(PREFIX), len(payload)):
        index = alphabet.index(payload[position])
        for step in (1, 17, 44):
            swapped = alphabet[(index + step) % 45]
            tampered = payload[:position] + swapped + payload[position + 1 :]
            with pytest.raises(VoucherError):
                verify(tampered, keys, now=NOW)


def test_signature_from_another_key_with_same_kid_is_rejected(
    key: SigningKey, other_key: SigningKey, keys: dict[str, PublicKeyInfo]
) -> None:
    signed = encode_body(_body(key))
    forged = PREFIX + b45encode(signed + other_key.private_key.sign(signed))
    with pytest.raises(BadSignature) as caught:
        verify(forged, keys, now=NOW)
    assert caught.value.code == "bad_signature"


# --- typed reasons ---------------------------------------------------------------------------


def test_unknown_kid(key: SigningKey, other_key: SigningKey) -> None:
    payload = encode_voucher(_body(key), key)
    with pytest.raises(UnknownKey) as caught:
        verify(payload, {other_key.kid: other_key.public_info()}, now=NOW)
    assert caught.value.code == "unknown_kid"
    assert caught.value.kid == key.kid


def test_revoked_key(key: SigningKey) -> None:
    payload = encode_voucher(_body(key), key)
    with pytest.raises(RevokedKey) as caught:
        verify(payload, {key.kid: key.public_info(KeyStatus.REVOKED)}, now=NOW)
    assert caught.value.code == "revoked_key"


def test_revoked_status_given_as_a_string_is_still_revoked(key: SigningKey) -> None:
    payload = encode_voucher(_body(key), key)
    info = PublicKeyInfo(kid=key.kid, public_key=key.public_key, status="revoked")  # type: ignore[arg-type]
    with pytest.raises(RevokedKey):
        verify(payload, {key.kid: info}, now=NOW)


def test_retired_key_still_verifies(key: SigningKey) -> None:
    payload = encode_voucher(_body(key), key)
    verified = verify(payload, {key.kid: key.public_info("retired")}, now=NOW)
    assert verified.key_status is KeyStatus.RETIRED


@pytest.mark.parametrize(
    "now",
    [LATER, LATER + 1, datetime.fromtimestamp(LATER, UTC), datetime(2100, 1, 1)],
)
def test_expired(key: SigningKey, keys: dict[str, PublicKeyInfo], now: datetime | int) -> None:
    payload = encode_voucher(_body(key), key)
    with pytest.raises(VoucherExpired) as caught:
        verify(payload, keys, now=now)
    assert caught.value.code == "expired"
    assert caught.value.expires_at == LATER
    assert caught.value.voucher_id == bytes(range(16))


def test_not_yet_expired_one_second_before(key: SigningKey, keys: dict[str, PublicKeyInfo]) -> None:
    payload = encode_voucher(_body(key), key)
    assert verify(payload, keys, now=LATER - 1).value == 2500
    assert verify(payload, keys, now=datetime.fromtimestamp(LATER - 1, UTC)).value == 2500
    assert verify(payload, keys).value == 2500  # the real clock is long before LATER


def test_expired_is_reported_only_for_authentic_vouchers(
    key: SigningKey, other_key: SigningKey, keys: dict[str, PublicKeyInfo]
) -> None:
    signed = encode_body(_body(key, expires_at=NOW))
    forged = PREFIX + b45encode(signed + other_key.private_key.sign(signed))
    with pytest.raises(BadSignature):
        verify(forged, keys, now=LATER)


def test_unsupported_version(key: SigningKey, keys: dict[str, PublicKeyInfo]) -> None:
    signed = b"\x02" + encode_body(_body(key))[1:]
    with pytest.raises(UnsupportedVersion) as caught:
        verify(_sign_raw(key, signed), keys, now=NOW)
    assert caught.value.code == "unsupported_version"
    assert caught.value.version == 2
    with pytest.raises(UnsupportedVersion):
        verify(PREFIX + b45encode(b"\x07" + bytes(40)), keys, now=NOW)


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "   ",
        "WV1:",
        "WV2:" + "0" * 147,
        "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH",
        "WV1:ÄÖÜ",
        "WV1:" + "A" * 146,  # 146 % 3 == 2: decodes to an odd byte count
        "WV1:" + "A" * 145,  # 145 % 3 == 1: never valid Base45
        "WV1:" + "::::::",  # triples above 0xFFFF
        "WV1:" + "0" * 2000,
        "WV1:abc\x00",
    ],
)
def test_malformed(keys: dict[str, PublicKeyInfo], payload: str) -> None:
    with pytest.raises(VoucherError) as caught:
        verify(payload, keys, now=NOW)
    assert caught.value.code in {"malformed", "unsupported_version"}


def test_wrong_length_is_malformed(key: SigningKey, keys: dict[str, PublicKeyInfo]) -> None:
    raw = b45decode(encode_voucher(_body(key), key)[len(PREFIX) :])
    for cut in (raw[:-1], raw[:BODY_BYTES], raw + b"\0", raw + raw):
        with pytest.raises(MalformedVoucher):
            decode_payload(PREFIX + b45encode(cut))


def test_non_string_is_malformed(keys: dict[str, PublicKeyInfo]) -> None:
    with pytest.raises(MalformedVoucher):
        verify(b"WV1:", keys)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "signed",
    [
        struct.pack(">B4s16sQIB", 1, b"\0" * 4, b"\0" * 16, 0, 0, 0),  # value 0
        struct.pack(">B4s16sQIB", 1, b"\0" * 4, b"\0" * 16, 2**63, 0, 0),  # value > int64
        struct.pack(">B4s16sQIB", 1, b"\0" * 4, b"\0" * 16, 1, 0, 0x04),  # undefined flag
    ],
)
def test_signed_but_invalid_fields_are_malformed(
    key: SigningKey, keys: dict[str, PublicKeyInfo], signed: bytes
) -> None:
    signed = signed[:1] + bytes.fromhex(key.kid) + signed[5:]
    with pytest.raises(MalformedVoucher):
        verify(_sign_raw(key, signed), keys, now=NOW)


def test_try_verify_returns_the_reason(key: SigningKey, keys: dict[str, PublicKeyInfo]) -> None:
    payload = encode_voucher(_body(key), key)
    assert isinstance(try_verify(payload, keys, now=NOW), VerifiedVoucher)
    reason = try_verify(payload, keys, now=LATER)
    assert isinstance(reason, VoucherExpired)
    assert reason.code == "expired"
    assert isinstance(try_verify(payload, {}, now=NOW), UnknownKey)


def test_error_codes_are_stable() -> None:
    assert [cls.code for cls in (MalformedVoucher, BadSignature)] == ["malformed", "bad_signature"]
    assert UnknownKey("ab").code == "unknown_kid"
    assert RevokedKey("ab").message.endswith("ab")
    assert UnsupportedVersion(9).code == "unsupported_version"
    assert VoucherExpired(b"", 1).code == "expired"


# --- encoding refuses bad bodies -------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"value": 0},
        {"value": -1},
        {"value": MAX_VALUE + 1},
        {"value": True},
        {"value": "5"},
        {"expires_at": 0},
        {"expires_at": -1},
        {"expires_at": MAX_EXPIRY + 1},
        {"voucher_id": b"short"},
        {"flags": 0x80},
        {"version": 2},
        {"kid": "XYZ"},
    ],
)
def test_encode_rejects_out_of_range_fields(key: SigningKey, changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies per field
        encode_voucher(_body(key, **changes), key)


def test_encode_rejects_a_key_that_does_not_match_the_kid(
    key: SigningKey, other_key: SigningKey
) -> None:
    with pytest.raises(ValueError, match="kid"):
        encode_voucher(_body(key), other_key)
    with pytest.raises(ValueError, match="kid"):
        encode_voucher(_body(key), other_key.private_key)


def test_unix_seconds() -> None:
    assert unix_seconds(datetime(1970, 1, 1, 0, 0, 1, 999_999, tzinfo=UTC)) == 1
    assert unix_seconds(datetime(1970, 1, 1, 0, 0, 1)) == 1  # naive is UTC
    assert unix_seconds(5) == 5
    assert abs(unix_seconds() - unix_seconds(datetime.now(UTC))) <= 1
    with pytest.raises(TypeError):
        unix_seconds(1.5)  # type: ignore[arg-type]


# --- Base45 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [  # RFC 9285 section 4.3 and 4.4
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
        (b"", ""),
    ],
)
def test_base45_rfc_vectors(raw: bytes, text: str) -> None:
    assert b45encode(raw) == text
    assert b45decode(text) == raw


@pytest.mark.parametrize("text", ["GGW", "GG", "A", ":::", "aBC", "ÄÄÄ", "AB\n"])
def test_base45_rejects_invalid_text(text: str) -> None:
    with pytest.raises(MalformedVoucher):
        b45decode(text)


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    voucher_id=st.binary(min_size=16, max_size=16),
    value=st.integers(1, MAX_VALUE),
    expires_at=st.none() | st.integers(1, MAX_EXPIRY),
    flags=st.sampled_from(list(range(4))),
)
def test_property_round_trip(
    voucher_id: bytes, value: int, expires_at: int | None, flags: int
) -> None:
    key = signing_key_from_seed(bytes(range(32)))
    body = VoucherBody(key.kid, voucher_id, value, expires_at, VoucherFlags(flags))
    payload = encode_voucher(body, key)
    assert len(payload) == PAYLOAD_CHARS
    verified = verify(payload, {key.kid: key.public_info()}, now=0)
    assert verified.body == body


@settings(deadline=None)
@given(st.binary(max_size=300))
def test_property_base45_round_trip(raw: bytes) -> None:
    assert b45decode(b45encode(raw)) == raw


@settings(deadline=None)
@given(st.text(max_size=200))
def test_property_base45_decode_is_total(text: str) -> None:
    try:
        raw = b45decode(text)
    except MalformedVoucher:
        return
    assert b45encode(raw) == text  # accepted text is the one canonical encoding


@settings(deadline=None)
@given(st.text(max_size=600) | st.text(alphabet=PREFIX + "0123456789ABCZ $%*+-./:", max_size=200))
def test_property_hostile_input_raises_only_voucher_errors(text: str) -> None:
    with contextlib.suppress(VoucherError):
        verify(text, {}, now=NOW)
