"""wallet.payouts.iban: IBAN validation with human messages, BIC lookup."""

from __future__ import annotations

import warnings

import pytest

from wallet.payouts.iban import InvalidBic, InvalidIban, bic_for, validate_bic, validate_iban


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("DE89370400440532013000", "DE89370400440532013000"),
        ("GB82WEST12345698765432", "GB82WEST12345698765432"),
        ("de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        (" GB82 WEST 1234 5698 7654 32\n", "GB82WEST12345698765432"),
        ("NL91ABNA0417164300", "NL91ABNA0417164300"),
        ("FR1420041010050500013M02606", "FR1420041010050500013M02606"),
        ("CH9300762011623852957", "CH9300762011623852957"),
    ],
)
def test_valid_ibans_are_normalised(text: str, compact: str) -> None:
    assert validate_iban(text) == compact


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("DE88370400440532013000", "checksum", "IBAN checksum is invalid"),
        ("GB82WEST12345698765433", "checksum", "IBAN checksum is invalid"),
        ("XX89370400440532013000", "country", "unknown country 'XX'"),
        ("us12345", "country", "unknown country 'US'"),
        ("DE8937040044053201300", "length", "IBAN for DE must have 22 characters, got 21"),
        ("DE89370400440532013000!", "format", "invalid characters"),
        ("DE89-3704-0044-0532-0130-00", "format", "invalid characters"),
        ("", "empty", "IBAN is empty"),
        ("   ", "empty", "IBAN is empty"),
        ("D" * 100, "length", "too long"),
    ],
)
def test_invalid_ibans_have_human_messages(text: str, code: str, message: str) -> None:
    with pytest.raises(InvalidIban, match=message) as caught:
        validate_iban(text)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)


def test_non_string_is_rejected() -> None:
    with pytest.raises(InvalidIban, match="must be a string"):
        validate_iban(12345)  # type: ignore[arg-type]


def test_require_sepa() -> None:
    assert validate_iban("KZ86125KZT5004100100") == "KZ86125KZT5004100100"
    with pytest.raises(InvalidIban, match="not in the SEPA zone") as caught:
        validate_iban("KZ86125KZT5004100100", require_sepa=True)
    assert caught.value.code == "not_sepa"
    assert validate_iban("DE89370400440532013000", require_sepa=True)


def test_national_checksum_is_optional() -> None:
    # Valid IBAN check digits, but the German account-number check digit is wrong.
    iban = "DE57370400441234567989"
    assert validate_iban(iban) == iban
    with pytest.raises(InvalidIban, match="national check digits") as caught:
        validate_iban(iban, national_checksum=True)
    assert caught.value.code == "national_checksum"
    assert validate_iban("DE89370400440532013000", national_checksum=True)


def test_unverifiable_national_checksum_is_accepted_even_with_warnings_as_errors() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert validate_iban("HU42117730161111101800000000", national_checksum=True)


def test_bic_for() -> None:
    assert bic_for("DE89 3704 0044 0532 0130 00") == "COBADEFFXXX"
    assert bic_for("NL91ABNA0417164300") == "ABNANL2A"
    assert bic_for("GB82WEST12345698765432") is None  # WEST is a made-up test bank
    with pytest.raises(InvalidIban):
        bic_for("DE88370400440532013000")


@pytest.mark.parametrize(
    ("text", "bic"), [("COBADEFFXXX", "COBADEFFXXX"), ("nwbk gb2l", "NWBKGB2L")]
)
def test_validate_bic(text: str, bic: str) -> None:
    assert validate_bic(text) == bic


@pytest.mark.parametrize("text", ["COBADEFFX", "12345678", "XXXXZZ12", "", None, "A" * 100])
def test_validate_bic_rejects(text: object) -> None:
    with pytest.raises(InvalidBic):
        validate_bic(text)  # type: ignore[arg-type]
