"""Manual codes: Crockford base32, 85 random bits, mod-37 check character, normalisation."""

from __future__ import annotations

import contextlib
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vouchers.errors import (
    InvalidManualCode,
    MalformedManualCode,
    ManualCodeCheckFailed,
    VoucherError,
)
from vouchers.manual_code import (
    ALPHABET,
    CHECK_ALPHABET,
    CODE_BITS,
    CODE_LENGTH,
    check_symbol,
    code_digest,
    format_manual_code,
    generate_manual_code,
    is_valid_manual_code,
    normalize_manual_code,
)

DISPLAY_RE = re.compile(
    r"[0-9A-HJKMNP-TV-Z]{6}-[0-9A-HJKMNP-TV-Z]{6}-[0-9A-HJKMNP-TV-Z]{5}[0-9A-HJKMNP-TV-Z*~$=U]"
)


def _codes(count: int) -> list[str]:
    rng = random.Random(5)
    codes = []
    for _ in range(count):
        data = "".join(rng.choice(ALPHABET) for _ in range(17))
        codes.append(data + check_symbol(data))
    return codes


def test_generated_codes_have_the_documented_shape() -> None:
    codes = {generate_manual_code() for _ in range(200)}
    assert len(codes) == 200
    assert CODE_BITS >= 80
    for code in codes:
        assert DISPLAY_RE.fullmatch(code), code
        assert normalize_manual_code(code) == code.replace("-", "")
        assert format_manual_code(code) == code


def test_check_symbol_is_value_mod_37() -> None:
    assert check_symbol("0" * 17) == "0"
    assert check_symbol("0" * 16 + "Z") == "Z"  # 31
    assert check_symbol("0" * 15 + "10") == "*"  # 32
    assert check_symbol("0" * 15 + "14") == "U"  # 36
    assert check_symbol("0" * 15 + "15") == "0"  # 37
    data = "7" * 17
    assert check_symbol(data) == CHECK_ALPHABET[int("7" * 17, 32) % 37]


@pytest.mark.parametrize("code", _codes(25))
def test_every_single_character_substitution_is_caught(code: str) -> None:
    for position in range(CODE_LENGTH):
        alphabet = CHECK_ALPHABET if position == CODE_LENGTH - 1 else ALPHABET
        for symbol in alphabet:
            if symbol == code[position]:
                continue
            typo = code[:position] + symbol + code[position + 1 :]
            with pytest.raises(ManualCodeCheckFailed):
                normalize_manual_code(typo)


@pytest.mark.parametrize("code", _codes(25))
def test_every_adjacent_transposition_is_caught(code: str) -> None:
    for position in range(CODE_LENGTH - 1):
        if code[position] == code[position + 1]:
            continue
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        with pytest.raises(InvalidManualCode):
            normalize_manual_code(swapped)


def test_input_is_normalised() -> None:
    data = "01ABCDEFGHJKMNPQR"
    code = data + check_symbol(data)
    assert normalize_manual_code(code) == code
    typed = f"  oi{code[2:6].lower()}-{code[6:12].lower()} {code[12:]}\t"
    assert normalize_manual_code(typed) == code
    assert normalize_manual_code(code.replace("1", "L").replace("0", "O")) == code
    assert normalize_manual_code(code.replace("1", "l").replace("0", "o")) == code
    assert format_manual_code(code) == f"{code[:6]}-{code[6:12]}-{code[12:]}"


@pytest.mark.parametrize(
    "text",
    ["", "ABC", "0" * 17, "0" * 19, "U" + "0" * 17, "Ä" * 18, "0" * 16 + "*0", "0" * 100, "0_" * 9],
)
def test_malformed_codes(text: str) -> None:
    with pytest.raises(MalformedManualCode) as caught:
        normalize_manual_code(text)
    assert caught.value.code == "malformed_code"
    assert not is_valid_manual_code(text)


def test_check_failure_has_its_own_code() -> None:
    code = _codes(1)[0]
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ManualCodeCheckFailed) as caught:
        normalize_manual_code(wrong)
    assert caught.value.code == "bad_check_character"
    assert isinstance(caught.value, VoucherError)
    assert not is_valid_manual_code(wrong)
    assert is_valid_manual_code(code)


def test_non_string_is_malformed() -> None:
    with pytest.raises(MalformedManualCode):
        normalize_manual_code(None)  # type: ignore[arg-type]


def test_digest_is_of_the_normalised_code() -> None:
    code = generate_manual_code()
    digest = code_digest(code)
    assert len(digest) == 32
    assert code_digest(code.lower().replace("-", " ")) == digest
    assert code_digest(code, pepper=b"pepper") != digest
    assert code_digest(code, pepper=b"pepper") == code_digest(code.lower(), pepper=b"pepper")
    assert code_digest(generate_manual_code()) != digest
    with pytest.raises(ManualCodeCheckFailed):
        code_digest(code[:-1] + ("0" if code[-1] != "0" else "1"))


@settings(deadline=None)
@given(st.integers(0, 2**CODE_BITS - 1))
def test_property_any_85_bit_number_round_trips(number: int) -> None:
    data = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(17)))
    code = data + check_symbol(data)
    assert normalize_manual_code(format_manual_code(code)) == code
    assert (
        int(code[:17].translate(str.maketrans(ALPHABET, "0123456789ABCDEFGHIJKLMNOPQRSTUV")), 32)
        == number
    )


@settings(deadline=None)
@given(st.text(max_size=80))
def test_property_hostile_input_raises_only_code_errors(text: str) -> None:
    with contextlib.suppress(InvalidManualCode):
        normalize_manual_code(text)
