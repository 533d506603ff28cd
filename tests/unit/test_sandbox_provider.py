"""The built-in sandbox provider: test cards, card validation, signed Stripe-shaped webhooks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from wallet.topups.providers import signature
from wallet.topups.providers.base import (
    InvalidSignature,
    MalformedEvent,
    PaymentProvider,
    StaleEvent,
)
from wallet.topups.providers.sandbox import (
    SIGNATURE_HEADER,
    TEST_CARDS,
    SandboxProvider,
    charge,
    luhn_valid,
    parse_expiry,
    validate_card,
)

SECRET = "whsec_sandbox_test"
NOW = int(datetime(2030, 6, 15, 12, 0, tzinfo=UTC).timestamp())
GOOD = {"exp_month": "12", "exp_year": "34", "cvc": "123"}


@pytest.fixture
def provider() -> SandboxProvider:
    return SandboxProvider(SECRET)


def pay(number: str, **overrides: str) -> object:
    fields = {**GOOD, **overrides}
    return charge(
        number, fields["exp_month"], fields["exp_year"], fields["cvc"], 999, "USD", now=NOW
    )


# --- test cards -----------------------------------------------------------------------


def test_4242_succeeds() -> None:
    result = charge("4242424242424242", 12, 2034, "123", 999, "usd", now=NOW)
    assert result.status == "succeeded"
    assert result.succeeded
    assert result.message is None
    assert result.currency == "USD"
    assert result.amount_minor == 999
    assert result.last4 == "4242"
    assert str(result.payment_ref).startswith("pi_sbx_")
    assert str(result.charge_id).startswith("ch_sbx_")


def test_spaced_card_number_is_accepted() -> None:
    assert charge("4242 4242 4242 4242", "12", "34", "123", 999, "USD", now=NOW).succeeded


def test_0002_is_declined() -> None:
    result = charge("4000 0000 0000 0002", "12", "34", "123", 999, "USD", now=NOW)
    assert result.status == "declined"
    assert result.message == "Your card was declined."
    assert result.code == "card_declined"
    assert result.decline_code == "generic_decline"
    assert result.payment_ref is not None


def test_9995_has_insufficient_funds() -> None:
    result = charge("4000000000009995", "12", "34", "123", 999, "USD", now=NOW)
    assert result.status == "declined"
    assert result.message == "Your card has insufficient funds."
    assert result.decline_code == "insufficient_funds"


def test_every_test_card_passes_luhn() -> None:
    assert all(luhn_valid(number) for number in TEST_CARDS)


def test_real_looking_cards_are_refused() -> None:
    result = charge("5555555555554444", "12", "34", "123", 999, "USD", now=NOW)
    assert result.status == "invalid"
    assert result.code == "not_a_test_card"
    assert result.param == "card_number"
    assert "4242 4242 4242 4242" in (result.message or "")


# --- card validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        ("4242424242424241", "invalid_number", "Your card number is invalid."),
        ("4242", "invalid_number", "Your card number is invalid."),
        ("4242abcd42424242", "invalid_number", "Your card number is invalid."),
        ("\uff14\uff12" * 8, "invalid_number", "Your card number is invalid."),
        ("", "incomplete_number", "Your card number is incomplete."),
    ],
)
def test_bad_card_numbers(number: str, code: str, message: str) -> None:
    result = charge(number, "12", "34", "123", 999, "USD", now=NOW)
    assert (result.status, result.code, result.message, result.param) == (
        "invalid",
        code,
        message,
        "card_number",
    )
    assert result.payment_ref is None


def test_luhn() -> None:
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("")
    assert not luhn_valid("12a4")


@pytest.mark.parametrize(
    ("month", "year", "ok"),
    [
        ("06", "30", True),  # the current month is still valid (end of month)
        ("6", "2030", True),
        ("05", "30", False),  # last month: expired
        ("12", "29", False),  # last year: expired
        ("01", "31", True),
    ],
)
def test_expiry_is_not_in_the_past(month: str, year: str, ok: bool) -> None:
    result = charge("4242424242424242", month, year, "123", 999, "USD", now=NOW)
    assert result.succeeded is ok
    if not ok:
        assert result.code == "expired_card"
        assert result.message == "Your card has expired."


@pytest.mark.parametrize(
    ("month", "year", "param", "message"),
    [
        ("13", "34", "exp_month", "Your card's expiration month is invalid."),
        ("0", "34", "exp_month", "Your card's expiration month is invalid."),
        ("ab", "34", "exp_month", "Your card's expiration month is invalid."),
        ("12", "xx", "exp_year", "Your card's expiration year is invalid."),
        ("12", "2200", "exp_year", "Your card's expiration year is invalid."),
        ("12", "", "exp_year", "Your card's expiration year is invalid."),
    ],
)
def test_bad_expiry(month: str, year: str, param: str, message: str) -> None:
    result = charge("4242424242424242", month, year, "123", 999, "USD", now=NOW)
    assert (result.status, result.param, result.message) == ("invalid", param, message)


@pytest.mark.parametrize("cvc", ["", "12", "12345", "abc", "\uff11\uff12\uff13"])
def test_bad_cvc(cvc: str) -> None:
    result = charge("4242424242424242", "12", "34", cvc, 999, "USD", now=NOW)
    assert (result.status, result.param, result.message) == (
        "invalid",
        "cvc",
        "Your card's security code is invalid.",
    )


@pytest.mark.parametrize("cvc", ["123", "1234", " 123 "])
def test_good_cvc(cvc: str) -> None:
    assert charge("4242424242424242", "12", "34", cvc, 999, "USD", now=NOW).succeeded


def test_all_problems_are_reported_in_field_order() -> None:
    errors = validate_card("1234", "13", "xx", "1", NOW)
    assert [e.param for e in errors] == ["card_number", "exp_month", "exp_year", "cvc"]
    assert all(e.message.endswith(".") for e in errors)


def test_invalid_form_on_a_declining_card_is_invalid_not_declined() -> None:
    result = charge("4000000000000002", "12", "34", "1", 999, "USD", now=NOW)
    assert result.status == "invalid"


def test_parse_expiry() -> None:
    assert parse_expiry("12/34") == ("12", "34")
    assert parse_expiry(" 06 / 2031 ") == ("06", "2031")
    assert charge("4242424242424242", *parse_expiry("07/31"), "123", 1, "USD", now=NOW).succeeded


@pytest.mark.parametrize(
    ("amount", "currency"), [(0, "USD"), (-5, "USD"), (True, "USD"), (4.99, "USD"), (100, "ZZZ")]
)
def test_bad_amounts_are_programming_errors(amount: object, currency: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        charge("4242424242424242", "12", "34", "123", amount, currency, now=NOW)  # type: ignore[arg-type]


# --- checkout -------------------------------------------------------------------------


def test_is_a_payment_provider(provider: SandboxProvider) -> None:
    assert isinstance(provider, PaymentProvider)
    assert provider.name == "sandbox"


def test_checkout_url_is_our_own_page(provider: SandboxProvider) -> None:
    checkout = provider.create_checkout(
        topup_id="top_1",
        amount_minor=6500,
        currency="KRW",
        description="500 credits",
        success_url="https://wallet.test/return",
        cancel_url="https://wallet.test/",
    )
    assert checkout.provider_ref.startswith("cs_sbx_")
    assert checkout.checkout_url == f"/sandbox/checkout/{checkout.provider_ref}"
    again = provider.create_checkout(
        topup_id="top_2",
        amount_minor=6500,
        currency="KRW",
        description="500 credits",
        success_url="https://wallet.test/return",
        cancel_url="https://wallet.test/",
    )
    assert again.provider_ref != checkout.provider_ref


def test_checkout_rejects_bad_amounts(provider: SandboxProvider) -> None:
    with pytest.raises(ValueError, match="amount_minor"):
        provider.create_checkout(
            topup_id="top_1",
            amount_minor=0,
            currency="USD",
            description="x",
            success_url="/",
            cancel_url="/",
        )


# --- webhooks -------------------------------------------------------------------------


def headers(header: str) -> dict[str, str]:
    return {SIGNATURE_HEADER: header, "Content-Type": "application/json"}


def test_success_event_round_trip(provider: SandboxProvider) -> None:
    result = charge("4242424242424242", "12", "34", "123", 999, "USD", now=NOW)
    body, header = provider.build_charge_event(
        result, topup_id="top_1", provider_ref="cs_sbx_1", now=NOW
    )
    raw = json.loads(body)
    assert raw["id"].startswith("evt_")
    assert raw["type"] == "checkout.session.completed"
    assert raw["created"] == NOW
    obj = raw["data"]["object"]
    assert obj["metadata"] == {"topup_id": "top_1"}
    assert (obj["amount_total"], obj["currency"], obj["payment_status"]) == (999, "usd", "paid")
    assert "4242424242424242" not in body.decode()

    event = provider.parse_webhook(body, headers(header), now=NOW + 5)
    assert event.type == "payment_succeeded"
    assert event.event_id == raw["id"]
    assert (event.topup_id, event.provider_ref) == ("top_1", "cs_sbx_1")
    assert (event.amount_minor, event.currency) == (999, "USD")
    assert event.payment_ref == result.payment_ref
    assert event.created == NOW
    assert event.failure_message is None
    assert event.raw_type == "checkout.session.completed"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("4000000000000002", "Your card was declined."),
        ("4000000000009995", "Your card has insufficient funds."),
    ],
)
def test_declined_event_round_trip(provider: SandboxProvider, number: str, message: str) -> None:
    result = charge(number, "12", "34", "123", 6500, "KRW", now=NOW)
    body, header = provider.build_charge_event(
        result, topup_id="top_9", provider_ref="cs_sbx_9", now=NOW
    )
    assert json.loads(body)["type"] == "payment_intent.payment_failed"
    event = provider.parse_webhook(body, headers(header), now=NOW)
    assert event.type == "payment_failed"
    assert event.failure_message == message
    assert (event.topup_id, event.provider_ref, event.payment_ref) == (
        "top_9",
        "cs_sbx_9",
        result.payment_ref,
    )
    assert (event.amount_minor, event.currency) == (6500, "KRW")


def test_invalid_form_is_never_reported(provider: SandboxProvider) -> None:
    result = charge("1234", "12", "34", "123", 999, "USD", now=NOW)
    with pytest.raises(ValueError, match="invalid"):
        provider.build_charge_event(result, topup_id="t", provider_ref="cs", now=NOW)


@pytest.mark.parametrize(
    ("kind", "stripe_type"),
    [("refunded", "charge.refunded"), ("chargeback", "charge.dispute.created")],
)
def test_refund_and_chargeback_events(
    provider: SandboxProvider, kind: str, stripe_type: str
) -> None:
    body, header = provider.build_event(
        kind,  # type: ignore[arg-type]
        topup_id="top_1",
        provider_ref="cs_sbx_1",
        amount_minor=500,
        currency="EUR",
        payment_ref="pi_sbx_1",
        charge_id="ch_sbx_1",
        now=NOW,
    )
    assert json.loads(body)["type"] == stripe_type
    assert json.loads(body)["data"]["object"]["metadata"]["topup_id"] == "top_1"
    event = provider.parse_webhook(body, headers(header), now=NOW)
    assert event.type == kind
    assert (event.topup_id, event.provider_ref, event.payment_ref) == (
        "top_1",
        "cs_sbx_1",
        "pi_sbx_1",
    )
    assert (event.amount_minor, event.currency) == (500, "EUR")


def test_replayed_event_parses_to_the_same_identity(provider: SandboxProvider) -> None:
    """Replays are the handler's job; the event gives it a stable id and created time."""
    body, header = provider.build_event(
        "payment_succeeded",
        topup_id="t",
        provider_ref="cs",
        amount_minor=1,
        currency="USD",
        now=NOW,
    )
    first = provider.parse_webhook(body, headers(header), now=NOW)
    second = provider.parse_webhook(body, headers(header), now=NOW + 200)
    assert first == second


