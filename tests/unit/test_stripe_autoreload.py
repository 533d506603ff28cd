"""The stripe provider's auto-reload calls (Customer, SetupIntent, off-session PaymentIntent)
through a fake HTTP client: the requests Stripe receives and how answers are read."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.unit.test_stripe_provider import FakeHTTPClient, make, no_network  # noqa: F401
from wallet.topups.providers.base import OffSessionProvider, ProviderError


class Answers(FakeHTTPClient):
    """Answers each request with the next canned (status, body)."""

    def __init__(self, *answers: tuple[int, dict[str, Any]]) -> None:
        super().__init__()
        self.answers = list(answers)

    def request(self, method: str, url: str, headers: Any, post_data: Any = None,
                *, _usage: list[str] | None = None) -> Any:
        self.status, self.body = self.answers.pop(0)
        return super().request(method, url, headers, post_data, _usage=_usage)


def form(request: dict[str, Any]) -> dict[str, list[str]]:
    data = request["data"]
    return parse_qs(data.decode() if isinstance(data, bytes) else data or "")


def test_begin_card_setup_creates_the_customer_once_and_an_off_session_setup_intent() -> None:
    http = Answers((200, {"id": "cus_1", "object": "customer"}),
                   (200, {"id": "seti_1", "object": "setup_intent", "client_secret": "seti_1_s"}))
    provider = make(http)
    assert provider.begin_card_setup(user_id="usr_1", customer_ref=None) == (
        "cus_1", "seti_1", "seti_1_s")
    customer, setup = http.requests
    assert customer["url"].endswith("/v1/customers")
    assert customer["headers"]["Idempotency-Key"] == "wallet-customer-usr_1"
    assert setup["url"].endswith("/v1/setup_intents")
    assert form(setup)["usage"] == ["off_session"] and form(setup)["customer"] == ["cus_1"]


def test_finish_card_setup_reads_the_payment_method_of_a_succeeded_intent() -> None:
    intent = {"id": "seti_1", "object": "setup_intent", "status": "succeeded",
              "customer": "cus_1", "payment_method": {"id": "pm_1", "object": "payment_method",
                                                      "card": {"last4": "4242"}}}
    card = make(Answers((200, intent))).finish_card_setup(setup_intent_id="seti_1",
                                                          customer_ref="cus_1")
    assert (card.payment_method_ref, card.last4) == ("pm_1", "4242")
    pending = {**intent, "status": "requires_payment_method"}
    with pytest.raises(ProviderError):
        make(Answers((200, pending))).finish_card_setup(setup_intent_id="seti_1",
                                                        customer_ref="cus_1")
    with pytest.raises(ProviderError):  # another customer's SetupIntent
        make(Answers((200, intent))).finish_card_setup(setup_intent_id="seti_1",
                                                       customer_ref="cus_2")


def test_charge_off_session_confirms_once_per_topup_and_reads_a_decline() -> None:
    http = Answers((200, {"id": "pi_1", "object": "payment_intent", "status": "succeeded"}))
    provider = make(http)
    assert isinstance(provider, OffSessionProvider)
    answer = provider.charge_off_session(topup_id="top_1", customer_ref="cus_1",
                                         payment_method_ref="pm_1", amount_minor=499,
                                         currency="USD", description="Auto-reload")
    assert (answer.payment_ref, answer.status, answer.webhook) == ("pi_1", "succeeded", None)
    (request,) = http.requests
    sent = form(request)
    assert request["headers"]["Idempotency-Key"] == "wallet-autoreload-top_1"
    assert sent["off_session"] == ["true"] and sent["confirm"] == ["true"]
    assert sent["metadata[autoreload]"] == ["true"] and sent["metadata[topup_id]"] == ["top_1"]
    declined = make(Answers((402, {"error": {
        "type": "card_error", "code": "card_declined", "message": "Your card was declined.",
        "payment_intent": {"id": "pi_2", "object": "payment_intent"}}})))
    failed = declined.charge_off_session(topup_id="top_2", customer_ref="cus_1",
                                         payment_method_ref="pm_1", amount_minor=499,
                                         currency="USD", description="Auto-reload")
    assert (failed.status, failed.payment_ref, failed.message) == (
        "failed", "pi_2", "Your card was declined.")
    down = (500, {"error": {"type": "api_error", "message": "down"}})
    with pytest.raises(ProviderError):
        make(Answers(down, down, down)).charge_off_session(  # stripe retries twice
            topup_id="top_3", customer_ref="cus_1", payment_method_ref="pm_1",
            amount_minor=499, currency="USD", description="Auto-reload")


def test_card_setup_checkout_is_a_setup_mode_session_for_the_customer() -> None:
    http = Answers((200, {"id": "cus_1", "object": "customer"}),
                   (200, {"id": "cs_1", "object": "checkout.session",
                          "url": "https://checkout.stripe.com/c/cs_1"}))
    customer, checkout = make(http).begin_card_setup_checkout(
        user_id="usr_1", customer_ref=None, currency="eur",
        success_url="https://wallet.test/?card_setup={CHECKOUT_SESSION_ID}",
        cancel_url="https://wallet.test/?card_setup_cancelled=1")
    assert (customer, checkout.provider_ref, checkout.checkout_url) == (
        "cus_1", "cs_1", "https://checkout.stripe.com/c/cs_1")
    _customer, session = http.requests
    assert session["url"].endswith("/v1/checkout/sessions")
    sent = form(session)
    assert sent["mode"] == ["setup"] and sent["customer"] == ["cus_1"]
    assert sent["currency"] == ["eur"] and sent["allowed_payment_method_types[0]"] == ["card"]
    assert sent["success_url"] == ["https://wallet.test/?card_setup={CHECKOUT_SESSION_ID}"]
    assert sent["setup_intent_data[metadata][user_id]"] == ["usr_1"]
    again = Answers((200, {"id": "cs_2", "object": "checkout.session",
                           "url": "https://checkout.stripe.com/c/cs_2"}))
    make(again).begin_card_setup_checkout(user_id="usr_1", customer_ref="cus_1",
                                          currency="EUR", success_url="https://w.test/",
                                          cancel_url="https://w.test/")
    assert len(again.requests) == 1  # the Customer exists: no second one


def test_finish_card_setup_checkout_reads_the_card_of_a_completed_session() -> None:
    intent = {"id": "seti_1", "object": "setup_intent", "status": "succeeded",
              "customer": "cus_1", "payment_method": {"id": "pm_1", "object": "payment_method",
                                                      "card": {"last4": "4242"}}}
    done = {"id": "cs_1", "object": "checkout.session", "mode": "setup", "status": "complete",
            "customer": "cus_1", "setup_intent": intent}
    http = Answers((200, done))
    card = make(http).finish_card_setup_checkout(checkout_session_id="cs_1",
                                                 customer_ref="cus_1")
    assert (card.customer_ref, card.payment_method_ref, card.last4) == ("cus_1", "pm_1", "4242")
    assert "expand[0]=setup_intent.payment_method" in http.requests[0]["url"].replace("%5B", "[") \
        .replace("%5D", "]")
    for unfinished in ({**done, "status": "open"}, {**done, "mode": "payment"},
                       {**done, "customer": "cus_2"}, {**done, "setup_intent": None},
                       {**done, "setup_intent": {**intent, "status": "requires_action"}}):
        with pytest.raises(ProviderError):
            make(Answers((200, unfinished))).finish_card_setup_checkout(
                checkout_session_id="cs_1", customer_ref="cus_1")
