"""Reading Stripe-shaped webhook events into ``ProviderEvent``.

Both providers speak this shape (the sandbox imitates Stripe on purpose), so one
mapping serves both:

- ``checkout.session.completed`` with ``payment_status`` "paid" and
  ``checkout.session.async_payment_succeeded``: payment_succeeded (``amount_total``)
- ``checkout.session.async_payment_failed``: payment_failed (``amount_total``)
- ``payment_intent.payment_failed``: payment_failed (``amount``, message from
  ``last_payment_error``)
- ``charge.refunded``: refunded (``amount_refunded``, cumulative)
- ``charge.dispute.created``: chargeback (``amount``)
- ``charge.dispute.closed`` with ``status: won``: dispute_won (``amount``)
- anything else, or a completed session not yet paid: ignored

Our top-up id travels in ``metadata.topup_id`` (on the session and on the
payment intent, hence on its charges). Amounts must be JSON integers.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from wallet.topups.providers.base import EventType, MalformedEvent, ProviderEvent
from wallet.web import jsonparse

MAX_ID_LENGTH = 255

_SIMPLE: dict[str, EventType] = {
    "checkout.session.async_payment_succeeded": "payment_succeeded",
    "checkout.session.async_payment_failed": "payment_failed",
    "payment_intent.payment_failed": "payment_failed",
    "charge.refunded": "refunded",
    "charge.dispute.created": "chargeback",
}
DEFAULT_FAILURE_MESSAGE = "The payment failed."


def load_json(raw_body: bytes) -> dict[str, Any]:
    """Parse a webhook body with the one limited parser (no floats, no NaN, no deep
    nesting); raises ``MalformedEvent``."""
    try:
        data = jsonparse.loads(raw_body, parse_float=Decimal)
    except jsonparse.InvalidJSON as exc:
        raise MalformedEvent(f"The webhook body is not valid JSON: {exc.message}") from exc
    if not isinstance(data, dict):
        raise MalformedEvent("The webhook body must be a JSON object.")
    return data


def _req_str(obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LENGTH:
        raise MalformedEvent(f"The event field {key!r} must be a non-empty string.", param=key)
    return value


def _str(obj: Mapping[str, Any], key: str) -> str | None:
    return None if obj.get(key) is None else _req_str(obj, key)


def _int(obj: Mapping[str, Any], key: str) -> int:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedEvent(f"The event field {key!r} must be a non-negative integer.", param=key)
    return value


def _ref(obj: Mapping[str, Any], key: str) -> str | None:
    """An id field that may also arrive expanded as an object with an ``id``."""
    value = obj.get(key)
    if isinstance(value, Mapping):
        return _str(value, "id")
    return _str(obj, key)


def _amount_field(kind: EventType, obj_type: str) -> str:
    if kind == "refunded":
        return "amount_refunded"
    return "amount_total" if obj_type == "checkout.session" else "amount"


def classify(event_type: str, obj: Mapping[str, Any]) -> EventType:
    """Our event type for a provider event type and its data object."""
    if event_type == "checkout.session.completed":
        # "unpaid" means an async method is still pending; it ends in async_payment_*.
        return "payment_succeeded" if obj.get("payment_status") == "paid" else "ignored"
    if event_type == "charge.dispute.closed":
        # won: the platform keeps the money, so what the dispute took is given back
        return "dispute_won" if obj.get("status") == "won" else "ignored"
    if event_type == "payment_intent.succeeded":
        # Only auto-reload's off-session intents: a checkout's own intent is reported
        # by its session (checkout.session.completed), never twice.
        metadata = obj.get("metadata")
        off_session = isinstance(metadata, Mapping) and metadata.get("autoreload") == "true"
        return "payment_succeeded" if off_session else "ignored"
    return _SIMPLE.get(event_type, "ignored")


def _currency(obj: Mapping[str, Any]) -> str:
    value = _req_str(obj, "currency")
    if len(value) != 3 or not value.isascii() or not value.isalpha():
        raise MalformedEvent("The event currency must be a 3-letter code.", param="currency")
    return value.upper()


def _metadata(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = obj.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        raise MalformedEvent("The event metadata must be an object.", param="metadata")
    return metadata


def _failure_message(obj: Mapping[str, Any]) -> str:
    error = obj.get("last_payment_error")
    if isinstance(error, Mapping) and isinstance(error.get("message"), str) and error["message"]:
        return str(error["message"])
    return DEFAULT_FAILURE_MESSAGE


def _payment_ref(obj_type: str, obj: Mapping[str, Any]) -> str | None:
    if obj_type == "payment_intent":
        return _str(obj, "id")
    return _ref(obj, "payment_intent")


def event_from_payload(payload: Mapping[str, Any]) -> ProviderEvent:
    """Map a Stripe-shaped event (already verified) to a ``ProviderEvent``."""
    event_id = _req_str(payload, "id")
    raw_type = _req_str(payload, "type")
    created = _int(payload, "created")
    data = payload.get("data")
    obj = data.get("object") if isinstance(data, Mapping) else None
    if not isinstance(obj, Mapping):
        raise MalformedEvent("The event has no data.object.", param="data")
    kind = classify(raw_type, obj)
    if kind == "ignored":
        return ProviderEvent(
            event_id=event_id,
            type="ignored",
            topup_id=None,
            provider_ref=None,
            amount_minor=None,
            currency=None,
            created=created,
            raw_type=raw_type,
        )
    raw_obj_type = obj.get("object")
    obj_type = raw_obj_type if isinstance(raw_obj_type, str) else ""
    metadata = _metadata(obj)
    topup_id = _str(metadata, "topup_id") or (
        _str(obj, "client_reference_id") if obj_type == "checkout.session" else None
    )
    provider_ref = (
        _str(obj, "id") if obj_type == "checkout.session" else _str(metadata, "checkout_session")
    )
    payment_ref = _payment_ref(obj_type, obj)
    if topup_id is None and provider_ref is None and payment_ref is None:
        raise MalformedEvent("The event does not name a top-up or a payment.", param="metadata")
    return ProviderEvent(
        event_id=event_id,
        type=kind,
        topup_id=topup_id,
        provider_ref=provider_ref,
        amount_minor=_int(obj, _amount_field(kind, obj_type)),
        currency=_currency(obj),
        created=created,
        failure_message=_failure_message(obj) if kind == "payment_failed" else None,
        payment_ref=payment_ref,
        raw_type=raw_type,
    )
