"""The concentration rule at the size of a payout run (issue 12).

A run asks the rule about every merchant it claimed. It used to bind one parameter per
merchant (``accounts.code IN (…)``): at 100,000 merchants PostgreSQL refused the statement
("number of parameters must be between 0 and 65535"), and SQLite refuses more than 32,766.
Now every statement binds the merchants as one parameter, whatever their number."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tests.support.payout_fixtures import make_merchant, purchases
from tests.support.statements import most_parameters
from wallet.risk import reviews
from wallet.risk.config import load_risk_config

CONFIG = load_risk_config({"RISK_CONCENTRATION_WINDOW_DAYS": 30})


def _shops(session: Session) -> tuple[str, str]:
    """One merchant paid by one wallet (flagged), one paid by many (not flagged)."""
    one_wallet = make_merchant(session, "One wallet shop")
    purchases(session, one_wallet, 3, 4_000, tag="one")
    many = make_merchant(session, "Many wallets shop")
    for n in range(6):
        purchases(session, many, 1, 2_000, tag=f"many{n}")
    return one_wallet, many


def _most_parameters(session: Session, merchant_ids: list[str]) -> tuple[int, Any]:
    """The rule's answer for these merchants, and the most parameters one statement bound."""
    with most_parameters(session) as most:
        flagged = reviews.concentrated(session, CONFIG, merchant_ids)
    return most[0], flagged


def test_the_rule_binds_no_parameter_per_merchant(session: Session) -> None:
    one_wallet, many = _shops(session)
    unknown = [f"mer_nobody{n:05d}" for n in range(400)]  # merchants without earnings
    few, flagged_few = _most_parameters(session, [one_wallet, many])
    lots, flagged_lots = _most_parameters(session, [one_wallet, many, *unknown])
    assert set(flagged_few) == set(flagged_lots) == {one_wallet}
    assert flagged_lots[one_wallet]["reasons"] == ["few_wallets"]
    assert flagged_lots[one_wallet]["earned"] == 12_000
    assert lots == few  # 402 merchants bind what 2 do
    assert few < 10


def test_a_run_sized_list_of_merchants_fits_in_the_statements(session: Session) -> None:
    """More merchants than either engine allows parameters in one statement."""
    one_wallet, many = _shops(session)
    merchants = [f"mer_nobody{n:06d}" for n in range(70_000)] + [many, one_wallet]
    assert reviews.hold_concentrated(session, CONFIG, merchants) == {one_wallet}
    opened = reviews.list_reviews(session, "open")
    assert [r.merchant_id for r in session.scalars(opened)] == [one_wallet]
    # the review now open is found again among the 70,000 (no second one is opened)
    assert reviews.hold_concentrated(session, CONFIG, merchants) == {one_wallet}
    assert len(session.scalars(opened).all()) == 1
