"""The built-in ``sandbox`` payment provider, for development and tests.

It imitates Stripe closely enough that the webhook endpoint cannot tell the
difference: a hosted checkout page on our own server
(``/sandbox/checkout/<provider_ref>``, rendered by the web layer with the logic
here), test card numbers, and results reported as Stripe-shaped JSON events
signed with ``t=…,v1=HMAC-SHA256(secret, "t.body")`` in the ``Sandbox-Signature``
header. The page charges the card with :func:`charge`, then posts the event from
:meth:`SandboxProvider.build_charge_event` to ``POST /v1/webhooks/sandbox``, where
:meth:`SandboxProvider.parse_webhook` verifies it like any provider's webhook.

Test cards (any future expiry, any 3-4 digit CVC):

- ``4242 4242 4242 4242``: succeeds
- ``4000 0000 0000 0002``: declined, "Your card was declined."
- ``4000 0000 0000 9995``: declined, "Your card has insufficient funds."
- ``4000 0000 0000 0341``: can be saved for auto-reload, then every off-session charge
  is declined (Stripe's test card of the same number does the same)

Auto-reload: :meth:`SandboxProvider.save_card` saves a test card (``pm_sbx_<last4>_…``)
and :meth:`SandboxProvider.charge_off_session` charges it, answering at once with the
signed ``payment_intent.succeeded`` / ``payment_intent.payment_failed`` webhook.

Any other number, even a valid one, is refused: the sandbox never takes real cards.
No card data is stored or put into events; a charge result keeps only the last four digits.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from wallet.topups.providers import signature
from wallet.topups.providers.base import (
    CardSetupError,
    Checkout,
    OffSessionCharge,
    ProviderEvent,
    SavedCard,
    check_amount,
    check_checkout_args,
    get_header,
)
from wallet.topups.providers.events import event_from_payload, load_json

SIGNATURE_HEADER = "Sandbox-Signature"
CHECKOUT_PATH = "/sandbox/checkout"
API_VERSION = "sandbox-1"
MAX_EXPIRY_YEARS = 50

ChargeStatus = Literal["succeeded", "declined", "invalid"]
ReportedKind = Literal["payment_succeeded", "payment_failed", "refunded", "chargeback",
                       "dispute_won"]

_STRIPE_TYPES: dict[ReportedKind, str] = {
    "payment_succeeded": "checkout.session.completed",
    "payment_failed": "payment_intent.payment_failed",
    "refunded": "charge.refunded",
    "chargeback": "charge.dispute.created",
    "dispute_won": "charge.dispute.closed",
}


@dataclass(frozen=True, slots=True)
class TestCard:
    """A sandbox test card and the outcome it always produces."""

    __test__ = False  # not a pytest test class

    number: str
    status: Literal["succeeded", "declined"]
    decline_code: str | None = None
    message: str | None = None


TEST_CARDS: Mapping[str, TestCard] = {
    card.number: card
    for card in (
        TestCard("4242424242424242", "succeeded"),
        TestCard("4000000000000002", "declined", "generic_decline", "Your card was declined."),
        TestCard(
            "4000000000009995",
            "declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        TestCard("4000000000000341", "declined", "generic_decline", "Your card was declined."),
    )
}
# Cards that can be saved for off-session charges (a plain decline card cannot be saved).
SAVABLE_CARDS = ("4242424242424242", "4000000000009995", "4000000000000341")
# Cards whose off-session charges succeed.
OFF_SESSION_OK = ("4242424242424242",)


@dataclass(frozen=True, slots=True)
class CardError:
    """One problem with one field of the card form (``param`` names the field)."""

    param: Literal["card_number", "exp_month", "exp_year", "cvc"]
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class SandboxChargeResult:
    """The outcome of :func:`charge`.

    ``invalid``: the form has errors (``errors``); nothing was attempted and no
    webhook should be sent. ``declined``: the attempt failed (``message`` is for the
    person) and a ``payment_failed`` webhook reports it. ``succeeded``: paid.
    """

    status: ChargeStatus
    amount_minor: int
    currency: str
    payment_ref: str | None = None
    charge_id: str | None = None
    code: str | None = None
    decline_code: str | None = None
    message: str | None = None
    errors: tuple[CardError, ...] = ()
    last4: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    @property
    def param(self) -> str | None:
        """The first form field in error, if any."""
        return self.errors[0].param if self.errors else None


def normalize_card_number(card_number: str) -> str:
    """Drop the spaces and hyphens people type between digit groups."""
    return "".join(ch for ch in card_number if ch not in " -")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check over a string of ASCII digits."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _as_int(value: int | str) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


def parse_expiry(text: str) -> tuple[int | str, int | str]:
    """Split ``"MM/YY"`` (or ``"MM / YYYY"``) into month and year for :func:`charge`."""
    month, _, year = text.partition("/")
    return month.strip(), year.strip()


def _check_number(card_number: str) -> CardError | None:
    digits = normalize_card_number(card_number) if isinstance(card_number, str) else ""
    if not digits:
        return CardError("card_number", "incomplete_number", "Your card number is incomplete.")
    if not digits.isascii() or not digits.isdigit() or not 12 <= len(digits) <= 19:
        return CardError("card_number", "invalid_number", "Your card number is invalid.")
    if not luhn_valid(digits):
        return CardError("card_number", "invalid_number", "Your card number is invalid.")
    return None


def _check_expiry(exp_month: int | str, exp_year: int | str, now: int) -> list[CardError]:
    month = _as_int(exp_month)
    year = _as_int(exp_year)
    errors: list[CardError] = []
    if month is None or not 1 <= month <= 12:
        message = "Your card's expiration month is invalid."
        errors.append(CardError("exp_month", "invalid_expiry_month", message))
    today = datetime.fromtimestamp(now, UTC)
    if year is not None and year < 100:
        year += 2000
    if year is None or not 2000 <= year <= today.year + MAX_EXPIRY_YEARS:
        message = "Your card's expiration year is invalid."
        errors.append(CardError("exp_year", "invalid_expiry_year", message))
    if errors or month is None or year is None:
        return errors
    if (year, month) < (today.year, today.month):  # valid through the end of the month
        param: Literal["exp_month", "exp_year"] = "exp_year" if year < today.year else "exp_month"
        errors.append(CardError(param, "expired_card", "Your card has expired."))
    return errors


def _check_cvc(cvc: str) -> CardError | None:
    text = cvc.strip() if isinstance(cvc, str) else ""
    if not text.isascii() or not text.isdigit() or not 3 <= len(text) <= 4:
        return CardError("cvc", "invalid_cvc", "Your card's security code is invalid.")
    return None


def validate_card(
    card_number: str, exp_month: int | str, exp_year: int | str, cvc: str, now: int
) -> tuple[CardError, ...]:
    """Every problem with the card form, in field order (empty when the form is valid)."""
    errors: list[CardError] = []
    number_error = _check_number(card_number)
    if number_error is not None:
        errors.append(number_error)
    errors.extend(_check_expiry(exp_month, exp_year, now))
    cvc_error = _check_cvc(cvc)
    if cvc_error is not None:
        errors.append(cvc_error)
    return tuple(errors)


def _not_a_test_card() -> CardError:
    return CardError(
        "card_number",
        "not_a_test_card",
        "The sandbox only accepts test cards, such as 4242 4242 4242 4242.",
    )


def charge(
    card_number: str,
    exp_month: int | str,
    exp_year: int | str,
    cvc: str,
    amount_minor: int,
    currency: str,
    now: int | None = None,
) -> SandboxChargeResult:
    """Charge a sandbox card: validate the form, then apply the test card's outcome."""
    code = check_amount(amount_minor, currency)
    now = int(time.time()) if now is None else now
    errors = validate_card(card_number, exp_month, exp_year, cvc, now)
    card = TEST_CARDS.get(normalize_card_number(card_number)) if not errors else None
    if not errors and card is None:
        errors = (_not_a_test_card(),)
    if errors or card is None:
        first = errors[0]
        return SandboxChargeResult(
            status="invalid",
            amount_minor=amount_minor,
            currency=code,
            code=first.code,
            message=first.message,
            errors=errors,
        )
    token = secrets.token_hex(12)
    common: dict[str, Any] = {
        "amount_minor": amount_minor,
        "currency": code,
        "payment_ref": f"pi_sbx_{token}",
        "charge_id": f"ch_sbx_{token}",
        "last4": card.number[-4:],
    }
    if card.status == "succeeded":
        return SandboxChargeResult(status="succeeded", **common)
    return SandboxChargeResult(
        status="declined",
        code="card_declined",
        decline_code=card.decline_code,
        message=card.message,
        **common,
    )


