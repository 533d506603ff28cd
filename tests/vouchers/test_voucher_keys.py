"""Voucher keys: kid derivation, AES-GCM at rest, KEK parsing, JWK export and import."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vouchers.codec import VoucherBody, encode_voucher, verify
from vouchers.errors import KeyDecryptionError, KeyMaterialError
from vouchers.keys import (
    ENCRYPTED_KEY_LEN,
    KeyStatus,
    PublicKeyInfo,
    decrypt_private_key,
    encrypt_private_key,
    generate_kek,
    generate_signing_key,
    jwks,
    keys_from_jwks,
    kid_for_public_key,
    kid_to_bytes,
    load_kek,
    private_key_seed,
    public_jwk,
    public_key_from_jwk,
    signing_key_from_seed,
)

RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"  # RFC 8037 A.2, the same public key
KEK = bytes(range(32))


def test_kid_is_first_four_bytes_of_sha256_of_the_public_key() -> None:
    key = signing_key_from_seed(RFC8032_SEED)
    assert key.public_bytes == RFC8032_PUBLIC
    assert key.kid == hashlib.sha256(RFC8032_PUBLIC).hexdigest()[:8] == "21fe31df"
    assert kid_for_public_key(key.public_key) == kid_for_public_key(RFC8032_PUBLIC) == key.kid
    assert kid_to_bytes(key.kid) == bytes.fromhex("21fe31df")


@pytest.mark.parametrize("kid", ["", "21FE31DF", "21fe31d", "21fe31dfa", "zzzzzzzz", 5])
def test_kid_to_bytes_rejects_bad_kids(kid: object) -> None:
    with pytest.raises(ValueError, match="kid"):
        kid_to_bytes(kid)  # type: ignore[arg-type]


def test_generate_avoids_existing_kids() -> None:
    class FirstFewTaken:
        def __init__(self) -> None:
            self.calls = 0

        def __contains__(self, kid: object) -> bool:
            self.calls += 1
            return self.calls <= 3

    taken = FirstFewTaken()
    key = generate_signing_key(taken)
    assert taken.calls == 4
    assert key.kid == kid_for_public_key(key.public_key)
    assert generate_signing_key().kid != generate_signing_key().kid


def test_private_key_encryption_round_trip() -> None:
    key = generate_signing_key()
    blob = encrypt_private_key(key, KEK)
    assert len(blob) == ENCRYPTED_KEY_LEN == 61
    assert private_key_seed(key) not in blob
    assert encrypt_private_key(key, KEK) != blob  # fresh nonce every time
    opened = decrypt_private_key(blob, KEK, key.kid)
    assert opened.kid == key.kid
    assert private_key_seed(opened) == private_key_seed(key)
    payload = encode_voucher(VoucherBody.new(key.kid, 10), opened)
    assert verify(payload, {key.kid: key.public_info()}).value == 10


def test_decryption_fails_with_wrong_kek_kid_or_tampering() -> None:
    key = generate_signing_key()
    other = generate_signing_key()
    blob = encrypt_private_key(key, KEK)
    with pytest.raises(KeyDecryptionError):
        decrypt_private_key(blob, bytes(32), key.kid)
    with pytest.raises(KeyDecryptionError):
        decrypt_private_key(blob, KEK, other.kid)  # the kid is the associated data
    for position in range(len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= 1
        with pytest.raises(KeyDecryptionError):
            decrypt_private_key(bytes(tampered), KEK, key.kid)
    with pytest.raises(KeyDecryptionError):
        decrypt_private_key(blob[:-1], KEK, key.kid)
    with pytest.raises(KeyDecryptionError):
        decrypt_private_key(blob, KEK, "ünï")


def test_decryption_checks_the_key_belongs_to_the_kid() -> None:
    key = generate_signing_key()
    other = generate_signing_key()
    # A blob that decrypts under the right AAD but holds another key (a swapped database row).
    nonce = bytes(12)
    sealed = AESGCM(KEK).encrypt(nonce, private_key_seed(other), key.kid.encode())
    forged = b"\x01" + nonce + sealed
    with pytest.raises(KeyDecryptionError, match="does not belong"):
        decrypt_private_key(forged, KEK, key.kid)


@pytest.mark.parametrize("kek", [b"short", "x" * 32])
def test_encryption_needs_a_32_byte_kek(kek: object) -> None:
    with pytest.raises(KeyMaterialError):
        encrypt_private_key(generate_signing_key(), kek)  # type: ignore[arg-type]


def test_load_kek_accepts_hex_and_base64_forms() -> None:
    forms = [
        KEK.hex(),
        KEK.hex().upper(),
        base64.b64encode(KEK).decode(),
        base64.urlsafe_b64encode(KEK).decode().rstrip("="),
        f"  {KEK.hex()}\n",
    ]
    for text in forms:
        assert load_kek(text) == KEK
    generated = generate_kek()
    assert len(load_kek(generated)) == 32
    assert generate_kek() != generated


@pytest.mark.parametrize(
    "text", ["", "abc", "00" * 31, "00" * 33, base64.b64encode(bytes(31)).decode(), "g" * 64]
)
def test_load_kek_rejects_other_lengths(text: str) -> None:
    with pytest.raises(KeyMaterialError):
        load_kek(text)


def test_jwk_export_matches_rfc8037() -> None:
    key = signing_key_from_seed(RFC8032_SEED)
    jwk = public_jwk(key.public_info())
    assert jwk == {
        "kid": "21fe31df",
        "kty": "OKP",
        "crv": "Ed25519",
        "x": RFC8037_X,
        "alg": "EdDSA",
        "use": "sig",
        "status": "active",
    }
    document = jwks([key.public_info(), key.public_info(KeyStatus.REVOKED)])
    assert json.loads(json.dumps(document))["keys"][1]["status"] == "revoked"


def test_jwk_import_round_trip() -> None:
    infos = [generate_signing_key().public_info(status) for status in KeyStatus]
    imported = keys_from_jwks(json.loads(json.dumps(jwks(infos))))
    assert set(imported) == {info.kid for info in infos}
    for info in infos:
        assert imported[info.kid].public_bytes == info.public_bytes
        assert imported[info.kid].status is info.status
    minimal = {"kid": infos[0].kid, "kty": "OKP", "crv": "Ed25519", "x": public_jwk(infos[0])["x"]}
    assert public_key_from_jwk(minimal).status is KeyStatus.ACTIVE


def test_imported_keys_verify_vouchers() -> None:
    key = generate_signing_key()
    payload = encode_voucher(VoucherBody.new(key.kid, 99), key)
    keys = keys_from_jwks(jwks([key.public_info()]))
    assert verify(payload, keys).value == 99


@pytest.mark.parametrize(
    "change",
    [
        {"kty": "EC"},
        {"crv": "X25519"},
        {"x": RFC8037_X + "="},
        {"x": RFC8037_X[:-1]},
        {"x": RFC8037_X[:-1] + "p"},  # non-canonical trailing bits
        {"x": 5},
        {"kid": "00000000"},
        {"status": "sleeping"},
        {"d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"},
    ],
)
def test_jwk_import_rejects_bad_keys(change: dict[str, object]) -> None:
    jwk: dict[str, object] = {"kid": "21fe31df", "kty": "OKP", "crv": "Ed25519", "x": RFC8037_X}
    assert public_key_from_jwk(jwk).kid == "21fe31df"
    jwk.update(change)
    with pytest.raises(KeyMaterialError):
        public_key_from_jwk(jwk)


@pytest.mark.parametrize("document", [{}, {"keys": {}}, [], {"keys": [5]}])
def test_jwks_import_rejects_bad_documents(document: object) -> None:
    with pytest.raises(KeyMaterialError):
        keys_from_jwks(document)  # type: ignore[arg-type]


def test_public_key_info_from_bytes() -> None:
    info = PublicKeyInfo.from_public_bytes(RFC8032_PUBLIC, "retired")
    assert info.kid == "21fe31df"
    assert info.status is KeyStatus.RETIRED
    assert not info.revoked
    assert info.with_status(KeyStatus.REVOKED).revoked
    with pytest.raises(KeyMaterialError):
        PublicKeyInfo.from_public_bytes(b"\0" * 31)


def test_public_key_info_coerces_a_plain_status_string() -> None:
    key = generate_signing_key()
    info = PublicKeyInfo(kid=key.kid, public_key=key.public_key, status="revoked")  # type: ignore[arg-type]
    assert info.status is KeyStatus.REVOKED
    assert info.revoked
    with pytest.raises(ValueError, match="paused"):
        PublicKeyInfo(kid=key.kid, public_key=key.public_key, status="paused")  # type: ignore[arg-type]
