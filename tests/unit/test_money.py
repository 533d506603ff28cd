"""wallet.money: exact integer money and credits, Babel for display only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wallet.money import (
    InvalidAmount,
    InvalidLocale,
    InvalidRate,
    MoneyError,
    PayoutRate,
    UnknownCurrency,
    card_fee,
    credits_to_money,
    exponent,
    format_money,
    money_to_credits,
    normalize_currency,
    parse_minor,
    round_down_to_step,
    to_minor_str,
)

CURRENCIES = ["USD", "EUR", "KRW", "JPY", "BHD", "GBP", "CLF"]
NBSP = "\xa0"

rates = st.builds(
    PayoutRate,
    credits=st.integers(min_value=1, max_value=10**6),
    money_minor=st.integers(min_value=1, max_value=10**6),
    currency=st.sampled_from(CURRENCIES),
)


# --- currencies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("USD", 2), ("EUR", 2), ("KRW", 0), ("JPY", 0), ("BHD", 3), ("usd", 2), ("CLF", 4)],
)
def test_exponent(currency: str, expected: int) -> None:
    assert exponent(currency) == expected


@pytest.mark.parametrize("currency", ["XYZ", "US", "USDX", "", "XAU", "XXX", "U$D", 840, None])
def test_unknown_currency(currency: object) -> None:
    with pytest.raises(UnknownCurrency):
        exponent(currency)  # type: ignore[arg-type]


def test_errors_are_value_errors() -> None:
    assert issubclass(UnknownCurrency, ValueError)
    assert issubclass(InvalidAmount, MoneyError)
    assert issubclass(InvalidRate, ValueError)


def test_normalize_currency() -> None:
    assert normalize_currency("eur") == "EUR"


# --- display -----------------------------------------------------------------------------


def test_worked_example_price_list_display() -> None:
    # Price list of DESIGN §3: 500 credits for 4.99 USD, 5,000 credits for 6,500 KRW.
    assert format_money(499, "USD") == "$4.99"
    assert to_minor_str(499, "USD") == "4.99"
    assert parse_minor("4.99", "USD") == 499
    assert format_money(6500, "KRW") == "₩6,500"
    assert to_minor_str(6500, "KRW") == "6500"
    assert parse_minor("6500", "KRW") == 6500


def test_format_money_locales_and_signs() -> None:
    assert format_money(499, "EUR", "de_DE") == f"4,99{NBSP}€"
    assert format_money(-499, "USD") == "-$4.99"
    assert format_money(0, "JPY") == "¥0"
    assert "0.001" in format_money(1, "BHD")


def test_format_money_never_rounds_huge_amounts() -> None:
    amount = 10**40 + 1  # far past a float's or Decimal context's 28 digits
    shown = format_money(amount, "USD").replace(",", "")
    assert shown == "$" + to_minor_str(amount, "USD")


def test_format_money_keeps_iso_digits_where_cldr_has_fewer() -> None:
    # CLDR displays RSD without decimals; an amount with dinar cents must not be rounded.
    assert "12.34" in format_money(1234, "RSD")


@pytest.mark.parametrize("amount", [4.99, True, Decimal("499"), "499", None])
def test_format_money_rejects_non_int(amount: object) -> None:
    with pytest.raises(InvalidAmount):
        format_money(amount, "USD")  # type: ignore[arg-type]


def test_format_money_locale_spellings() -> None:
    assert format_money(499, "USD", "en-US") == "$4.99"
    assert format_money(6500, "KRW", "ko_KR") == "₩6,500"


@pytest.mark.parametrize("locale", ["xx_NOPE", "", "en US", None, 5])
def test_format_money_unknown_locale(locale: object) -> None:
    with pytest.raises(InvalidLocale):
        format_money(1, "USD", locale)  # type: ignore[arg-type]


# --- to_minor_str / parse_minor ----------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (499, "USD", "4.99"),
        (5, "EUR", "0.05"),
        (0, "EUR", "0.00"),
        (-5, "USD", "-0.05"),
        (6500, "KRW", "6500"),
        (1, "BHD", "0.001"),
        (123456789, "EUR", "1234567.89"),
    ],
)
def test_to_minor_str(amount: int, currency: str, text: str) -> None:
    assert to_minor_str(amount, currency) == text


@pytest.mark.parametrize(
    ("text", "currency", "amount"),
    [
        ("4.99", "USD", 499),
        ("4.9", "USD", 490),
        ("4", "USD", 400),
        (" 0.05 ", "EUR", 5),
        ("6500", "KRW", 6500),
        ("0.001", "BHD", 1),
        ("007.10", "EUR", 710),
    ],
)
def test_parse_minor(text: str, currency: str, amount: int) -> None:
    assert parse_minor(text, currency) == amount


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("4.999", "USD"),
        ("1.5", "KRW"),
        ("6500.0", "KRW"),
        ("1e3", "USD"),
        ("4,99", "EUR"),
        ("", "USD"),
        ("  ", "USD"),
        (".5", "USD"),
        ("5.", "USD"),
        ("+1", "USD"),
        ("NaN", "USD"),
        ("Infinity", "USD"),
        ("١٢", "USD"),
        ("1_000", "USD"),
        ("$4.99", "USD"),
        ("-1", "USD"),
        ("9" * 31, "USD"),
    ],
)
def test_parse_minor_rejects(text: str, currency: str) -> None:
    with pytest.raises(InvalidAmount):
        parse_minor(text, currency)


def test_parse_minor_negative_when_allowed_and_type_checks() -> None:
    assert parse_minor("-4.99", "USD", allow_negative=True) == -499
    with pytest.raises(InvalidAmount):
        parse_minor(4.99, "USD")  # type: ignore[arg-type]
    with pytest.raises(UnknownCurrency):
        parse_minor("1", "XYZ")


@given(st.integers(min_value=-(10**20), max_value=10**20), st.sampled_from(CURRENCIES))
def test_minor_str_round_trip(amount: int, currency: str) -> None:
    text = to_minor_str(amount, currency)
    assert parse_minor(text, currency, allow_negative=True) == amount
    assert Decimal(text) == Decimal(amount).scaleb(-exponent(currency))


# --- payout rate ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credits", "money", "currency"),
    [
        (0, 1, "EUR"),
        (1, 0, "EUR"),
        (-1, 1, "EUR"),
        (True, 1, "EUR"),
        (1.0, 1, "EUR"),
        (1, 1, "XYZ"),
    ],
)
def test_payout_rate_validation(credits: object, money: object, currency: str) -> None:
    with pytest.raises(InvalidRate):
        PayoutRate(credits, money, currency)  # type: ignore[arg-type]


def test_payout_rate_normalises_and_chunks() -> None:
    rate = PayoutRate(100, 80, "eur")
    assert rate.currency == "EUR"
    assert (rate.chunk_credits, rate.chunk_minor) == (5, 4)


def test_credits_to_money_example_from_the_brief() -> None:
    assert credits_to_money(1050, PayoutRate(100, 1, "USD")) == (10, 50)


def test_worked_scenario_thousand_purchases_of_seven_credits() -> None:
    # 1,000 purchases of 7 credits; payout rate 120 credits = 1 euro cent.
    rate = PayoutRate(credits=120, money_minor=1, currency="EUR")
    earned = 1_000 * 7
    assert earned == 7_000
    assert credits_to_money(earned, rate) == (58, 40)  # 58 * 120 + 40 == 7,000
    paid = round_down_to_step(58, 50)  # payout step 0.50 EUR
    assert paid == 50
    spent = money_to_credits(paid, rate)
    assert spent == 6_000
    assert credits_to_money(earned - spent, rate) == (8, 40)  # stays in the balance
    assert format_money(paid, "EUR") == "€0.50"


def test_krw_rate_has_no_decimals() -> None:
    rate = PayoutRate(credits=10, money_minor=13, currency="KRW")
    assert credits_to_money(7_005, rate) == (9_100, 5)
    assert to_minor_str(9_100, "KRW") == "9100"
    assert format_money(9_100, "KRW") == "₩9,100"


def test_rate_that_does_not_divide_converts_in_whole_chunks() -> None:
    rate = PayoutRate(credits=5, money_minor=4, currency="EUR")  # 1 credit = 0.8 cent
    assert credits_to_money(7, rate) == (4, 2)  # 5 credits → 4 cents, 2 credits stay
    assert money_to_credits(4, rate) == 5
    assert money_to_credits(5, rate) == 10  # fewest credits worth at least 5 cents
    assert money_to_credits(0, rate) == 0


@pytest.mark.parametrize("credits", [-1, True, 1.5, "10", None])
def test_credits_to_money_rejects_bad_credits(credits: object) -> None:
    with pytest.raises(InvalidAmount):
        credits_to_money(credits, PayoutRate(1, 1, "EUR"))  # type: ignore[arg-type]


def test_conversions_reject_bad_rate() -> None:
    with pytest.raises(InvalidRate):
        credits_to_money(1, (1, 1, "EUR"))  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount):
        money_to_credits(-1, PayoutRate(1, 1, "EUR"))


@given(st.integers(min_value=0, max_value=10**15), rates)
def test_credits_to_money_is_exact(credits: int, rate: PayoutRate) -> None:
    money, leftover = credits_to_money(credits, rate)
    # No value created or lost: the converted credits are worth exactly the money.
    assert money * rate.credits == (credits - leftover) * rate.money_minor
    assert 0 <= leftover < rate.chunk_credits
    # The leftover cannot convert on its own.
    assert credits_to_money(leftover, rate) == (0, leftover)
    # Never more money than the exact (fractional) value of the credits.
    assert money * rate.credits <= credits * rate.money_minor


@given(st.integers(min_value=0, max_value=10**12), rates)
def test_money_to_credits_is_the_fewest_credits_that_suffice(money: int, rate: PayoutRate) -> None:
    needed = money_to_credits(money, rate)
    assert credits_to_money(needed, rate)[0] >= money
    if needed:
        assert credits_to_money(needed - 1, rate)[0] < money
    whole = money - money % rate.chunk_minor
    assert credits_to_money(money_to_credits(whole, rate), rate) == (whole, 0)


# --- fees and steps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "bp", "fixed", "fee"),
    [
        (499, 290, 30, 44),
        (0, 290, 30, 30),
        (10_000, 290, 30, 320),
        (50, 100, 0, 1),
        (49, 100, 0, 0),
        (150, 100, 0, 2),
        (250, 100, 0, 3),
        (1, 0, 0, 0),
    ],
)
def test_card_fee(amount: int, bp: int, fixed: int, fee: int) -> None:
    assert card_fee(amount, bp, fixed) == fee


@given(
    st.integers(min_value=0, max_value=10**15),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=1_000),
)
def test_card_fee_rounds_half_up(amount: int, bp: int, fixed: int) -> None:
    percent_part = card_fee(amount, bp, fixed) - fixed
    exact_times_10000 = amount * bp
    assert percent_part * 10_000 <= exact_times_10000 + 5_000 < (percent_part + 1) * 10_000


@pytest.mark.parametrize(
    "args", [(-1, 290, 30), (100, -1, 30), (100, 290, -1), (1.5, 290, 30), (True, 290, 30)]
)
def test_card_fee_rejects(args: tuple[object, object, object]) -> None:
    with pytest.raises(InvalidAmount):
        card_fee(*args)  # type: ignore[arg-type]


def test_round_down_to_step_examples() -> None:
    assert round_down_to_step(1_234, 100) == 1_200
    assert round_down_to_step(1_200, 100) == 1_200
    assert round_down_to_step(99, 100) == 0
    assert round_down_to_step(7, 1) == 7


@pytest.mark.parametrize("args", [(10, 0), (10, -5), (-10, 5), (10.0, 5), (10, True)])
def test_round_down_to_step_rejects(args: tuple[object, object]) -> None:
    with pytest.raises(InvalidAmount):
        round_down_to_step(*args)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**18), st.integers(min_value=1, max_value=10**9))
def test_round_down_to_step_property(amount: int, step: int) -> None:
    result = round_down_to_step(amount, step)
    assert result % step == 0
    assert 0 <= amount - result < step
