"""The credit price list: loading, strict validation, lookups and display."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wallet.topups.pricing import (
    Pack,
    PriceList,
    PriceListError,
    UnknownPack,
    load_price_list,
)


def doc(**packs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"version": 1, "currencies": packs}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prices.json"
    path.write_text(text, encoding="utf-8")
    return path


USD_STARTER = {"id": "starter", "price_minor": 499, "credits": 500}


# --- the built-in default -------------------------------------------------------------


def test_default_price_list_has_usd_eur_krw() -> None:
    prices = PriceList.default()
    assert set(prices.currencies()) >= {"USD", "EUR", "KRW"}
    for code in prices.currencies():
        assert prices.packs_for(code)


def test_default_usd_packs() -> None:
    prices = load_price_list(None)
    assert prices.get("starter", "USD") == Pack("starter", "USD", 499, 500, 0)
    plus = prices.get("plus", "USD")
    assert (plus.price_minor, plus.credits, plus.bonus_credits, plus.total_credits) == (
        999,
        1000,
        100,
        1100,
    )
    pro = prices.get("pro", "USD")
    assert (pro.price_minor, pro.total_credits) == (2499, 2900)


def test_default_amounts_are_integers_in_every_pack() -> None:
    for pack in PriceList.default():
        for value in (pack.price_minor, pack.credits, pack.bonus_credits):
            assert type(value) is int


def test_default_prices_are_sane_per_credit_across_currencies() -> None:
    """A credit costs about one US cent everywhere (no cheap currency to arbitrage)."""
    # rough exchange rates in thousandths of a US cent per minor unit, for a sanity band only
    millicents_per_minor = {"USD": 1000, "EUR": 1000, "KRW": 70}
    for pack in PriceList.default():
        millicents = pack.price_minor * millicents_per_minor[pack.currency]
        assert 500 * pack.total_credits < millicents < 1500 * pack.total_credits, pack


def test_krw_is_zero_decimal_in_display() -> None:
    pack = PriceList.default().get("starter", "KRW")
    assert pack.price_minor == 6500
    assert pack.price_display() == "₩6,500"
    assert pack.to_api()["price_display"] == "₩6,500"


def test_pack_to_api() -> None:
    pack = PriceList.default().get("plus", "USD")
    assert pack.to_api() == {
        "id": "plus",
        "currency": "USD",
        "price_minor": 999,
        "price_display": "$9.99",
        "credits": 1000,
        "bonus_credits": 100,
        "total_credits": 1100,
    }


def test_display_follows_locale() -> None:
    pack = PriceList.default().get("starter", "EUR")
    assert pack.price_display("en_US") == "€4.99"
    assert pack.price_display("de_DE") == "4,99\xa0€"


def test_price_list_to_api_keeps_operator_order() -> None:
    assert [p["id"] for p in PriceList.default().to_api("USD")] == ["starter", "plus", "pro"]


# --- lookups --------------------------------------------------------------------------


def test_get_is_case_insensitive_on_currency() -> None:
    assert PriceList.default().get("starter", "usd").currency == "USD"


def test_unknown_pack_id() -> None:
    with pytest.raises(UnknownPack) as info:
        PriceList.default().get("mega", "USD")
    assert info.value.code == "unknown_pack"
    assert info.value.param == "pack_id"


def test_unknown_currency_in_lookup() -> None:
    prices = PriceList.default()
    assert prices.packs_for("CHF") == ()
    with pytest.raises(UnknownPack) as info:
        prices.get("starter", "CHF")
    assert info.value.param == "currency"


def test_same_id_in_several_currencies_is_fine() -> None:
    prices = PriceList.from_dict(doc(USD=[USD_STARTER], EUR=[USD_STARTER]))
    assert prices.get("starter", "EUR").currency == "EUR"
    assert len(prices) == 2


# --- loading operator files -----------------------------------------------------------


def test_load_from_file(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(doc(JPY=[{"id": "a", "price_minor": 500, "credits": 400}])))
    prices = load_price_list(path)
    assert prices.currencies() == ("JPY",)
    assert prices.get("a", "JPY").price_display() == "¥500"


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(PriceListError, match="cannot read"):
        PriceList.from_file(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"currencies": {"USD": [{"id": "a", "price_minor": 4.99, "credits": 500}]}}', "integer"),
        ('{"currencies": {"USD": [{"id": "a", "price_minor": 499.0, "credits": 500}]}}', "integer"),
        ('{"currencies": {"USD": [{"id": "a", "price_minor": 499, "credits": 5e2}]}}', "integer"),
        ('{"currencies": {"USD": [{"id": "a", "price_minor": "499", "credits": 500}]}}', "integer"),
        ('{"currencies": {"USD": [{"id": "a", "price_minor": true, "credits": 500}]}}', "integer"),
        ('{"currencies": {"USD": [{"id": "a", "price_minor": NaN, "credits": 500}]}}', "number"),
        ('{"currencies": {"USD": [{"id": "a", "price_minor": -499, "credits": 500}]}}', "between"),
        ('{"currencies": {"USD": [{"id": "a", "price_minor": 0, "credits": 500}]}}', "between"),
        ('{"currencies": {"USD": [{"id": "a", "price_minor": 499, "credits": 0}]}}', "between"),
        (
            '{"currencies": {"USD": [{"id": "a", "price_minor": 499, "credits": 5,'
            ' "bonus_credits": -1}]}}',
            "between",
        ),
        (
            '{"currencies": {"USD": [{"id": "a", "price_minor": 100000000, "credits": 5}]}}',
            "between",
        ),
        ('{"currencies": {"XYZ": [{"id": "a", "price_minor": 499, "credits": 500}]}}', "ISO"),
        ('{"currencies": {"XAU": [{"id": "a", "price_minor": 499, "credits": 500}]}}', "ISO"),
        ('{"currencies": {"usd": [{"id": "a", "price_minor": 499, "credits": 500}]}}', "upper"),
        (
            '{"currencies": {"USD": [{"id": "a", "price_minor": 499, "credits": 500},'
            ' {"id": "a", "price_minor": 999, "credits": 1000}]}}',
            "duplicate pack id",
        ),
        (
            '{"currencies": {"USD": [{"id": "a", "price_minor": 499, "credits": 500}],'
            ' "USD": [{"id": "b", "price_minor": 499, "credits": 500}]}}',
            "duplicate key",
        ),
        ('{"currencies": {"USD": [{"id": "a", "price_minor": 499}]}}', "missing"),
        (
            '{"currencies": {"USD": [{"id": "a", "price_minor": 499, "credits": 5, "x": 1}]}}',
            "unknown",
        ),
        ('{"currencies": {"USD": [{"id": "A B", "price_minor": 499, "credits": 500}]}}', "id"),
        ('{"currencies": {"USD": []}}', "non-empty"),
        ('{"currencies": {}}', "non-empty"),
        ('{"currencies": {"USD": [1]}}', "object"),
        ('{"prices": {}}', "unknown top-level"),
        ('{"version": 2, "currencies": {}}', "version"),
        ("[]", "JSON object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_files_are_rejected(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PriceListError, match=message) as info:
        PriceList.from_file(write(tmp_path, text))
    assert "prices.json" in str(info.value)


def test_error_names_the_pack(tmp_path: Path) -> None:
    text = json.dumps(doc(USD=[USD_STARTER, {"id": "b", "price_minor": -1, "credits": 5}]))
    with pytest.raises(PriceListError, match=r"currencies\.USD\[1\]"):
        PriceList.from_json(text)


def test_no_float_is_ever_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """Decimal literals are parsed as Decimal and rejected, never turned into floats."""
    seen: list[object] = []
    import wallet.topups.pricing as pricing

    real = pricing._check_int

    def spy(name: str, value: object, minimum: int, maximum: int) -> int:
        seen.append(value)
        return real(name, value, minimum, maximum)

    monkeypatch.setattr(pricing, "_check_int", spy)
    with pytest.raises(PriceListError):
        PriceList.from_json(
            '{"currencies": {"USD": [{"id": "a", "price_minor": 4.99, "credits": 1}]}}'
        )
    assert not any(isinstance(value, float) for value in seen)


def test_pack_constructor_validates_too() -> None:
    with pytest.raises(PriceListError):
        Pack("a", "USD", 4.99, 500)  # type: ignore[arg-type]
    with pytest.raises(PriceListError):
        Pack("a", "ZZZ", 499, 500)


def test_duplicate_ids_in_constructor() -> None:
    with pytest.raises(PriceListError, match="duplicate"):
        PriceList([Pack("a", "USD", 499, 500), Pack("a", "USD", 999, 1000)])


def test_empty_price_list() -> None:
    with pytest.raises(PriceListError):
        PriceList([])
