"""The ``stripe`` payment provider, through the official ``stripe`` package.

No global state: each provider owns a ``stripe.StripeClient`` built with its own
API key (and, in tests, a fake HTTP client, so nothing reaches the network).
Checkout is a hosted Checkout Session in ``payment`` mode for exactly the
top-up's amount; our top-up id rides along as ``client_reference_id`` and as
``metadata.topup_id`` on the session and on its PaymentIntent (so charges,
refunds and payment failures carry it too).

Auto-reload: ``begin_card_setup`` creates (once) a Customer and a SetupIntent with
``usage=off_session`` (the page confirms it with Stripe.js and the ``client_secret``);
``finish_card_setup`` reads the succeeded SetupIntent's payment method;
``charge_off_session`` confirms a PaymentIntent ``off_session=true`` on it, with the
top-up id as idempotency key and ``metadata.autoreload = "true"`` (its
``payment_intent.succeeded`` webhook then credits through the usual handler).

Webhooks are verified by ``stripe.Webhook.construct_event`` (via the client) on
the raw body. That check only rejects timestamps in the past, against the wall
clock; we add the other direction and honour an injected ``now``, so both
providers enforce the same two-sided 300 s tolerance.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Literal

import stripe
from stripe.params import SetupIntentCreateParams
from stripe.params.checkout import SessionCreateParams

from wallet.money import normalize_currency
from wallet.topups.providers import signature
from wallet.topups.providers.base import (
    Checkout,
    InvalidSignature,
    MalformedEvent,
    OffSessionCharge,
    ProviderError,
    ProviderEvent,
    SavedCard,
    StaleEvent,
    check_checkout_args,
    get_header,
)
from wallet.topups.providers.events import event_from_payload

SIGNATURE_HEADER = "Stripe-Signature"
DEFAULT_MAX_NETWORK_RETRIES = 2


def checkout_params(
    *,
    topup_id: str,
    amount_minor: int,
    currency: str,
    description: str,
    success_url: str,
    cancel_url: str,
) -> SessionCreateParams:
    """The ``checkout.sessions.create`` parameters for one top-up (typed by stripe's stubs)."""
    metadata = {"topup_id": topup_id}
    return {
        "mode": "payment",
        "allowed_payment_method_types": ["card"],
        "client_reference_id": topup_id,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata, "description": description},
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": amount_minor,
                    "product_data": {"name": description},
                },
            }
        ],
        "success_url": success_url,
        "cancel_url": cancel_url,
    }