def test_out_of_order_events_carry_their_creation_time(provider: SandboxProvider) -> None:
    early, h1 = provider.build_event(
        "payment_succeeded",
        topup_id="t",
        provider_ref="cs",
        amount_minor=5,
        currency="USD",
        now=NOW,
    )
    late, h2 = provider.build_event(
        "refunded", topup_id="t", provider_ref="cs", amount_minor=5, currency="USD", now=NOW + 60
    )
    refund = provider.parse_webhook(late, headers(h2), now=NOW + 61)
    payment = provider.parse_webhook(early, headers(h1), now=NOW + 62)
    assert payment.created < refund.created
    assert payment.event_id != refund.event_id


def test_explicit_event_id(provider: SandboxProvider) -> None:
    body, header = provider.build_event(
        "payment_succeeded",
        topup_id="t",
        provider_ref="cs",
        amount_minor=5,
        currency="USD",
        now=NOW,
        event_id="evt_fixed",
    )
    assert provider.parse_webhook(body, headers(header), now=NOW).event_id == "evt_fixed"


def _signed(provider: SandboxProvider) -> tuple[bytes, str]:
    return provider.build_event(
        "payment_succeeded",
        topup_id="t",
        provider_ref="cs",
        amount_minor=5,
        currency="USD",
        now=NOW,
    )


