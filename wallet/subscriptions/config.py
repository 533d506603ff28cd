"""Subscription settings, from ``WALLET_SUBSCRIPTION_*`` (see wallet/payouts/config.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

DEFAULTS: dict[str, Any] = {
    # A renewal that finds too few credits is retried on every run for this long
    # (status past_due), then the subscription is canceled.
    "SUBSCRIPTION_GRACE_DAYS": 3,
    # Subscriptions one renewal transaction claims (FOR UPDATE SKIP LOCKED) and charges.
    "SUBSCRIPTION_RENEW_BATCH": 500,
    # Auto-reload: consecutive failed off-session top-ups after which a rule turns itself off.
    "AUTORELOAD_MAX_FAILURES": 3,
    # Auto-reload rules one scan transaction claims (FOR UPDATE SKIP LOCKED).
    "AUTORELOAD_BATCH": 200,
}


@dataclass(frozen=True)
class SubscriptionConfig:
    grace: timedelta
    batch: int
    autoreload_max_failures: int = 3
    autoreload_batch: int = 200


def load_subscription_config(settings: Mapping[str, Any]) -> SubscriptionConfig:
    """The settings, checked: a grace of 0 to 60 days, a batch of 1 to 10,000."""
    grace_days = settings.get("SUBSCRIPTION_GRACE_DAYS", DEFAULTS["SUBSCRIPTION_GRACE_DAYS"])
    batch = settings.get("SUBSCRIPTION_RENEW_BATCH", DEFAULTS["SUBSCRIPTION_RENEW_BATCH"])
    if isinstance(grace_days, bool) or not isinstance(grace_days, int) or not 0 <= grace_days <= 60:
        raise ValueError("WALLET_SUBSCRIPTION_GRACE_DAYS must be a whole number of days, 0 to 60")
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= 10_000:
        raise ValueError("WALLET_SUBSCRIPTION_RENEW_BATCH must be 1 to 10000")
    max_failures = settings.get("AUTORELOAD_MAX_FAILURES", DEFAULTS["AUTORELOAD_MAX_FAILURES"])
    reload_batch = settings.get("AUTORELOAD_BATCH", DEFAULTS["AUTORELOAD_BATCH"])
    if not _int_between(max_failures, 1, 100):
        raise ValueError("WALLET_AUTORELOAD_MAX_FAILURES must be 1 to 100")
    if not _int_between(reload_batch, 1, 10_000):
        raise ValueError("WALLET_AUTORELOAD_BATCH must be 1 to 10000")
    return SubscriptionConfig(grace=timedelta(days=grace_days), batch=batch,
                              autoreload_max_failures=max_failures,
                              autoreload_batch=reload_batch)


def _int_between(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
