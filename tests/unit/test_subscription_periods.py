"""Period arithmetic and settings of subscriptions (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wallet.subscriptions.config import load_subscription_config
from wallet.subscriptions.service import add_interval, period_bounds


def test_months_keep_the_anchor_day_clamped_without_drift() -> None:
    anchor = datetime(2027, 1, 31, 9, 30, tzinfo=UTC)
    ends = [add_interval(anchor, "month", n).date().isoformat() for n in range(1, 5)]
    assert ends == ["2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]
    assert add_interval(datetime(2028, 2, 29, tzinfo=UTC), "year", 1).date().isoformat() == \
        "2029-02-28"
    assert add_interval(anchor, "week", 3) == anchor + timedelta(weeks=3)
    assert period_bounds(anchor, "month", 1) == (
        datetime(2027, 2, 28, 9, 30, tzinfo=UTC), datetime(2027, 3, 31, 9, 30, tzinfo=UTC))
    with pytest.raises(ValueError, match="unknown interval"):
        add_interval(anchor, "day", 1)


def test_settings_are_checked() -> None:
    config = load_subscription_config({})
    assert (config.grace, config.batch) == (timedelta(days=3), 500)
    assert load_subscription_config({"SUBSCRIPTION_GRACE_DAYS": 0}).grace == timedelta(0)
    for bad in ({"SUBSCRIPTION_GRACE_DAYS": -1}, {"SUBSCRIPTION_GRACE_DAYS": "3"},
                {"SUBSCRIPTION_GRACE_DAYS": True}, {"SUBSCRIPTION_RENEW_BATCH": 0},
                {"SUBSCRIPTION_RENEW_BATCH": 10_001}):
        with pytest.raises(ValueError, match="WALLET_SUBSCRIPTION_"):
            load_subscription_config(bad)