def test_header_name_is_case_insensitive(provider: SandboxProvider) -> None:
    body, header = _signed(provider)
    assert provider.parse_webhook(body, {"sandbox-signature": header}, now=NOW).type == (
        "payment_succeeded"
    )


def test_unsigned_webhook_is_rejected(provider: SandboxProvider) -> None:
    body, _ = _signed(provider)
    with pytest.raises(InvalidSignature):
        provider.parse_webhook(body, {}, now=NOW)


def test_forged_webhook_is_rejected(provider: SandboxProvider) -> None:
    body, _ = _signed(provider)
    forged = signature.sign("whsec_attacker", body, NOW)
    with pytest.raises(InvalidSignature):
        provider.parse_webhook(body, headers(forged), now=NOW)


def test_tampered_amount_is_rejected(provider: SandboxProvider) -> None:
    body, header = _signed(provider)
    tampered = body.replace(b'"amount_total":5', b'"amount_total":50000')
    assert tampered != body
    with pytest.raises(InvalidSignature):
        provider.parse_webhook(tampered, headers(header), now=NOW)


def test_stale_and_future_webhooks_are_rejected(provider: SandboxProvider) -> None:
    body, header = _signed(provider)
    with pytest.raises(StaleEvent):
        provider.parse_webhook(body, headers(header), now=NOW + 301)
    with pytest.raises(StaleEvent):
        provider.parse_webhook(body, headers(header), now=NOW - 301)
    assert provider.parse_webhook(body, headers(header), now=NOW + 300)


