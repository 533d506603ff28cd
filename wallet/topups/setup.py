"""Top-up configuration: which providers are on, the price list, the risk limits.

- ``WALLET_TOPUP_PROVIDER``: ``sandbox`` (default) or ``stripe``, the provider new
  checkouts use.
- ``WALLET_SANDBOX_WEBHOOK_SECRET``: base64 of 32 bytes; generated into the instance
  folder outside production.
- ``WALLET_STRIPE_API_KEY`` and ``WALLET_STRIPE_WEBHOOK_SECRET``: turn ``stripe`` on.
- ``WALLET_PRICE_LIST_FILE``: the operator's price list (JSON, see ``pricing``);
  the built-in default otherwise.
- ``WALLET_DAILY_TOPUP_LIMIT_CREDITS``: credits one person may top up per 24 h
  (default 20000; ``null`` for none).
- ``WALLET_DAILY_TOPUP_LIMIT_MONEY``: JSON ``{"USD": 20000, "KRW": 260000}`` in minor
  units per currency (default none).
- ``WALLET_MAX_WALLET_CREDITS``: the most credits a wallet may hold after a top-up
  (default 100000; ``null`` for none).

The sandbox accepts webhooks whenever it is on: when it is the selected provider
or outside production. Plain functions of a config mapping, no Flask import;
``wallet.topups.api`` caches the result per app.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wallet.errors import NotFound
from wallet.risk.config import load_risk_config
from wallet.topups.pricing import PriceList, load_price_list
from wallet.topups.providers.base import PaymentProvider
from wallet.topups.providers.sandbox import SandboxProvider
from wallet.topups.service import RiskLimits

PROVIDER_NAMES = ("sandbox", "stripe")
DEFAULT_DAILY_LIMIT_CREDITS = 20_000
DEFAULT_MAX_WALLET_CREDITS = 100_000


class UnknownProvider(NotFound):
    code = "unknown_provider"
    default_message = "No such payment provider is configured."


@dataclass
class TopUpRuntime:
    """Providers by name (tests may replace one) and the price list of one app."""

    selected: str
    prices: PriceList
    providers: dict[str, PaymentProvider] = field(default_factory=dict)

    def provider(self, name: str) -> PaymentProvider:
        found = self.providers.get(name) if isinstance(name, str) else None
        if found is None:
            raise UnknownProvider(f"The payment provider {name!r} is not configured.")
        return found

    @property
    def checkout_provider(self) -> PaymentProvider:
        return self.provider(self.selected)


def build_runtime(
    config: Mapping[str, Any], sandbox_secret: Callable[[], bytes], production: bool
) -> TopUpRuntime:
    """Providers and prices from the app config (``sandbox_secret`` is only called if needed)."""
    selected = str(config.get("TOPUP_PROVIDER") or "sandbox").lower()
    if selected not in PROVIDER_NAMES:
        raise RuntimeError(f"WALLET_TOPUP_PROVIDER must be one of {PROVIDER_NAMES}")
    providers: dict[str, PaymentProvider] = {}
    if selected == "sandbox" or not production:
        secret = base64.urlsafe_b64encode(sandbox_secret()).decode().rstrip("=")
        providers["sandbox"] = SandboxProvider(f"whsec_sbx_{secret}")
    api_key, webhook_secret = config.get("STRIPE_API_KEY"), config.get("STRIPE_WEBHOOK_SECRET")
    if api_key and webhook_secret:
        from wallet.topups.providers.stripe_provider import StripeProvider

        providers["stripe"] = StripeProvider(str(api_key), str(webhook_secret))
    elif selected == "stripe":
        raise RuntimeError("WALLET_TOPUP_PROVIDER=stripe needs WALLET_STRIPE_API_KEY and "
                           "WALLET_STRIPE_WEBHOOK_SECRET")
    prices = load_price_list(config.get("PRICE_LIST_FILE") or None)
    return TopUpRuntime(selected=selected, prices=prices, providers=providers)


def _optional_int(config: Mapping[str, Any], key: str, default: int | None) -> int | None:
    value = config.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RuntimeError(f"WALLET_{key} must be a non-negative integer or null")
    return value


def limits_from_config(config: Mapping[str, Any]) -> RiskLimits:
    """The risk limits of ``WALLET_DAILY_TOPUP_LIMIT_*`` and ``WALLET_MAX_WALLET_CREDITS``."""
    money = config.get("DAILY_TOPUP_LIMIT_MONEY") or {}
    if not isinstance(money, Mapping) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in money.values()
    ):
        raise RuntimeError("WALLET_DAILY_TOPUP_LIMIT_MONEY must map currencies to integers")
    return RiskLimits(
        daily_credits=_optional_int(config, "DAILY_TOPUP_LIMIT_CREDITS",
                                    DEFAULT_DAILY_LIMIT_CREDITS),
        daily_money={str(k).upper(): int(v) for k, v in money.items()},
        max_wallet_credits=_optional_int(config, "MAX_WALLET_CREDITS",
                                         DEFAULT_MAX_WALLET_CREDITS),
        settle_days=load_risk_config(config).gift_settle_days,
    )
