"""The small interface every payment provider implements, and its typed errors.

A provider does two things: it starts a hosted checkout for a top-up, and it
turns a webhook (raw body + headers) into a ``ProviderEvent`` after verifying
the signature on the raw body. Everything else (crediting the wallet exactly
once, replays, out-of-order events, claw-backs) is the webhook handler's job;
the event carries a stable ``event_id`` and the provider's ``created`` time so
the handler can deduplicate and order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from wallet.errors import InvalidRequest, WalletError
from wallet.money import normalize_currency

EventType = Literal["payment_succeeded", "payment_failed", "refunded", "chargeback",
                    "dispute_won", "ignored"]
EVENT_TYPES: frozenset[str] = frozenset(
    {"payment_succeeded", "payment_failed", "refunded", "chargeback", "ignored"}
)

# Stripe's own ceiling for one amount (8 digits); well inside int64.
MAX_AMOUNT_MINOR = 99_999_999


class WebhookError(InvalidRequest):
    """A webhook that must be rejected with 400 and must write nothing."""

    code = "invalid_webhook"
    default_message = "The webhook could not be accepted."


class InvalidSignature(WebhookError):
    """Missing, unparsable, forged or wrong-secret signature."""

    code = "invalid_signature"
    default_message = "The webhook signature is missing or does not match."


class StaleEvent(WebhookError):
    """Correctly signed, but the signed timestamp is outside the tolerance."""

    code = "stale_event"
    default_message = "The webhook timestamp is outside the allowed tolerance."


class MalformedEvent(WebhookError):
    """Correctly signed, but the body is not an event we can read."""

    code = "malformed_event"
    default_message = "The webhook body is not a valid event."


class ProviderError(WalletError):
    """The provider could not be reached or refused a request (e.g. creating a checkout)."""

    type = "api_error"
    code = "provider_error"
    default_message = "The payment provider could not process the request."


class CardSetupError(InvalidRequest):
    """The card could not be saved (invalid form, declined, not a sandbox test card)."""

    type = "card_error"
    code = "card_declined"
    default_message = "The card could not be saved."


@dataclass(frozen=True, slots=True)
class Checkout:
    """A hosted checkout: send the person to ``checkout_url``; ``provider_ref`` identifies it."""

    provider_ref: str
    checkout_url: str


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    """A verified webhook event, reduced to what the top-up handler needs.

    - ``event_id``: the provider's event id, stable across redeliveries (dedupe key).
    - ``created``: the provider's event time (unix seconds), for ordering.
    - ``topup_id``: our top-up id from the checkout metadata; may be ``None`` for
      events the provider cannot tie to metadata (a Stripe dispute), in which case
      match by ``payment_ref``.
    - ``provider_ref``: the checkout id (``create_checkout``'s ``provider_ref``) when
      the event names it.
    - ``payment_ref``: the provider's payment id (Stripe PaymentIntent, sandbox
      charge); store it on success to match later refunds and chargebacks.
    - ``amount_minor``: paid amount (succeeded/failed), amount refunded so far on
      the payment, cumulative (refunded), or disputed amount (chargeback).
    - ``raw_type``: the provider's own event type, for logs.
    """

    event_id: str
    type: EventType
    topup_id: str | None
    provider_ref: str | None
    amount_minor: int | None
    currency: str | None
    created: int
    failure_message: str | None = None
    payment_ref: str | None = None
    raw_type: str = ""


@runtime_checkable
class PaymentProvider(Protocol):
    """What the top-up service and the webhook endpoint need from a provider."""

    name: str

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
        """Start a hosted checkout for one top-up; raises ``ProviderError``."""
        ...

    def parse_webhook(
        self, raw_body: bytes, headers: Mapping[str, str], now: int | None = None
    ) -> ProviderEvent:
        """Verify the signature on the raw body and parse the event.

        Raises ``InvalidSignature``, ``StaleEvent`` or ``MalformedEvent``.
        """
        ...


def get_header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup that works on plain dicts and Werkzeug headers."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    for key, val in headers.items():
        if key.lower() == wanted:
            return val
    return None


def check_amount(amount_minor: int, currency: str) -> str:
    """Validate a charge amount (programming errors raise ``ValueError``); return the ISO code."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise ValueError("amount_minor must be an integer number of minor units")
    if not 0 < amount_minor <= MAX_AMOUNT_MINOR:
        raise ValueError(f"amount_minor must be between 1 and {MAX_AMOUNT_MINOR}")
    return normalize_currency(currency)  # UnknownCurrency is a ValueError


def check_checkout_args(*, topup_id: str, amount_minor: int, currency: str) -> str:
    """Validate checkout arguments (bad ones raise ``ValueError``); return the ISO code."""
    if not isinstance(topup_id, str) or not topup_id:
        raise ValueError("topup_id must be a non-empty string")
    return check_amount(amount_minor, currency)


@dataclass(frozen=True, slots=True)
class SavedCard:
    """A card saved at the provider for off-session charges (no card data, last four only)."""

    customer_ref: str
    payment_method_ref: str
    last4: str | None


@dataclass(frozen=True, slots=True)
class OffSessionCharge:
    """What an off-session charge answered at once.

    ``status``: ``succeeded`` or ``processing`` (the webhook will say), or ``failed``
    (``message`` for the person). ``webhook`` is a signed ``(raw body, headers)`` the
    provider reports synchronously (the sandbox); a real provider sends it later.
    """

    payment_ref: str | None
    status: Literal["succeeded", "processing", "failed"]
    message: str | None = None
    webhook: tuple[bytes, dict[str, str]] | None = None


@runtime_checkable
class OffSessionProvider(PaymentProvider, Protocol):
    """A provider that can charge a saved card without the person (auto-reload)."""

    name: str

    def charge_off_session(
        self, *, topup_id: str, customer_ref: str, payment_method_ref: str,
        amount_minor: int, currency: str, description: str, now: int | None = None,
    ) -> OffSessionCharge:
        """Charge the saved card once per ``topup_id`` (the provider's idempotency key)."""
        ...
