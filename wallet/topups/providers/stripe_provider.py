"""The ``stripe`` payment provider, through the official ``stripe`` package.

No global state: each provider owns a ``stripe.StripeClient`` built with its own
API key (and, in tests, a fake HTTP client, so nothing reaches the network).
Checkout is a hosted Checkout Session in ``payment`` mode for exactly the
top-up's amount; our top-up id rides along as ``client_reference_id`` and as
``metadata.topup_id`` on the session and on its PaymentIntent (so charges,
refunds and payment failures carry it too).

Webhooks are verified by ``stripe.Webhook.construct_event`` (via the client) on
the raw body. That check only rejects timestamps in the past, against the wall
clock; we add the other direction and honour an injected ``now``, so both
providers enforce the same two-sided 300 s tolerance.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import stripe
from stripe.params.checkout import SessionCreateParams

from wallet.topups.providers import signature
from wallet.topups.providers.base import (
    Checkout,
    InvalidSignature,
    MalformedEvent,
    ProviderError,
    ProviderEvent,
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
