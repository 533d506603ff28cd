"""The stripe provider: Checkout Sessions through a fake HTTP client, webhooks signed by stripe."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import pytest
import stripe

from wallet.topups.providers.base import (
    InvalidSignature,
    MalformedEvent,
    PaymentProvider,
    ProviderError,
    StaleEvent,
)
from wallet.topups.providers.stripe_provider import SIGNATURE_HEADER, StripeProvider

API_KEY = "sk_test_wallet_unit"
WEBHOOK_SECRET = "whsec_wallet_unit"


class FakeHTTPClient(stripe.HTTPClient):
    """Records every request and answers with a canned JSON body; never opens a socket."""

    name = "fake"

    def __init__(self, status: int = 200, body: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.status = status
        self.body = dict(body or {})
        self.requests: list[dict[str, Any]] = []

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> tuple[str, int, Mapping[str, str]]:
        self.requests.append(
            {"method": method, "url": url, "headers": dict(headers or {}), "data": post_data}
        )
        return json.dumps(self.body), self.status, {"Request-Id": "req_fake"}

    def request_stream(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no streaming expected")

    def close(self) -> None:
        return None


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


SESSION = {
    "id": "cs_test_a1",
    "object": "checkout.session",
    "url": "https://checkout.stripe.com/c/pay/cs_test_a1",
    "mode": "payment",
    "payment_status": "unpaid",
}


def make(http: FakeHTTPClient | None = None) -> StripeProvider:
    return StripeProvider(API_KEY, WEBHOOK_SECRET, http_client=http or FakeHTTPClient(body=SESSION))


def create(provider: StripeProvider, **overrides: Any) -> Any:
    args: dict[str, Any] = {
        "topup_id": "top_123",
        "amount_minor": 999,
        "currency": "USD",
        "description": "1,100 credits",
        "success_url": "https://wallet.test/topups/top_123/return",
        "cancel_url": "https://wallet.test/",
        **overrides,
    }
    return provider.create_checkout(**args)


# --- checkout -------------------------------------------------------------------------


def test_is_a_payment_provider() -> None:
    provider = make()
    assert isinstance(provider, PaymentProvider)
    assert provider.name == "stripe"


def test_create_checkout_posts_a_payment_session() -> None:
    http = FakeHTTPClient(body=SESSION)
    checkout = create(make(http))

    assert checkout.provider_ref == "cs_test_a1"
    assert checkout.checkout_url == "https://checkout.stripe.com/c/pay/cs_test_a1"
    assert len(http.requests) == 1
    request = http.requests[0]
    assert request["method"] == "post"
    assert request["url"] == "https://api.stripe.com/v1/checkout/sessions"
    assert request["headers"]["Authorization"] == f"Bearer {API_KEY}"
    assert request["headers"]["Idempotency-Key"] == "wallet-topup-checkout-top_123"
    form = {key: values[0] for key, values in parse_qs(request["data"]).items()}
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][unit_amount]"] == "999"
    assert form["line_items[0][price_data][currency]"] == "usd"
    assert form["line_items[0][price_data][product_data][name]"] == "1,100 credits"
    assert form["line_items[0][quantity]"] == "1"
    assert form["metadata[topup_id]"] == "top_123"
    assert form["payment_intent_data[metadata][topup_id]"] == "top_123"
    assert form["client_reference_id"] == "top_123"
    assert form["success_url"] == "https://wallet.test/topups/top_123/return"
    assert form["cancel_url"] == "https://wallet.test/"


def test_zero_decimal_currency_is_sent_in_minor_units() -> None:
    http = FakeHTTPClient(body=SESSION)
    create(make(http), amount_minor=6500, currency="KRW")
    form = parse_qs(http.requests[0]["data"])
    assert form["line_items[0][price_data][unit_amount]"] == ["6500"]
    assert form["line_items[0][price_data][currency]"] == ["krw"]


def test_no_global_stripe_state_is_used_or_changed() -> None:
    before = stripe.api_key
    create(make())
    assert stripe.api_key == before
    assert stripe.api_key != API_KEY


def test_stripe_api_error_becomes_provider_error() -> None:
    error = {"error": {"type": "invalid_request_error", "message": "Invalid currency: zzz"}}
    http = FakeHTTPClient(status=400, body=error)
    with pytest.raises(ProviderError) as info:
        create(make(http))
    assert info.value.code == "provider_error"
    assert len(http.requests) == 1  # a 400 is not retried


def test_session_without_url_is_a_provider_error() -> None:
    with pytest.raises(ProviderError):
        create(make(FakeHTTPClient(body={**SESSION, "url": None})))


@pytest.mark.parametrize(
    "overrides",
    [{"amount_minor": 0}, {"amount_minor": 4.99}, {"currency": "ZZZ"}, {"topup_id": ""}],
)
def test_bad_checkout_arguments_never_reach_stripe(overrides: dict[str, Any]) -> None:
    http = FakeHTTPClient(body=SESSION)
    with pytest.raises(ValueError):  # noqa: PT011
        create(make(http), **overrides)
    assert http.requests == []


def test_provider_needs_its_keys() -> None:
    with pytest.raises(ValueError, match="API key"):
        StripeProvider("", WEBHOOK_SECRET)
    with pytest.raises(ValueError, match="webhook secret"):
        StripeProvider(API_KEY, "")


# --- webhooks -------------------------------------------------------------------------


def event(event_type: str, obj: Mapping[str, Any], *, created: int | None = None) -> bytes:
    payload = {
        "id": "evt_1Abc",
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": created if created is not None else int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": dict(obj)},
    }
    return json.dumps(payload, indent=2).encode()


def signed(body: bytes, t: int | None = None, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(body.decode(), secret, t)
    return {SIGNATURE_HEADER: header}


PAID_SESSION = {
    "id": "cs_test_a1",
    "object": "checkout.session",
    "payment_status": "paid",
    "status": "complete",
    "amount_total": 999,
    "currency": "usd",
    "client_reference_id": "top_123",
    "payment_intent": "pi_3Abc",
    "metadata": {"topup_id": "top_123"},
}
FAILED_INTENT = {
    "id": "pi_3Abc",
    "object": "payment_intent",
    "amount": 999,
    "currency": "usd",
    "status": "requires_payment_method",
    "last_payment_error": {"code": "card_declined", "message": "Your card was declined."},
    "metadata": {"topup_id": "top_123"},
}
REFUNDED_CHARGE = {
    "id": "ch_3Abc",
    "object": "charge",
    "amount": 999,
    "amount_refunded": 400,
    "currency": "usd",
    "payment_intent": "pi_3Abc",
    "refunded": False,
    "metadata": {"topup_id": "top_123"},
}
DISPUTE = {
    "id": "dp_1Abc",
    "object": "dispute",
    "amount": 999,
    "currency": "usd",
    "charge": "ch_3Abc",
    "payment_intent": "pi_3Abc",
    "reason": "fraudulent",
    "status": "needs_response",
    "metadata": {},
}


def test_checkout_completed_paid_is_payment_succeeded() -> None:
    body = event("checkout.session.completed", PAID_SESSION, created=1_700_000_000)
    parsed = make().parse_webhook(body, signed(body))
    assert parsed.type == "payment_succeeded"
    assert parsed.event_id == "evt_1Abc"
    assert parsed.created == 1_700_000_000
    assert (parsed.topup_id, parsed.provider_ref, parsed.payment_ref) == (
        "top_123",
        "cs_test_a1",
        "pi_3Abc",
    )
    assert (parsed.amount_minor, parsed.currency) == (999, "USD")
    assert parsed.raw_type == "checkout.session.completed"


def test_checkout_completed_but_unpaid_is_ignored() -> None:
    body = event("checkout.session.completed", {**PAID_SESSION, "payment_status": "unpaid"})
    assert make().parse_webhook(body, signed(body)).type == "ignored"


def test_async_payment_succeeded() -> None:
    body = event("checkout.session.async_payment_succeeded", PAID_SESSION)
    assert make().parse_webhook(body, signed(body)).type == "payment_succeeded"


def test_async_payment_failed() -> None:
    body = event(
        "checkout.session.async_payment_failed", {**PAID_SESSION, "payment_status": "unpaid"}
    )
    parsed = make().parse_webhook(body, signed(body))
    assert parsed.type == "payment_failed"
    assert parsed.topup_id == "top_123"
    assert parsed.failure_message == "The payment failed."


def test_payment_intent_failed() -> None:
    body = event("payment_intent.payment_failed", FAILED_INTENT)
    parsed = make().parse_webhook(body, signed(body))
    assert parsed.type == "payment_failed"
    assert parsed.failure_message == "Your card was declined."
    assert (parsed.topup_id, parsed.provider_ref, parsed.payment_ref) == (
        "top_123",
        None,
        "pi_3Abc",
    )


def test_charge_refunded_reports_cumulative_refunded_amount() -> None:
    body = event("charge.refunded", REFUNDED_CHARGE)
    parsed = make().parse_webhook(body, signed(body))
    assert parsed.type == "refunded"
    assert (parsed.amount_minor, parsed.currency) == (400, "USD")
    assert (parsed.topup_id, parsed.payment_ref) == ("top_123", "pi_3Abc")


def test_dispute_is_a_chargeback_matched_by_payment_ref() -> None:
    body = event("charge.dispute.created", DISPUTE)
    parsed = make().parse_webhook(body, signed(body))
    assert parsed.type == "chargeback"
    assert (parsed.topup_id, parsed.payment_ref, parsed.amount_minor) == (None, "pi_3Abc", 999)


@pytest.mark.parametrize("event_type", ["customer.created", "payment_intent.succeeded"])
def test_other_events_are_ignored(event_type: str) -> None:
    body = event(event_type, {"id": "x_1", "object": "thing"})
    parsed = make().parse_webhook(body, signed(body))
    assert (parsed.type, parsed.event_id) == ("ignored", "evt_1Abc")


def test_verification_goes_through_construct_event_on_the_raw_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[Any, ...]] = []
    real = stripe.Webhook.construct_event

    def spy(payload: Any, sig_header: Any, secret: Any, tolerance: int = 300, **kw: Any) -> Any:
        calls.append((payload, sig_header, secret, tolerance))
        return real(payload, sig_header, secret, tolerance, **kw)

    monkeypatch.setattr(stripe.Webhook, "construct_event", staticmethod(spy))
    body = event("checkout.session.completed", PAID_SESSION)
    headers = signed(body)
    make().parse_webhook(body, headers)
    assert calls == [(body, headers[SIGNATURE_HEADER], WEBHOOK_SECRET, 300)]


def test_replayed_event_keeps_its_identity() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    headers = signed(body)
    provider = make()
    assert provider.parse_webhook(body, headers) == provider.parse_webhook(body, headers)


def test_unsigned_is_rejected() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    with pytest.raises(InvalidSignature):
        make().parse_webhook(body, {})


def test_wrong_secret_is_rejected() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    with pytest.raises(InvalidSignature):
        make().parse_webhook(body, signed(body, secret="whsec_someone_else"))


def test_forged_signature_is_rejected() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    with pytest.raises(InvalidSignature):
        make().parse_webhook(body, {SIGNATURE_HEADER: f"t={int(time.time())},v1={'0' * 64}"})


def test_body_altered_by_one_byte_is_rejected() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    headers = signed(body)
    altered = body.replace(b'"amount_total": 999', b'"amount_total": 9999')
    assert altered != body
    with pytest.raises(InvalidSignature):
        make().parse_webhook(altered, headers)


def test_reserialised_body_is_rejected() -> None:
    """The signature covers the raw bytes; the same JSON re-encoded does not verify."""
    body = event("checkout.session.completed", PAID_SESSION)
    headers = signed(body)
    compact = json.dumps(json.loads(body), separators=(",", ":")).encode()
    with pytest.raises(InvalidSignature):
        make().parse_webhook(compact, headers)


def test_stale_event_is_rejected_on_the_wall_clock() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    with pytest.raises(StaleEvent):
        make().parse_webhook(body, signed(body, t=int(time.time()) - 301))
    assert make().parse_webhook(body, signed(body, t=int(time.time()) - 290))


def test_future_event_is_rejected_on_the_wall_clock() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    with pytest.raises(StaleEvent):
        # 60 s past the 300 s tolerance: a second ticking between the two clock reads,
        # or a descheduled thread, does not bring it inside (the exact edge is the test below)
        make().parse_webhook(body, signed(body, t=int(time.time()) + 360))
    assert make().parse_webhook(body, signed(body, t=int(time.time()) + 240))


def test_injected_clock_judges_freshness() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    t = 1_700_000_000
    headers = signed(body, t=t)
    assert make().parse_webhook(body, headers, now=t + 300).type == "payment_succeeded"
    with pytest.raises(StaleEvent):
        make().parse_webhook(body, headers, now=t + 301)
    with pytest.raises(StaleEvent):
        make().parse_webhook(body, headers, now=t - 301)


def test_stale_and_forged_is_an_invalid_signature() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    with pytest.raises(InvalidSignature):
        make().parse_webhook(body, {SIGNATURE_HEADER: f"t={int(time.time()) - 999},v1={'0' * 64}"})


def test_multiple_v1_signatures_during_rotation() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    good = signed(body)[SIGNATURE_HEADER]
    t, v1 = good.split(",")
    other = signed(body, t=int(t[2:]), secret="whsec_rolled")[SIGNATURE_HEADER].split(",")[1]
    header = f"{t},{other},{v1}"
    assert make().parse_webhook(body, {SIGNATURE_HEADER: header}).type == "payment_succeeded"


def test_header_lookup_is_case_insensitive() -> None:
    body = event("checkout.session.completed", PAID_SESSION)
    headers = {"stripe-signature": signed(body)[SIGNATURE_HEADER]}
    assert make().parse_webhook(body, headers).type == "payment_succeeded"


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"\xff\xfe\xfd",
        json.dumps({"id": "evt_1", "object": "event", "type": "charge.refunded"}).encode(),
        event("charge.refunded", {**REFUNDED_CHARGE, "amount_refunded": 4.0}),
        event("charge.refunded", {**REFUNDED_CHARGE, "currency": "dollars"}),
        event("charge.dispute.created", {**DISPUTE, "payment_intent": None, "charge": None}),
    ],
)
def test_signed_but_malformed(body: bytes) -> None:
    t = int(time.time())
    from wallet.topups.providers import signature

    headers = {SIGNATURE_HEADER: signature.sign(WEBHOOK_SECRET, body, t)}
    with pytest.raises(MalformedEvent):
        make().parse_webhook(body, headers)