@dataclass(frozen=True, slots=True)
class _Refs:
    topup_id: str
    provider_ref: str
    payment_ref: str | None
    charge_id: str | None


def _checkout_session(refs: _Refs, amount: int, currency: str) -> dict[str, Any]:
    return {
        "id": refs.provider_ref,
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete",
        "payment_status": "paid",
        "amount_total": amount,
        "currency": currency.lower(),
        "client_reference_id": refs.topup_id,
        "payment_intent": refs.payment_ref,
        "metadata": {"topup_id": refs.topup_id},
    }


class SandboxProvider:
    """The built-in provider. Keep ``webhook_secret`` secret: it signs the sandbox's webhooks.

    During a rotation pass the old secrets as ``previous_secrets``: events are then
    signed with every secret (one ``v1`` entry each) and accepted under any of them.
    """

    name = "sandbox"
    signature_header = SIGNATURE_HEADER

    def __init__(
        self,
        webhook_secret: str,
        *,
        previous_secrets: Sequence[str] = (),
        checkout_path: str = CHECKOUT_PATH,
        tolerance: int = signature.DEFAULT_TOLERANCE,
    ) -> None:
        if not webhook_secret or not all(previous_secrets):
            raise ValueError("sandbox webhook secrets must not be empty")
        self._secrets = [webhook_secret, *previous_secrets]
        self._checkout_path = checkout_path.rstrip("/")
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
        """A checkout on our own sandbox page; the page finds the top-up by ``provider_ref``."""
        check_checkout_args(topup_id=topup_id, amount_minor=amount_minor, currency=currency)
        ref = f"cs_sbx_{secrets.token_hex(12)}"
        return Checkout(provider_ref=ref, checkout_url=f"{self._checkout_path}/{ref}")

    def parse_webhook(
        self, raw_body: bytes, headers: Mapping[str, str], now: int | None = None
    ) -> ProviderEvent:
        """Verify the ``Sandbox-Signature`` on the raw body, then read the event."""
        header = get_header(headers, SIGNATURE_HEADER)
        signature.verify(self._secrets, raw_body, header, now, self.tolerance)
        return event_from_payload(load_json(raw_body))

    def save_card(
        self, *, user_id: str, card_number: str, exp_month: int | str, exp_year: int | str,
        cvc: str, customer_ref: str | None = None, now: int | None = None,
    ) -> SavedCard:
        """Save a test card for off-session charges (a SetupIntent's outcome, at once)."""
        now = int(time.time()) if now is None else now
        errors = validate_card(card_number, exp_month, exp_year, cvc, now)
        number = normalize_card_number(card_number)
        if not errors and number not in SAVABLE_CARDS:
            errors = (_not_a_test_card() if number not in TEST_CARDS else CardError(
                "card_number", "card_declined", "Your card was declined."),)
        if errors:
            raise CardSetupError(errors[0].message, code=errors[0].code, param=errors[0].param)
        return SavedCard(
            customer_ref=customer_ref or f"cus_sbx_{secrets.token_hex(8)}",
            payment_method_ref=f"pm_sbx_{number[-4:]}_{secrets.token_hex(8)}",
            last4=number[-4:],
        )

    def charge_off_session(
        self, *, topup_id: str, customer_ref: str, payment_method_ref: str,
        amount_minor: int, currency: str, description: str, now: int | None = None,
    ) -> OffSessionCharge:
        """Charge a saved test card; the signed webhook comes back with the answer."""
        code = check_checkout_args(topup_id=topup_id, amount_minor=amount_minor, currency=currency)
        if not payment_method_ref.startswith("pm_sbx_"):
            raise ValueError("not a sandbox payment method")
        last4 = payment_method_ref.split("_")[2]
        ok = any(card.endswith(last4) for card in OFF_SESSION_OK)
        payment_ref = f"pi_sbx_{secrets.token_hex(12)}"
        kind: ReportedKind = "payment_succeeded" if ok else "payment_failed"
        card = next((c for n, c in TEST_CARDS.items() if n.endswith(last4)), None)
        message = None if ok else (card.message if card and card.message
                                   else "Your card was declined.")
        refs = _Refs(topup_id, payment_ref, payment_ref, f"ch_sbx_{secrets.token_hex(12)}")
        obj = _event_object(kind, refs, amount_minor, code,
                            None if ok else (card.decline_code if card else None), message)
        if ok:
            obj = {"id": payment_ref, "object": "payment_intent", "status": "succeeded",
                   "amount": amount_minor, "currency": code.lower(),
                   "customer": customer_ref, "payment_method": payment_method_ref}
        obj["metadata"] = {"topup_id": topup_id, "autoreload": "true"}
        body, header = self._sign_event(
            "payment_intent.succeeded" if ok else "payment_intent.payment_failed", obj, now)
        return OffSessionCharge(
            payment_ref=payment_ref, status="succeeded" if ok else "failed", message=message,
            webhook=(body, {SIGNATURE_HEADER: header}),
        )

    def _sign_event(self, raw_type: str, obj: dict[str, Any],
                    now: int | None) -> tuple[bytes, str]:
        now = int(time.time()) if now is None else now
        event = {"id": f"evt_sbx_{secrets.token_hex(12)}", "object": "event",
                 "api_version": API_VERSION, "created": now, "livemode": False,
                 "type": raw_type, "data": {"object": obj}}
        body = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return body, signature.sign_with(self._secrets, body, now)

    def build_event(
        self,
        kind: ReportedKind,
        *,
        topup_id: str,
        provider_ref: str,
        amount_minor: int,
        currency: str,
        payment_ref: str | None = None,
        charge_id: str | None = None,
        failure_code: str | None = None,
        failure_message: str | None = None,
        now: int | None = None,
        event_id: str | None = None,
    ) -> tuple[bytes, str]:
        """A signed Stripe-shaped event: ``(raw body, Sandbox-Signature header value)``.

        ``amount_minor`` is the paid amount (payment_succeeded/failed), the amount
        refunded so far (refunded), or the disputed amount (chargeback).
        """
        code = check_checkout_args(topup_id=topup_id, amount_minor=amount_minor, currency=currency)
        now = int(time.time()) if now is None else now
        refs = _Refs(topup_id, provider_ref, payment_ref, charge_id)
        obj = _event_object(kind, refs, amount_minor, code, failure_code, failure_message)
        event = {
            "id": event_id or f"evt_sbx_{secrets.token_hex(12)}",
            "object": "event",
            "api_version": API_VERSION,
            "created": now,
            "livemode": False,
            "type": _STRIPE_TYPES[kind],
            "data": {"object": obj},
        }
        body = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return body, signature.sign_with(self._secrets, body, now)

    def build_charge_event(
        self,
        result: SandboxChargeResult,
        *,
        topup_id: str,
        provider_ref: str,
        now: int | None = None,
    ) -> tuple[bytes, str]:
        """The webhook reporting a :func:`charge` outcome (not for ``invalid`` results)."""
        if result.status == "invalid":
            raise ValueError("an invalid card form is not reported to the webhook")
        kind: ReportedKind = "payment_succeeded" if result.succeeded else "payment_failed"
        return self.build_event(
            kind,
            topup_id=topup_id,
            provider_ref=provider_ref,
            amount_minor=result.amount_minor,
            currency=result.currency,
            payment_ref=result.payment_ref,
            charge_id=result.charge_id,
            failure_code=result.decline_code,
            failure_message=result.message,
            now=now,
        )