class StripeProvider:
    """Stripe Checkout + signed webhooks. ``webhook_secret`` is the endpoint's ``whsec_…``."""

    name = "stripe"
    signature_header = SIGNATURE_HEADER

    def __init__(
        self,
        api_key: str,
        webhook_secret: str,
        *,
        http_client: stripe.HTTPClient | None = None,
        tolerance: int = signature.DEFAULT_TOLERANCE,
        max_network_retries: int = DEFAULT_MAX_NETWORK_RETRIES,
    ) -> None:
        if not api_key or not webhook_secret:
            raise ValueError("the stripe provider needs an API key and a webhook secret")
        self._client = stripe.StripeClient(
            api_key, http_client=http_client, max_network_retries=max_network_retries
        )
        self._webhook_secret = webhook_secret
        self.tolerance = tolerance

    def create_checkout(
        self,
        *,
        topup_id: str,
        amount_minor: int,
        currency: str,
        description: str,
        success_url: str,
        cancel_url: str,
    ) -> Checkout:
        """Create a Checkout Session; retries for the same top-up return the same session."""
        code = check_checkout_args(topup_id=topup_id, amount_minor=amount_minor, currency=currency)
        params = checkout_params(
            topup_id=topup_id,
            amount_minor=amount_minor,
            currency=code,
            description=description,
            success_url=success_url,
            cancel_url=cancel_url,
        )
        try:
            session = self._client.v1.checkout.sessions.create(
                params=params,
                options={"idempotency_key": f"wallet-topup-checkout-{topup_id}"},
            )
        except stripe.StripeError as exc:
            raise ProviderError(
                "Stripe could not start the checkout.",
                details={"provider": self.name, "request_id": exc.request_id},
            ) from exc
        if not session.id or not session.url:
            raise ProviderError("Stripe returned a checkout session without a URL.")
        return Checkout(provider_ref=session.id, checkout_url=session.url)

    def parse_webhook(
        self, raw_body: bytes, headers: Mapping[str, str], now: int | None = None
    ) -> ProviderEvent:
        """Verify ``Stripe-Signature`` with ``construct_event`` on the raw body; map the event."""
        header = get_header(headers, SIGNATURE_HEADER)
        t, signatures = signature.parse_header(header)
        current = int(time.time()) if now is None else now
        # stripe judges staleness against time.time(); with an injected clock we judge it alone.
        stripe_tolerance = self.tolerance if now is None else 0
        try:
            event = self._client.construct_event(
                raw_body, header, self._webhook_secret, tolerance=stripe_tolerance
            )
        except stripe.SignatureVerificationError as exc:
            if signature.matches([self._webhook_secret], raw_body, t, signatures):
                raise StaleEvent(
                    f"The webhook was signed {current - t} s ago; "
                    f"the tolerance is {self.tolerance} s."
                ) from exc
            raise InvalidSignature("The webhook signature does not match.") from exc
        except ValueError as exc:  # not UTF-8, not JSON, or not a v1 snapshot event
            raise MalformedEvent("The webhook body is not a Stripe event.") from exc
        signature.check_timestamp(t, current, self.tolerance)
        return event_from_payload(event.to_dict())

    # ------------------------------------------------------------------ auto-reload

    def _customer(self, user_id: str, customer_ref: str | None) -> str:
        """The person's Customer, created once (the idempotency key makes retries one)."""
        if customer_ref is not None:
            return customer_ref
        customer = self._client.v1.customers.create(
            params={"metadata": {"user_id": user_id}},
            options={"idempotency_key": f"wallet-customer-{user_id}"})
        return customer.id

    def begin_card_setup(self, *, user_id: str, customer_ref: str | None) -> tuple[str, str, str]:
        """A Customer (once) and a SetupIntent for off-session use:
        ``(customer_ref, setup_intent_id, client_secret)``."""
        try:
            customer_ref = self._customer(user_id, customer_ref)
            params: SetupIntentCreateParams = {
                "customer": customer_ref, "usage": "off_session",
                "metadata": {"user_id": user_id}}
            intent = self._client.v1.setup_intents.create(params=params)
        except stripe.StripeError as exc:
            raise ProviderError("Stripe could not start saving the card.",
                                details={"provider": self.name,
                                         "request_id": exc.request_id}) from exc
        if not intent.client_secret:
            raise ProviderError("Stripe returned a SetupIntent without a client secret.")
        return customer_ref, intent.id, intent.client_secret

    def begin_card_setup_checkout(
        self, *, user_id: str, customer_ref: str | None, currency: str,
        success_url: str, cancel_url: str,
    ) -> tuple[str, Checkout]:
        """A Customer (once) and a hosted Checkout Session in ``setup`` mode, so the wallet
        page saves a card by redirecting, as a top-up does (no Stripe.js on our pages):
        ``(customer_ref, checkout)``. ``success_url`` may carry ``{CHECKOUT_SESSION_ID}``."""
        code = normalize_currency(currency)  # UnknownCurrency is a ValueError
        params: SessionCreateParams = {
            "mode": "setup", "currency": code.lower(),
            "allowed_payment_method_types": ["card"],  # auto-reload charges a card
            "client_reference_id": user_id, "success_url": success_url,
            "cancel_url": cancel_url, "metadata": {"user_id": user_id},
            "setup_intent_data": {"metadata": {"user_id": user_id}}}
        try:
            customer_ref = self._customer(user_id, customer_ref)
            session = self._client.v1.checkout.sessions.create(
                params={**params, "customer": customer_ref})
        except stripe.StripeError as exc:
            raise ProviderError("Stripe could not start saving the card.",
                                details={"provider": self.name,
                                         "request_id": exc.request_id}) from exc
        if not session.id or not session.url:
            raise ProviderError("Stripe returned a checkout session without a URL.")
        return customer_ref, Checkout(provider_ref=session.id, checkout_url=session.url)

    def finish_card_setup_checkout(self, *, checkout_session_id: str,
                                   customer_ref: str) -> SavedCard:
        """The card saved by this customer's completed setup-mode Checkout Session."""
        try:
            session = self._client.v1.checkout.sessions.retrieve(
                checkout_session_id, params={"expand": ["setup_intent.payment_method"]})
        except stripe.StripeError as exc:
            raise ProviderError("Stripe could not read the checkout session.") from exc
        intent = session.setup_intent
        if (session.mode != "setup" or session.status != "complete"
                or session.customer != customer_ref or intent is None
                or isinstance(intent, str)):
            raise ProviderError("The card was not saved (the checkout was not completed).",
                                code="card_setup_incomplete")
        return self._saved_card(intent, customer_ref)

    def finish_card_setup(self, *, setup_intent_id: str, customer_ref: str) -> SavedCard:
        """The card of a succeeded SetupIntent of this customer; raises ``ProviderError``."""
        try:
            intent = self._client.v1.setup_intents.retrieve(
                setup_intent_id, params={"expand": ["payment_method"]})
        except stripe.StripeError as exc:
            raise ProviderError("Stripe could not read the SetupIntent.") from exc
        return self._saved_card(intent, customer_ref)

    @staticmethod
    def _saved_card(intent: stripe.SetupIntent, customer_ref: str) -> SavedCard:
        method = intent.payment_method
        if intent.status != "succeeded" or method is None or intent.customer != customer_ref:
            raise ProviderError("The card was not saved (the SetupIntent did not succeed).",
                                code="card_setup_incomplete")
        method_id = method if isinstance(method, str) else method.id
        card = None if isinstance(method, str) else method.card
        return SavedCard(customer_ref=customer_ref, payment_method_ref=method_id,
                         last4=card.last4 if card is not None else None)

    def charge_off_session(
        self, *, topup_id: str, customer_ref: str, payment_method_ref: str,
        amount_minor: int, currency: str, description: str, now: int | None = None,
    ) -> OffSessionCharge:
        """Confirm an off-session PaymentIntent; a decline answers ``failed`` at once."""
        code = check_checkout_args(topup_id=topup_id, amount_minor=amount_minor,
                                   currency=currency)
        try:
            intent = self._client.v1.payment_intents.create(
                params={"amount": amount_minor, "currency": code.lower(),
                        "customer": customer_ref, "payment_method": payment_method_ref,
                        "off_session": True, "confirm": True, "description": description,
                        "metadata": {"topup_id": topup_id, "autoreload": "true"}},
                options={"idempotency_key": f"wallet-autoreload-{topup_id}"})
        except stripe.CardError as exc:
            error = exc.error
            ref = error.payment_intent.id if error and error.payment_intent else None
            return OffSessionCharge(payment_ref=ref, status="failed",
                                    message=exc.user_message or "Your card was declined.")
        except stripe.StripeError as exc:
            raise ProviderError("Stripe could not charge the saved card.",
                                details={"provider": self.name,
                                         "request_id": exc.request_id}) from exc
        status: Literal["succeeded", "processing"] = (
            "succeeded" if intent.status == "succeeded" else "processing")
        return OffSessionCharge(payment_ref=intent.id, status=status)
