"""The risk rules' settings, from ``WALLET_RISK_*`` (docs/risk.md explains each rule).

Every setting is a whole number; 0 switches a hold or a cap off (a cap of 0 means no cap).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

DEFAULTS: dict[str, int] = {
    # gifts: paid credits from a card top-up younger than this may be spent, not gifted
    "RISK_GIFT_SETTLE_DAYS": 7,
    # gifts: credits one person may gift per 24 hours, and gifts per hour (velocity)
    "RISK_GIFT_DAILY_CREDITS": 20_000,
    "RISK_GIFT_HOURLY_COUNT": 5,
    # payouts: locked this long after the bank details change
    "RISK_PAYOUT_LOCK_DAYS": 5,
    # payouts: a new merchant's first payout waits this long after sign-up
    "RISK_FIRST_PAYOUT_HOLD_DAYS": 14,
    # concentration: over this window, with at least this much earned ...
    "RISK_CONCENTRATION_WINDOW_DAYS": 30,
    "RISK_CONCENTRATION_MIN_CREDITS": 10_000,
    # ... earnings from the top N wallets above this share (percent) hold payouts ...
    "RISK_CONCENTRATION_TOP_WALLETS": 3,
    "RISK_CONCENTRATION_WALLET_PERCENT": 80,
    # ... and so does redeemed voucher value funded by fresh top-ups above this share
    "RISK_CONCENTRATION_FRESH_VOUCHER_PERCENT": 50,
}


class RiskConfigError(ValueError):
    """A risk setting is not a non-negative whole number (or a percent above 100)."""


@dataclass(frozen=True)
class RiskConfig:
    gift_settle_days: int = DEFAULTS["RISK_GIFT_SETTLE_DAYS"]
    gift_daily_credits: int = DEFAULTS["RISK_GIFT_DAILY_CREDITS"]
    gift_hourly_count: int = DEFAULTS["RISK_GIFT_HOURLY_COUNT"]
    payout_lock_days: int = DEFAULTS["RISK_PAYOUT_LOCK_DAYS"]
    first_payout_hold_days: int = DEFAULTS["RISK_FIRST_PAYOUT_HOLD_DAYS"]
    concentration_window_days: int = DEFAULTS["RISK_CONCENTRATION_WINDOW_DAYS"]
    concentration_min_credits: int = DEFAULTS["RISK_CONCENTRATION_MIN_CREDITS"]
    concentration_top_wallets: int = DEFAULTS["RISK_CONCENTRATION_TOP_WALLETS"]
    concentration_wallet_percent: int = DEFAULTS["RISK_CONCENTRATION_WALLET_PERCENT"]
    concentration_fresh_voucher_percent: int = DEFAULTS["RISK_CONCENTRATION_FRESH_VOUCHER_PERCENT"]

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


OFF = RiskConfig(gift_settle_days=0, gift_daily_credits=0, gift_hourly_count=0,
                 payout_lock_days=0, first_payout_hold_days=0, concentration_window_days=0)
"""Every rule switched off (for tests of other flows, and the offline demo)."""

PERCENTS = ("concentration_wallet_percent", "concentration_fresh_voucher_percent")


def _setting(settings: Mapping[str, Any], name: str) -> int:
    key = f"RISK_{name.upper()}"
    value = settings.get(key, DEFAULTS[key])
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RiskConfigError(f"WALLET_{key} must be a whole number of at least 0")
    if name in PERCENTS and value > 100:
        raise RiskConfigError(f"WALLET_{key} is a percent (0 to 100)")
    return value


def load_risk_config(settings: Mapping[str, Any]) -> RiskConfig:
    """The rules' settings from a Flask config (or any mapping), checked."""
    return RiskConfig(**{f.name: _setting(settings, f.name) for f in fields(RiskConfig)})
