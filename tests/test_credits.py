"""Promotional lots and paid credits: spend order, expiry, refunds back to kinds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.support.buyers import breakage, make_world, pending, top_up
from wallet.credits import service as credits
from wallet.db import utcnow
from wallet.errors import Conflict, InsufficientCredits, InvalidRequest, NotFound, Unprocessable
from wallet.purchases import service as purchases
from wallet.purchases.service import Buyer, Limits

NO_LIMITS = Limits(velocity_per_minute=None, daily_per_app=None)


def buy(session: Session, world, amount: int, *, now=None, key: str | None = None):
    buyer = Buyer(world.user_ids[0], world.app_id, world.merchant_id)
    result, _ = purchases.create_purchase(
        session, buyer, amount=amount, description="thing", metadata=None,
        idempotency_key=key or f"k-{amount}-{utcnow().timestamp()}", limits=NO_LIMITS, now=now)
    return result


def test_grant_then_spend_promotional_first_soonest_expiry_first(session: Session) -> None:
    world = make_world(session)
    user = world.user_ids[0]
    now = utcnow()
    top_up(session, user, 200)
    late, _ = credits.grant_promotional(session, user, 100, now + timedelta(days=10),
                                        "welcome", "ref-late")
    soon, _ = credits.grant_promotional(session, user, 50, now + timedelta(days=5),
                                        "apology", "ref-soon")
    found = credits.summary(session, user)
    assert (found.paid, found.promotional, found.total) == (200, 150, 350)
    assert found.next_expiry_credits == 50
    assert found.next_expiry_at == soon.expires_at

    first = buy(session, world, 120, key="a")
    assert first["balance_after"] == 230
    found = credits.summary(session, user)
    assert (found.paid, found.promotional) == (200, 30)  # 50 from soon, 70 from late
    assert found.next_expiry_at == late.expires_at

    second = buy(session, world, 100, key="b")
    assert second["balance_after"] == 130
    found = credits.summary(session, user)
    assert (found.paid, found.promotional, found.next_expiry_at) == (130, 0, None)
    assert pending(session, world.merchant_id) == 220


def test_expired_lots_are_skipped_and_expire_to_breakage(session: Session) -> None:
    world = make_world(session)
    user = world.user_ids[0]
    now = utcnow()
    top_up(session, user, 100)
    credits.grant_promotional(session, user, 40, now + timedelta(hours=1), "promo", "r-exp")
    later = now + timedelta(hours=2)
    assert credits.summary(session, user, now=later).promotional == 0
    result = buy(session, world, 30, now=later, key="x")
    assert result["balance_after"] == 70
    assert credits.summary(session, user, now=later).paid == 70

    before = breakage(session)
    assert credits.expire_lots(session, now=later) == 1
    assert credits.expire_lots(session, now=later) == 0  # idempotent
    assert breakage(session) - before == 40
    kinds = [e.kind for e in credits.history(session, user)[0]]
    assert kinds[:2] == ["promo_expiry", "purchase"]
    expiry = credits.history(session, user)[0][0]
    assert expiry.amount == -40


def test_wallet_totals_of_many_people_are_their_summaries(session: Session) -> None:
    """The set-based read (the auto-reload scan's) says what ``summary`` says, person by
    person: paid, live lots, expired lots skipped, spent-out lots, nothing at all."""
    world = make_world(session, users=4)
    now = utcnow()
    a, b, c, d = world.user_ids
    top_up(session, a, 100)
    credits.grant_promotional(session, a, 40, now + timedelta(hours=1), "promo", "wt-a1")
    credits.grant_promotional(session, a, 7, None, "promo", "wt-a2")
    credits.grant_promotional(session, b, 25, now + timedelta(days=3), "promo", "wt-b")
    top_up(session, c, 30)
    buy(session, world, 1, key="wt-spend")  # a spends one (a lot, soonest first)
    later = now + timedelta(hours=2)  # a's first lot has expired by then
    for at in (now, later):
        totals = credits.wallet_totals(session, [a, b, c, d, "usr_nobody"], now=at)
        assert totals == {u: credits.summary(session, u, now=at).total for u in (a, b, c, d)}
    assert credits.wallet_totals(session, [a, b], now=now) == {a: 146, b: 25}
    assert credits.wallet_totals(session, [a], now=later) == {a: 107}
    assert credits.wallet_totals(session, []) == {}


def test_not_enough_credits_says_how_many(session: Session) -> None:
    world = make_world(session)
    user = world.user_ids[0]
    top_up(session, user, 10)
    credits.grant_promotional(session, user, 5, utcnow() + timedelta(days=1), "p", "r-few")
    with pytest.raises(InsufficientCredits) as err:
        buy(session, world, 16)
    assert "15 available" in err.value.message
    assert credits.summary(session, user).total == 15


def test_refunds_return_credits_to_their_kinds_last_spent_first(session: Session) -> None:
    world = make_world(session)
    user = world.user_ids[0]
    now = utcnow()
    top_up(session, user, 100)
    credits.grant_promotional(session, user, 30, now + timedelta(days=1), "p", "r-ref")
    purchase = buy(session, world, 50, key="r")  # 30 promo + 20 paid
    assert credits.summary(session, user).total == 80

    refund = purchases.refund_purchase(session, purchase["id"], merchant_id=world.merchant_id,
                                       amount=25)
    assert refund["purchase_refunded"] == 25
    found = credits.summary(session, user)
    assert (found.paid, found.promotional) == (100, 5)  # 20 to paid, then 5 to the lot

    with pytest.raises(Conflict) as err:
        purchases.refund_purchase(session, purchase["id"], merchant_id=world.merchant_id,
                                  amount=26)
    assert err.value.code == "refund_exceeds_purchase"
    # The lot expires before the rest is refunded: that share goes to breakage.
    before = breakage(session)
    purchases.refund_purchase(session, purchase["id"], merchant_id=world.merchant_id,
                              amount=None, now=now + timedelta(days=2))
    assert breakage(session) - before == 25
    found = credits.summary(session, user, now=now + timedelta(days=2))
    assert (found.paid, found.promotional) == (100, 0)
    assert pending(session, world.merchant_id) == 0
    with pytest.raises(Conflict) as again:
        purchases.refund_purchase(session, purchase["id"], merchant_id=world.merchant_id,
                                  amount=None)
    assert again.value.code == "already_refunded"


def test_a_refund_reads_what_was_returned_once(session: Session,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """``refund_purchase`` reads a purchase's refunds and dispute recoveries once (it
    used to read them for the chargeback check, then again for the sources)."""
    world = make_world(session)
    user = world.user_ids[0]
    top_up(session, user, 100)
    credits.grant_promotional(session, user, 30, None, "p", "r-once")
    purchase = buy(session, world, 50, key="r-once")  # 30 promo + 20 paid
    reads = []
    original = credits._returns

    def counted(*args: object, **kwargs: object) -> object:
        reads.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(credits, "_returns", counted)
    for amount, paid, promotional in ((10, 80 + 10, 0), (15, 100, 5)):
        reads.clear()
        purchases.refund_purchase(session, purchase["id"], merchant_id=world.merchant_id,
                                  amount=amount)
        assert len(reads) == 1
        found = credits.summary(session, user)
        assert (found.paid, found.promotional) == (paid, promotional)  # last spent first


def test_refund_of_another_merchants_purchase_is_not_found(session: Session) -> None:
    world = make_world(session)
    other = make_world(session)
    top_up(session, world.user_ids[0], 10)
    purchase = buy(session, world, 5)
    with pytest.raises(NotFound):
        purchases.refund_purchase(session, purchase["id"], merchant_id=other.merchant_id,
                                  amount=None)


def test_grants_are_idempotent_by_reference_and_validated(session: Session) -> None:
    world = make_world(session)
    user = world.user_ids[0]
    when = utcnow() + timedelta(days=3)
    lot, created = credits.grant_promotional(session, user, 10, when, "r", "same")
    again, created_again = credits.grant_promotional(session, user, 10, when, "r", "same")
    assert (created, created_again, again.id) == (True, False, lot.id)
    assert credits.summary(session, user).promotional == 10
    with pytest.raises(Conflict):
        credits.grant_promotional(session, user, 11, when, "r", "same")
    with pytest.raises(Unprocessable):  # a past expiry: 422
        credits.grant_promotional(session, user, 10, utcnow() - timedelta(days=1), "r", "x1")
    with pytest.raises(InvalidRequest):
        credits.grant_promotional(session, user, 0, when, "r", "x2")
    with pytest.raises(InvalidRequest):
        credits.grant_promotional(session, user, True, when, "r", "x3")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        credits.grant_promotional(session, "usr_nobody", 10, when, "r", "x4")


def test_history_signs_amounts_for_the_person(session: Session) -> None:
    world = make_world(session)
    user = world.user_ids[0]
    top_up(session, user, 100)
    credits.grant_promotional(session, user, 10, utcnow() + timedelta(days=3), "gift", "h1")
    purchase = buy(session, world, 15, key="h")
    purchases.refund_purchase(session, purchase["id"], merchant_id=world.merchant_id, amount=3)
    entries, has_more = credits.history(session, user, limit=10)
    assert [(e.kind, e.amount) for e in entries] == [
        ("refund", 3), ("purchase", -15), ("promo_grant", 10), ("topup", 100)]
    assert not has_more
    page, more = credits.history(session, user, limit=2)
    assert more and len(page) == 2
    rest, more = credits.history(session, user, limit=2, before_txn=page[-1].txn_id)
    assert [e.kind for e in rest] == ["promo_grant", "topup"] and not more
