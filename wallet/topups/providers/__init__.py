"""Payment providers behind one small interface (see ``base``).

``sandbox`` is built in for development and tests; ``stripe`` goes through the
official ``stripe`` package. Both report results as ``ProviderEvent`` values
parsed from a webhook whose signature was verified on the raw body.
"""

from wallet.topups.providers.base import (
    Checkout,
    EventType,
    InvalidSignature,
    MalformedEvent,
    PaymentProvider,
    ProviderError,
    ProviderEvent,
    StaleEvent,
    WebhookError,
)

__all__ = [
    "Checkout",
    "EventType",
    "InvalidSignature",
    "MalformedEvent",
    "PaymentProvider",
    "ProviderError",
    "ProviderEvent",
    "StaleEvent",
    "WebhookError",
]
