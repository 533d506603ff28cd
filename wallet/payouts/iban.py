"""IBAN validation and BIC lookup with ``schwifty``, with messages fit for a merchant."""

from __future__ import annotations

from schwifty import BIC, IBAN
from schwifty import exceptions as sx

__all__ = ["InvalidBic", "InvalidIban", "bic_for", "validate_bic", "validate_iban"]

_MAX_INPUT = 64  # longest IBAN is 34 characters; leave room for spaces between groups


class InvalidIban(ValueError):
    """The text is not a valid IBAN. ``code`` is a short machine-readable reason."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


class InvalidBic(ValueError):
    """The text is not a structurally valid BIC (ISO 9362)."""


def _parse(text: object, *, national_checksum: bool) -> IBAN:
    """Build a schwifty IBAN, translating its exceptions into :class:`InvalidIban`."""
    if not isinstance(text, str):
        raise InvalidIban("IBAN must be a string", "type")
    if not text.strip():
        raise InvalidIban("IBAN is empty", "empty")
    if len(text) > _MAX_INPUT:
        raise InvalidIban("IBAN is too long", "length")
    try:
        return IBAN(text, validate_bban=national_checksum)
    except sx.NationalChecksumNotVerified:
        # Only raised when warnings are turned into errors: schwifty has no algorithm for
        # this country's national check digits, which is not a reason to refuse the IBAN.
        return IBAN(text)
    except sx.InvalidCountryCode:
        raise InvalidIban(f"unknown country {_country(text)!r}", "country") from None
    except sx.InvalidChecksumDigits:
        raise InvalidIban("IBAN checksum is invalid", "checksum") from None
    except sx.InvalidBBANChecksum:
        raise InvalidIban(
            "the account number's national check digits are invalid", "national_checksum"
        ) from None
    except sx.InvalidLength:
        raise InvalidIban(_length_message(text), "length") from None
    except sx.InvalidStructure:
        raise InvalidIban(
            "IBAN has invalid characters or does not match its country's format", "format"
        ) from None
    except sx.SchwiftyException:
        raise InvalidIban("IBAN is invalid", "invalid") from None


def _country(text: str) -> str:
    return "".join(text.split())[:2].upper()


def _length_message(text: str) -> str:
    iban = IBAN(text, allow_invalid=True)
    try:
        expected = iban.spec.iban_length
    except (sx.SchwiftyException, KeyError):
        return "IBAN has the wrong length"
    return f"IBAN for {iban.country_code} must have {expected} characters, got {len(iban)}"


def validate_iban(text: str, *, require_sepa: bool = False, national_checksum: bool = False) -> str:
    """Return the compact upper-case IBAN (``"DE89370400440532013000"``) or raise InvalidIban.

    Spaces are ignored and letters upper-cased. ``require_sepa`` refuses countries outside
    the SEPA zone; ``national_checksum`` also checks the country's own account check
    digits where schwifty knows the algorithm (off by default: a wrong national algorithm
    must not lock a merchant out, and the IBAN checksum already catches typos).
    """
    iban = _parse(text, national_checksum=national_checksum)
    if getattr(iban, "is_aspirational", False):
        raise InvalidIban(f"IBANs of {iban.country_code} are not yet in use by banks", "country")
    if require_sepa and not iban.in_sepa_zone:
        raise InvalidIban(f"{iban.country_code} is not in the SEPA zone", "not_sepa")
    return str(iban)


def bic_for(iban: str) -> str | None:
    """BIC of the IBAN's bank when schwifty's bank registry knows it, else None."""
    parsed = _parse(iban, national_checksum=False)
    try:
        bic = parsed.bic
    except sx.SchwiftyException:
        return None
    return None if bic is None else str(bic)


def validate_bic(text: str) -> str:
    """Return the compact upper-case BIC (8 or 11 characters) or raise :class:`InvalidBic`."""
    if not isinstance(text, str) or not text.strip() or len(text) > _MAX_INPUT:
        raise InvalidBic("BIC must be 8 or 11 letters and digits")
    try:
        return str(BIC(text))
    except sx.InvalidCountryCode:
        country = _country("".join(text.split())[4:])
        raise InvalidBic(f"BIC has an unknown country code {country!r}") from None
    except sx.SchwiftyException:
        raise InvalidBic("BIC must be 8 or 11 letters and digits") from None
