"""The operator's payout configuration, from ``WALLET_PAYOUT_*`` settings.

Every amount is an integer of minor units of the payout currency. The step and the
flat fee must be whole multiples of the payout rate's chunk (the smallest amount of
money that a whole number of credits is worth), so every payout converts back to a
whole number of credits and the ledger stays exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wallet.money import PayoutRate, exponent, format_money
from wallet.payouts.sepa import DebtorAccount
from wallet.risk.config import RiskConfig, load_risk_config

DEFAULTS: dict[str, Any] = {
    "PAYOUT_HOLD_DAYS": 7,
    "PAYOUT_CURRENCY": "EUR",
    # 100 credits are paid out as 0.80 EUR (top-ups sell 500 credits for 4.99).
    "PAYOUT_RATE_CREDITS": 100,
    "PAYOUT_RATE_MINOR": 80,
    "PAYOUT_MINIMUM": 2000,  # 20.00 EUR
    "PAYOUT_STEP": 100,  # whole euros
    "PAYOUT_FEE": 20,  # 0.20 EUR per SEPA transfer
    "PAYOUT_CARD_FEE_BP": 290,  # 2.9 % ...
    "PAYOUT_CARD_FEE_FIXED": 30,  # ... + 0.30 per card charge
    "PAYOUT_DEBTOR_NAME": "Wallet Platform",
    "PAYOUT_DEBTOR_IBAN": "DE89370400440532013000",
    "PAYOUT_DEBTOR_BIC": "COBADEFFXXX",
    "PAYOUT_EXECUTION_DAYS": 1,
}


class PayoutConfigError(ValueError):
    """The operator's payout settings are inconsistent."""


@dataclass(frozen=True)
class PayoutConfig:
    hold_days: int
    rate: PayoutRate
    minimum: int
    step: int
    fee: int
    card_fee_bp: int
    card_fee_fixed: int
    debtor: DebtorAccount
    execution_days: int
    # the payout rules of wallet.risk (bank-change lock, first-payout hold, ...)
    risk: RiskConfig = field(default_factory=RiskConfig)

    @property
    def currency(self) -> str:
        return self.rate.currency

    def money_to_credits_exact(self, money_minor: int) -> int:
        """Credits worth exactly ``money_minor`` (a multiple of the chunk)."""
        chunks, rest = divmod(money_minor, self.rate.chunk_minor)
        if rest:
            raise PayoutConfigError(f"{money_minor} is not a whole number of rate chunks")
        return chunks * self.rate.chunk_credits

    def display(self, money_minor: int) -> str:
        return format_money(money_minor, self.currency)

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "hold_days": self.hold_days,
            "rate": {"credits": self.rate.credits, "money_minor": self.rate.money_minor,
                     "chunk_credits": self.rate.chunk_credits,
                     "chunk_minor": self.rate.chunk_minor},
            "minimum": self.minimum, "minimum_display": self.display(self.minimum),
            "step": self.step, "step_display": self.display(self.step),
            "fee": self.fee, "fee_display": self.display(self.fee),
            "card_fee": {"percent_bp": self.card_fee_bp, "fixed": self.card_fee_fixed},
            "debtor": {"name": self.debtor.name, "iban": self.debtor.iban,
                       "bic": self.debtor.bic},
            "execution_days": self.execution_days,
            "risk": self.risk.as_dict(),
        }


def _int(settings: Mapping[str, Any], key: str, minimum: int) -> int:
    value = settings.get(key, DEFAULTS[key])
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise PayoutConfigError(f"WALLET_{key} must be an integer of at least {minimum}")
    return value


def load_payout_config(settings: Mapping[str, Any]) -> PayoutConfig:
    """Build and check the configuration from a Flask config (or any mapping)."""
    currency = str(settings.get("PAYOUT_CURRENCY", DEFAULTS["PAYOUT_CURRENCY"])).upper()
    exponent(currency)
    rate = PayoutRate(_int(settings, "PAYOUT_RATE_CREDITS", 1),
                      _int(settings, "PAYOUT_RATE_MINOR", 1), currency)
    config = PayoutConfig(
        hold_days=_int(settings, "PAYOUT_HOLD_DAYS", 0),
        rate=rate,
        minimum=_int(settings, "PAYOUT_MINIMUM", 1),
        step=_int(settings, "PAYOUT_STEP", 1),
        fee=_int(settings, "PAYOUT_FEE", 0),
        card_fee_bp=_int(settings, "PAYOUT_CARD_FEE_BP", 0),
        card_fee_fixed=_int(settings, "PAYOUT_CARD_FEE_FIXED", 0),
        debtor=DebtorAccount(
            str(settings.get("PAYOUT_DEBTOR_NAME", DEFAULTS["PAYOUT_DEBTOR_NAME"])),
            str(settings.get("PAYOUT_DEBTOR_IBAN", DEFAULTS["PAYOUT_DEBTOR_IBAN"])),
            settings.get("PAYOUT_DEBTOR_BIC", DEFAULTS["PAYOUT_DEBTOR_BIC"]) or None,
        ),
        execution_days=_int(settings, "PAYOUT_EXECUTION_DAYS", 0),
        risk=load_risk_config(settings),
    )
    _check(config)
    return config


def _check(config: PayoutConfig) -> None:
    chunk = config.rate.chunk_minor
    for name in ("step", "fee"):
        if getattr(config, name) % chunk:
            raise PayoutConfigError(
                f"WALLET_PAYOUT_{name.upper()} must be a multiple of {chunk} (the money value "
                f"of {config.rate.chunk_credits} credits at the payout rate)"
            )
    if config.minimum % config.step:
        raise PayoutConfigError("WALLET_PAYOUT_MINIMUM must be a multiple of WALLET_PAYOUT_STEP")
    if config.minimum <= config.fee:
        raise PayoutConfigError("WALLET_PAYOUT_MINIMUM must be above WALLET_PAYOUT_FEE")