def test_other_deployment_secret_is_rejected(provider: SandboxProvider) -> None:
    body, header = _signed(SandboxProvider("whsec_other_deployment"))
    with pytest.raises(InvalidSignature):
        provider.parse_webhook(body, headers(header), now=NOW)


def test_secret_rotation_signs_with_every_secret() -> None:
    rotating = SandboxProvider("whsec_new", previous_secrets=["whsec_old"])
    body, header = _signed(rotating)
    assert header.count("v1=") == 2
    assert SandboxProvider("whsec_old").parse_webhook(body, headers(header), now=NOW)
    assert SandboxProvider("whsec_new").parse_webhook(body, headers(header), now=NOW)
    # a node already on the new config still accepts events signed only with the old secret
    old_body, old_header = _signed(SandboxProvider("whsec_old"))
    assert rotating.parse_webhook(old_body, headers(old_header), now=NOW)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"id": "evt_1", "type": "checkout.session.completed", "created": 1}',
        b'{"id": "evt_1", "type": "checkout.session.completed", "created": 1, "data": {"object":'
        b' {"object": "checkout.session", "id": "cs", "payment_status": "paid",'
        b' "amount_total": 9.99, "currency": "usd", "metadata": {"topup_id": "t"}}}}',
        b'{"id": "evt_1", "type": "checkout.session.completed", "created": 1, "data": {"object":'
        b' {"object": "checkout.session", "id": "cs", "payment_status": "paid",'
        b' "amount_total": -5, "currency": "usd", "metadata": {"topup_id": "t"}}}}',
        b'{"id": "evt_1", "type": "checkout.session.completed", "created": 1, "data": {"object":'
        b' {"object": "checkout.session", "payment_status": "paid",'
        b' "amount_total": 5, "currency": "usd"}}}',
        b'{"id": "", "type": "x", "created": 1, "data": {"object": {}}}',
        b'{"id": "evt_1", "type": "x", "created": "1", "data": {"object": {}}}',
        b"\xff\xfe",
    ],
)
def test_signed_but_malformed_bodies(provider: SandboxProvider, body: bytes) -> None:
    header = signature.sign(SECRET, body, NOW)
    with pytest.raises(MalformedEvent) as info:
        provider.parse_webhook(body, headers(header), now=NOW)
    assert info.value.code == "malformed_event"


def test_unknown_event_types_are_ignored(provider: SandboxProvider) -> None:
    body = b'{"id": "evt_1", "type": "customer.created", "created": 7, "data": {"object": {}}}'
    event = provider.parse_webhook(body, headers(signature.sign(SECRET, body, NOW)), now=NOW)
    assert (event.type, event.event_id, event.created, event.topup_id) == (
        "ignored",
        "evt_1",
        7,
        None,
    )


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        SandboxProvider("")
