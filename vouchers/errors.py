"""Typed errors of the voucher format: every rejection carries a stable ``code`` string."""

from __future__ import annotations

from typing import ClassVar


class VoucherError(Exception):
    """Base class of every voucher-format error; ``code`` is stable and safe to show to clients."""

    code: ClassVar[str] = "voucher_error"
    default_message: ClassVar[str] = "invalid voucher"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class MalformedVoucher(VoucherError):
    """The payload is not a well-formed voucher (prefix, Base45, length or field values)."""

    code = "malformed"
    default_message = "the voucher payload is malformed"


class UnsupportedVersion(VoucherError):
    """The body carries a format version this code does not understand."""

    code = "unsupported_version"
    default_message = "the voucher format version is not supported"

    def __init__(self, version: int, message: str | None = None) -> None:
        super().__init__(message or f"voucher format version {version} is not supported")
        self.version = version


class _KeyIdError(VoucherError):
    def __init__(self, kid: str, message: str | None = None) -> None:
        super().__init__(message or f"{self.default_message}: {kid}")
        self.kid = kid


class UnknownKey(_KeyIdError):
    """No public key with the voucher's ``kid`` is known."""

    code = "unknown_kid"
    default_message = "the voucher was signed with an unknown key"


class RevokedKey(_KeyIdError):
    """The voucher's signing key has been revoked; none of its vouchers are honoured."""

    code = "revoked_key"
    default_message = "the voucher was signed with a revoked key"


class BadSignature(VoucherError):
    """The signature does not match the body: forged or altered voucher."""

    code = "bad_signature"
    default_message = "the voucher signature is not valid"


class VoucherExpired(VoucherError):
    """The voucher is authentic but its expiry has passed."""

    code = "expired"
    default_message = "the voucher has expired"

    def __init__(self, voucher_id: bytes, expires_at: int, message: str | None = None) -> None:
        super().__init__(message)
        self.voucher_id = voucher_id
        self.expires_at = expires_at


class InvalidManualCode(VoucherError):
    """Base class of manual-code input errors."""

    code = "invalid_code"
    default_message = "the manual code is not valid"


class MalformedManualCode(InvalidManualCode):
    """Wrong length or a character outside the Crockford base32 alphabet."""

    code = "malformed_code"
    default_message = "the manual code is malformed"


class ManualCodeCheckFailed(InvalidManualCode):
    """The check character does not match: most likely a typing mistake."""

    code = "bad_check_character"
    default_message = "the manual code has a typing mistake (check character mismatch)"


class KeyMaterialError(VoucherError):
    """Key material (KEK, encrypted private key, JWK) cannot be loaded."""

    code = "invalid_key_material"
    default_message = "the key material is invalid"


class KeyDecryptionError(KeyMaterialError):
    """The encrypted private key does not open under this KEK and kid."""

    code = "key_decryption_failed"
    default_message = "the private key could not be decrypted with this key-encryption key"