def _event_object(
    kind: ReportedKind,
    refs: _Refs,
    amount: int,
    currency: str,
    failure_code: str | None,
    failure_message: str | None,
) -> dict[str, Any]:
    """The ``data.object`` of a Stripe-shaped event of ``kind``."""
    if kind == "payment_succeeded":
        return _checkout_session(refs, amount, currency)
    token = secrets.token_hex(12)
    payment_ref = refs.payment_ref or f"pi_sbx_{token}"
    charge_id = refs.charge_id or f"ch_sbx_{token}"
    common = {
        "amount": amount,
        "currency": currency.lower(),
        "metadata": {"topup_id": refs.topup_id, "checkout_session": refs.provider_ref},
    }
    if kind == "payment_failed":
        error = {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": failure_code or "generic_decline",
            "message": failure_message or "Your card was declined.",
        }
        return {
            "id": payment_ref,
            "object": "payment_intent",
            "status": "requires_payment_method",
            "last_payment_error": error,
            **common,
        }
    if kind == "refunded":
        return {
            "id": charge_id,
            "object": "charge",
            "payment_intent": payment_ref,
            "amount_refunded": amount,
            "refunded": True,
            **common,
        }
    return {
        "id": f"dp_sbx_{token}",
        "object": "dispute",
        "charge": charge_id,
        "payment_intent": payment_ref,
        "reason": "fraudulent",
        "status": "won" if kind == "dispute_won" else "needs_response",
        **common,
    }
