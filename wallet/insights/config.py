"""Insights settings, overridable by ``WALLET_INSIGHTS_*``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULTS: dict[str, Any] = {
    # a day is rolled up this long after it ended (purchases in flight have committed)
    "INSIGHTS_ROLLUP_GRACE_SECONDS": 600,
}


@dataclass(frozen=True)
class InsightsConfig:
    grace_seconds: int


def load_config(config: Mapping[str, Any]) -> InsightsConfig:
    grace = int(config.get("INSIGHTS_ROLLUP_GRACE_SECONDS",
                           DEFAULTS["INSIGHTS_ROLLUP_GRACE_SECONDS"]))
    if grace < 0:
        raise ValueError("WALLET_INSIGHTS_ROLLUP_GRACE_SECONDS must be >= 0")
    return InsightsConfig(grace_seconds=grace)
