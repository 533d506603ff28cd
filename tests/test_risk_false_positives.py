"""A synthetic legitimate workload triggers no review and no refusal (docs/risk.md).

Many people top up by card and buy from many merchants (popularity skewed, as in real
shops), some purchases are refunded, some people gift settled credits to friends who spend
them; then every rule is asked about every merchant and every gift. The numbers measured
here are the false-positive rate stated in docs/risk.md."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from vouchers import service as vouchers
from wallet.db import utcnow
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, post
from wallet.merchants import service as merchants
from wallet.people import service as people
from wallet.risk import service as risk
from wallet.risk.config import RiskConfig
from wallet.risk.reviews import _earnings_by_wallet, concentrated

KEK = b"\x07" * 32
PEOPLE, MERCHANTS, PURCHASES_EACH = 300, 40, 12


def legitimate_workload(session: Session, seed: int = 13) -> dict[str, Any]:
    """Post the workload on the ledger; return the merchants and the gifts asked for."""
    rng = random.Random(seed)
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
    shops = []
    for n in range(MERCHANTS):  # established shops (not in their first-payout hold)
        shop = merchants.create_merchant(session, f"Shop {n}")
        shop.created_at = utcnow() - timedelta(days=60)
        shops.append(shop.id)
    pending = {m: chart.merchant_account(session, m, Kind.MERCHANT_PENDING).id for m in shops}
    weights = [1 / (rank + 1) for rank in range(MERCHANTS)]  # Zipf-like popularity
    persons = [people.create_user(session, f"legit{seed}-{n}@example.com").id
               for n in range(PEOPLE)]
    paid = {p: chart.user_account(session, p, Kind.USER_PAID).id for p in persons}
    refunds = 0
    for n, person in enumerate(persons):
        post(session, reference=f"legit:{seed}:topup:{n}", kind="topup",
             moves=[Move(clearing, paid[person], 2900)])
        for k in range(PURCHASES_EACH):
            shop = rng.choices(shops, weights)[0]
            amount = rng.choice((50, 100, 150, 200))
            bought = post(session, reference=f"legit:{seed}:buy:{n}:{k}", kind="purchase",
                          moves=[Move(paid[person], pending[shop], amount)],
                          metadata={"merchant_id": shop})
            if rng.random() < 0.05:  # some refunds
                refunds += 1
                post(session, reference=f"legit:{seed}:refund:{n}:{k}", kind="refund",
                     moves=[Move(pending[shop], paid[person], amount)],
                     reverses_id=bought.id)
    return {"shops": shops, "persons": persons, "refunds": refunds, "rng": rng}


def test_a_legitimate_workload_meets_no_review_and_no_refusal(
        app: Flask, session: Session) -> None:
    rules = RiskConfig()  # every rule at its default
    world = legitimate_workload(session)
    rng: random.Random = world["rng"]
    # a week later the credits have settled: a tenth of the people gift a friend, who
    # redeems or spends it
    week = utcnow() + timedelta(days=8)
    gifters = rng.sample(world["persons"], len(world["persons"]) // 10)
    refused_gifts = 0
    for person in gifters:
        try:
            vouchers.issue_gift(session, user_id=person, value=rng.choice((100, 200, 500)),
                                kek=KEK, risk=rules, now=week)
        except (risk.CreditsSettling, risk.GiftLimitExceeded):
            refused_gifts += 1
    flagged = concentrated(session, rules, world["shops"], week)
    refused_payouts = [m for m in world["shops"] if risk.payout_holds(session, rules, m, week)]
    since = week - timedelta(days=rules.concentration_window_days)
    earned, _ = _earnings_by_wallet(session, world["shops"], since)
    evaluated = sum(1 for credits in earned.values()
                    if credits >= rules.concentration_min_credits)
    earning = len(world["shops"])
    print(f"\nlegitimate workload: {len(world['persons'])} people, {earning} merchants, "
          f"{len(world['persons']) * 12} purchases, {world['refunds']} refunds, "
          f"{len(gifters)} gifts; reviews {len(flagged)}/{earning}, "
          f"refused gifts {refused_gifts}/{len(gifters)}, payouts held {len(refused_payouts)}; "
          f"{evaluated} merchants above the concentration minimum")
    assert flagged == {}
    assert refused_gifts == 0
    assert refused_payouts == []
    assert evaluated >= 10  # the rule really looked at most of the volume
