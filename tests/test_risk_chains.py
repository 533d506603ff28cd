"""The issue's chains replayed (docs/risk.md): the live cash-out chain (top-up, two gift
vouchers, one colluding counter, a bank change, a payout) and the stolen-card variant
(top-up, in-app purchases at a colluding merchant, payout, chargeback), each stopped or
recovered with the ledger exact; a dispute won restores what was taken, once."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.buyers import user_token
from tests.support.payout_fixtures import OTHER_IBAN
from tests.support.topup_helpers import CSRF, checkout, event, paid_credits, send, spend
from vouchers import service as vouchers
from vouchers.models import Voucher
from wallet.console.service import Actor, set_frozen
from wallet.credits import service as credits
from wallet.db import utcnow
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, balance, post
from wallet.ledger.models import Account, AccountBalance, LedgerTransaction, Posting
from wallet.merchants import service as merchants
from wallet.payouts import service as payouts
from wallet.payouts.config import load_payout_config
from wallet.payouts.earnings import earnings
from wallet.people.models import User
from wallet.purchases.models import Purchase, Refund
from wallet.risk import service as risk
from wallet.risk.config import RiskConfig
from wallet.risk.disputes import loss_report
from wallet.subscriptions import service as subscriptions
from wallet.topups.models import Shortfall, TopUp

KEK = b"\x07" * 32
DEFAULTS = load_payout_config({})  # every risk rule at its default


def verified(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output


def later(days: float) -> Any:
    return utcnow() + timedelta(days=days)


def top_up_pro(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """A paid 2,900-credit card top-up of the signed-in person (sandbox provider)."""
    made = checkout(client, "pro", "EUR")
    assert made.status_code == 201, made.json
    topup = dict(made.json)
    assert send(client, *event(app, "payment_succeeded", topup)).status_code == 200
    return topup


def colluding_merchant(session: Session) -> dict[str, Any]:
    merchant = merchants.create_merchant(session, "Corner Shop")
    merchants.set_kyc(session, merchant.id, "verified")
    counter = merchants.create_counter(session, merchant.id, "Till")
    app_client = merchants.create_app_client(session, merchant.id, "Shop app",
                                             ["https://shop.example/cb"])
    _, secret = merchants.issue_key(session, "secret", merchant_id=merchant.id)
    payouts.update_settings(session, DEFAULTS, merchant.id, iban="DE89370400440532013000",
                            holder_name="Corner Shop GmbH", schedule="manual")
    session.commit()
    return {"id": merchant.id, "counter_id": counter.id, "app_id": app_client.id,
            "secret": secret}


def test_the_live_chain_is_stopped_and_a_later_chargeback_recovers_it(
        app: Flask, client: FlaskClient, session: Session, person: User) -> None:
    shop = colluding_merchant(session)
    topups = [top_up_pro(app, client), top_up_pro(app, client)]
    assert paid_credits(session, person.id) == 5800
    # 1. gift vouchers back to back from fresh card credits: refused, nothing written
    for value in (2900, 2900):
        gift = client.post("/v1/vouchers", json={"value": value},
                           headers={"X-CSRF-Token": CSRF, "Idempotency-Key": uuid.uuid4().hex})
        assert gift.status_code == 409 and gift.json["error"]["code"] == "credits_settling"
    session.expire_all()
    assert paid_credits(session, person.id) == 5800
    # 2. the fraudster waits out the settlement window: the gifts go through ...
    week = later(8)
    gifts = [vouchers.issue_gift(session, user_id=person.id, value=2900, kek=KEK,
                                 risk=RiskConfig(), now=week) for _ in range(2)]
    for issued in gifts:  # ... and are redeemed at one colluding counter
        vouchers.redeem(session, counter_id=shop["counter_id"], payload=issued.payload, now=week)
    session.commit()
    assert earnings(session, shop["id"]).pending == 5800
    # 3. bank details swapped to someone else's, payout at once: locked, and the shop is told
    auth = {"Authorization": f"Bearer {shop['secret']}"}
    swapped = client.put("/v1/payout_settings", headers=auth, json={
        "iban": OTHER_IBAN, "holder_name": "Someone Else", "schedule": "manual"})
    assert swapped.status_code == 200
    refused = client.post("/v1/payouts", json={}, headers={**auth, "Idempotency-Key": "po"})
    assert refused.status_code == 409
    assert refused.json["error"]["code"] in ("payout_locked", "first_payout_hold")
    with pytest.raises(risk.PayoutHeld) as held:
        payouts.request_payout(session, DEFAULTS, shop["id"], now=later(4))
    assert held.value.code == "payout_locked" and held.value.details["holds"] == [
        "payout_locked", "first_payout_hold"]
    # 4. the stolen card's chargebacks arrive while payouts wait: the money is followed
    for topup in topups:
        assert send(client, *event(app, "chargeback", topup)).status_code == 200
    session.expire_all()
    assert earnings(session, shop["id"]).pending == 0  # redeemed value reversed
    assert paid_credits(session, person.id) == 0
    assert session.scalars(select(Shortfall).where(Shortfall.user_id == person.id)).all() == []
    report = loss_report(session)
    assert report["lost_credits"] == 0 and report["recovered_credits"] >= 5800
    verified(app)


def test_the_stolen_card_variant_is_recovered_from_the_merchant_and_restored_once_if_won(
        app: Flask, client: FlaskClient, session: Session, person: User) -> None:
    shop = colluding_merchant(session)
    topups = [top_up_pro(app, client), top_up_pro(app, client)]
    token = user_token(session, person.id, shop["app_id"])
    session.commit()
    for n in range(29):  # in-app purchases of everything, 200 credits at a time
        bought = client.post("/v1/purchases", json={"amount": 200, "description": "gem"},
                             headers={"Authorization": f"Bearer {token}",
                                      "Idempotency-Key": f"gem-{n}"})
        assert bought.status_code == 201, bought.json
    assert paid_credits(session, person.id) == 0
    # the payout waits for the first-payout hold (14 days), then leaves
    payout = payouts.request_payout(session, DEFAULTS, shop["id"], now=later(15))
    payouts.set_status(session, DEFAULTS, payout.id, "paid")
    session.commit()
    assert payout.credits == 5750  # 46.00 EUR in whole euros; 50 credits stay available
    # the chargebacks: the wallet is empty, the merchant was paid out: it owes the value
    for topup in topups:
        assert send(client, *event(app, "chargeback", topup)).status_code == 200
    session.expire_all()
    owed = earnings(session, shop["id"])
    assert (owed.debt, owed.available, owed.pending) == (5750, 0, 0)
    assert session.scalars(select(Shortfall).where(Shortfall.user_id == person.id)).all() == []
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
    debt = chart.merchant_account(session, shop["id"], Kind.MERCHANT_DEBT).id
    assert balance(session, debt) == -5750
    with pytest.raises(risk.PayoutHeld) as held:
        payouts.request_payout(session, DEFAULTS, shop["id"], now=later(30))
    assert held.value.code == "merchant_in_debt"
    verified(app)
    # one dispute is won: exactly what it took comes back, once
    clearing_before = balance(session, clearing)
    won = event(app, "dispute_won", topups[0])
    assert send(client, *won).status_code == 200
    assert send(client, *won).status_code == 200  # the same event replayed
    assert send(client, *event(app, "dispute_won", topups[0])).status_code == 200  # a new id
    session.expire_all()
    assert earnings(session, shop["id"]).debt == 2850  # restored value repays the debt first
    assert balance(session, clearing) == clearing_before - 2900
    stored = session.get(TopUp, topups[0]["id"])
    assert stored is not None and stored.status == "succeeded"
    verified(app)


# --- a merchant's refund after a chargeback recovered the purchase (docs/risk.md) ---------------


def books_balance(session: Session) -> None:
    """Every asset's balances sum to 0 (double entry)."""
    sums = session.execute(
        select(Account.asset, func.sum(AccountBalance.balance))
        .join(AccountBalance, AccountBalance.account_id == Account.id)
        .group_by(Account.asset)).all()
    assert sums and all(int(total) == 0 for _, total in sums), sums


def merchant_adds_up(session: Session, merchant_id: str) -> None:
    """The merchant's accounts hold its sales less its refunds and what disputes took back."""
    sold = session.scalar(select(func.coalesce(func.sum(Purchase.amount), 0))
                          .where(Purchase.merchant_id == merchant_id))
    refunded = session.scalar(select(func.coalesce(func.sum(Refund.amount), 0))
                              .where(Refund.merchant_id == merchant_id))
    assert session.scalar(select(func.coalesce(func.sum(Purchase.refunded), 0))
                          .where(Purchase.merchant_id == merchant_id)) == refunded
    t, p = LedgerTransaction, Posting
    mine = select(Account.id).where(Account.code.like(f"merchant:{merchant_id}:%"))
    def moved(kind: str, column: Any) -> int:
        return int(session.scalar(
            select(func.coalesce(func.sum(p.amount), 0)).join(t, t.id == p.transaction_id)
            .where(t.kind == kind, column.in_(mine))) or 0)
    taken = moved("dispute_recovery", p.debit_account_id)
    restored = moved("dispute_restore", p.credit_account_id)
    owned = session.scalar(select(func.coalesce(func.sum(AccountBalance.balance), 0))
                           .where(AccountBalance.account_id.in_(mine)))
    assert owned == sold - refunded - taken + restored
    assert restored <= taken


def buy(client: FlaskClient, token: str, amount: int, key: str) -> dict[str, Any]:
    bought = client.post("/v1/purchases", json={"amount": amount, "description": "gems"},
                         headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})
    assert bought.status_code == 201, bought.json
    return dict(bought.json)


def merchant_refund(client: FlaskClient, shop: dict[str, Any], purchase_id: str,
                    amount: int | None = None) -> Any:
    return client.post(f"/v1/purchases/{purchase_id}/refunds",
                       json={} if amount is None else {"amount": amount},
                       headers={"Authorization": f"Bearer {shop['secret']}",
                                "Idempotency-Key": uuid.uuid4().hex})


def test_a_purchase_a_chargeback_recovered_cannot_be_refunded_again(
        app: Flask, client: FlaskClient, session: Session, person: User) -> None:
    shop = colluding_merchant(session)
    topup = top_up_pro(app, client)
    token = user_token(session, person.id, shop["app_id"])
    session.commit()
    bought = buy(client, token, 2900, "all-of-it")
    assert paid_credits(session, person.id) == 0
    assert send(client, *event(app, "chargeback", topup)).status_code == 200
    session.expire_all()
    assert earnings(session, shop["id"]).pending == 0  # the sale went back to the card holder
    # the merchant refunds it anyway: refused, nothing moves
    refused = merchant_refund(client, shop, bought["id"])
    assert refused.status_code == 409, refused.json
    assert refused.json["error"]["code"] == "purchase_recovered_by_dispute"
    assert refused.json["error"]["message"].startswith("2900 credits of this purchase were")
    partial = merchant_refund(client, shop, bought["id"], 100)
    assert partial.json["error"]["code"] == "purchase_recovered_by_dispute"
    session.expire_all()
    assert paid_credits(session, person.id) == 0  # no credits nobody paid for
    owed = earnings(session, shop["id"])
    assert (owed.pending, owed.available, owed.reserved, owed.debt) == (0, 0, 0, 0)
    assert session.scalars(select(Refund)).all() == []
    assert session.scalars(select(Shortfall).where(Shortfall.user_id == person.id)).all() == []
    books_balance(session)
    merchant_adds_up(session, shop["id"])
    verified(app)


def test_only_what_a_chargeback_left_of_a_purchase_is_refundable_until_the_dispute_is_won(
        app: Flask, client: FlaskClient, session: Session, person: User) -> None:
    shop = colluding_merchant(session)
    credits.grant_promotional(session, person.id, 500, None, "welcome", f"w-{person.id}")
    topup = top_up_pro(app, client)
    token = user_token(session, person.id, shop["app_id"])
    session.commit()
    first = buy(client, token, 1000, "first")  # 500 promotional + 500 paid
    refunded = merchant_refund(client, shop, first["id"], 300)  # back to the paid credits
    assert refunded.status_code == 201, refunded.json
    second = buy(client, token, 2400, "second")  # the rest of the top-up's credits
    session.expire_all()
    assert credits.summary(session, person.id).total == 300  # the refunded credits
    assert send(client, *event(app, "chargeback", topup)).status_code == 200
    session.expire_all()
    # 300 clawed back from the wallet, 2,600 recovered from the merchant: 200 of the first
    # purchase's paid share (300 of its 500 were refunded), all 2,400 of the second
    assert paid_credits(session, person.id) == 0
    assert earnings(session, shop["id"]).pending == 500
    assert session.scalars(select(Shortfall).where(Shortfall.user_id == person.id)).all() == []
    refused = merchant_refund(client, shop, second["id"])
    assert refused.json["error"]["code"] == "purchase_recovered_by_dispute"
    too_much = merchant_refund(client, shop, first["id"], 501)
    assert too_much.status_code == 409
    assert too_much.json["error"]["code"] == "refund_exceeds_purchase"
    assert too_much.json["error"]["message"] == (
        "Only 500 credits of this purchase can still be refunded (200 were taken back by a "
        "chargeback of the buyer's top-up).")
    rest = merchant_refund(client, shop, first["id"])  # the promotional share, back to its lot
    assert rest.status_code == 201 and rest.json["amount"] == 500, rest.json
    session.expire_all()
    assert (credits.summary(session, person.id).promotional,
            paid_credits(session, person.id)) == (500, 0)
    books_balance(session)
    merchant_adds_up(session, shop["id"])
    verified(app)
    # the platform wins the dispute: the merchant has its earnings back, so may refund them
    assert send(client, *event(app, "dispute_won", topup)).status_code == 200
    session.expire_all()
    owed = earnings(session, shop["id"])
    assert (owed.pending, owed.available, paid_credits(session, person.id)) == (0, 2600, 300)
    again = merchant_refund(client, shop, second["id"])
    assert again.status_code == 201 and again.json["amount"] == 2400, again.json
    last = merchant_refund(client, shop, first["id"])
    assert last.status_code == 201 and last.json["amount"] == 200, last.json
    assert merchant_refund(client, shop, first["id"]).json["error"]["code"] == "already_refunded"
    session.expire_all()
    assert paid_credits(session, person.id) == 2900
    owed = earnings(session, shop["id"])
    assert (owed.pending, owed.available, owed.reserved, owed.debt) == (0, 0, 0, 0)
    books_balance(session)
    merchant_adds_up(session, shop["id"])
    verified(app)


# --- a subscription charge paid with a top-up that is charged back (docs/risk.md) ----------------


def test_a_chargeback_follows_subscription_charges_to_the_merchant(
        app: Flask, client: FlaskClient, session: Session, person: User) -> None:
    """Subscription charges are purchase-like moves: a chargeback of the top-up behind them
    takes them back from the merchant (not a platform loss), and a plan change afterwards
    credits back only what the chargeback left."""
    shop = colluding_merchant(session)
    gold = subscriptions.create_plan(session, shop["id"], name="Gold", amount=2900,
                                     interval="month")
    silver = subscriptions.create_plan(session, shop["id"], name="Silver", amount=100,
                                       interval="month")
    session.commit()
    topup = top_up_pro(app, client)
    sub = subscriptions.subscribe(session, user_id=person.id, plan_id=gold.id,
                                  merchant_id=shop["id"], app_id=shop["app_id"])
    session.commit()
    assert paid_credits(session, person.id) == 0
    assert earnings(session, shop["id"]).pending == 2900
    assert send(client, *event(app, "chargeback", topup)).status_code == 200
    session.expire_all()
    assert earnings(session, shop["id"]).pending == 0  # taken back from the merchant
    assert session.scalars(select(Shortfall).where(Shortfall.user_id == person.id)).all() == []
    assert loss_report(session)["open_shortfall_credits"] == 0
    # a downgrade now gives back nothing: the chargeback already returned the period
    caller = subscriptions.Caller(user_id=person.id, merchant_id=shop["id"])
    _, delta = subscriptions.change_plan(session, sub.id, caller, silver.id)
    session.commit()
    assert delta == 0 and paid_credits(session, person.id) == 0
    owed = earnings(session, shop["id"])
    assert (owed.pending, owed.available, owed.debt) == (0, 0, 0)
    books_balance(session)
    verified(app)
    # the platform wins: the merchant has the period's charge back, exactly once
    assert send(client, *event(app, "dispute_won", topup)).status_code == 200
    assert send(client, *event(app, "dispute_won", topup)).status_code == 200
    session.expire_all()
    assert earnings(session, shop["id"]).available == 2900
    books_balance(session)
    verified(app)


# --- a refund of part of a top-up, then its chargeback (docs/risk.md) ------------------------


def test_a_chargeback_after_a_partial_refund_takes_each_outflow_once_and_a_win_gives_back_its_own(
        app: Flask, client: FlaskClient, session: Session, person: User) -> None:
    """The top-up paid 2,400 of a purchase at one merchant and 500 at another. Its partial
    refund took about 1,450 from the first; the chargeback takes the first's remaining ~950 and
    the second's 500 (not another 1,450 from the first, who was also paid by another
    top-up). Winning the dispute gives back what the chargeback took, not the refund's."""
    first_shop, second_shop = colluding_merchant(session), colluding_merchant(session)
    earlier = checkout(client, "starter", "USD")
    assert send(client, *event(app, "payment_succeeded", dict(earlier.json))).status_code == 200
    topup = top_up_pro(app, client)
    first = user_token(session, person.id, first_shop["app_id"])
    second = user_token(session, person.id, second_shop["app_id"])
    session.commit()
    buy(client, first, 2900, "big")  # 500 of the earlier top-up, 2,400 of this one
    buy(client, second, 500, "small")  # this top-up's last 500
    assert paid_credits(session, person.id) == 0
    refund = event(app, "refunded", topup, topup["price_minor"] // 2)
    assert send(client, *refund).status_code == 200
    session.expire_all()
    refunded = 2900 - earnings(session, first_shop["id"]).pending  # half, rounded down
    assert refunded == 2900 * (topup["price_minor"] // 2) // topup["price_minor"]
    assert send(client, *event(app, "chargeback", topup)).status_code == 200
    session.expire_all()
    assert earnings(session, first_shop["id"]).pending == 2900 - 2400  # all of its 2,400
    assert earnings(session, second_shop["id"]).pending == 0
    assert session.scalars(select(Shortfall).where(Shortfall.user_id == person.id)).all() == []
    books_balance(session)
    verified(app)
    assert send(client, *event(app, "dispute_won", topup)).status_code == 200
    session.expire_all()
    won_first, won_second = (earnings(session, s["id"]) for s in (first_shop, second_shop))
    assert (won_first.pending, won_first.available) == (500, 2400 - refunded)
    assert (won_second.pending, won_second.available) == (0, 500)
    assert paid_credits(session, person.id) == 0
    books_balance(session)
    merchant_adds_up(session, first_shop["id"])
    merchant_adds_up(session, second_shop["id"])
    verified(app)


def test_a_won_dispute_leaves_a_freeze_the_operator_made(
        app: Flask, client: FlaskClient, session: Session, person: User) -> None:
    """Winning the dispute settles its shortfall, but the operator's own freeze (with a
    reason, in the audit) stays until the operator lifts it, as when a shortfall is
    resolved by hand."""
    topup = top_up_pro(app, client)
    spend(session, person.id, 2900)  # gone where no dispute follows: a shortfall
    set_frozen(session, person.id, True, reason="Looks like card testing",
               actor=Actor("cli", "cli"))
    session.commit()
    assert send(client, *event(app, "chargeback", topup)).status_code == 200
    session.expire_all()
    assert session.scalars(select(Shortfall).where(Shortfall.user_id == person.id)).all()
    assert send(client, *event(app, "dispute_won", topup)).status_code == 200
    session.expire_all()
    assert session.scalars(select(Shortfall).where(Shortfall.user_id == person.id,
                                                   Shortfall.status == "open")).all() == []
    assert session.get(User, person.id).frozen


def test_a_chargeback_follows_the_money_with_the_configured_settlement_window(
        app: Flask, client: FlaskClient, session: Session, person: User,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a gift's credits came from depends on the gift rule's settlement window
    (``RISK_GIFT_SETTLE_DAYS``): switched off (0), a gift may take a fresh card top-up's
    credits, oldest first, so the chargeback follows the top-up into the gift voucher and
    leaves the merchant's sale alone (with the window of 7 days the claw-back once assumed,
    the gift took the other credits and the merchant's sale was taken back)."""
    monkeypatch.setitem(app.config, "RISK_GIFT_SETTLE_DAYS", 0)
    shop = colluding_merchant(session)
    topup = top_up_pro(app, client)  # 2,900 card credits, the oldest in the wallet
    paid = chart.user_account(session, person.id, Kind.USER_PAID).id
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
    friend = chart.user_account(session, "usr_friend_of_the_card", Kind.USER_PAID).id
    post(session, reference="t:friend-topup", kind="topup", moves=[Move(clearing, friend, 2900)])
    post(session, reference="t:from-a-friend", kind="transfer", moves=[Move(friend, paid, 2900)])
    gift = vouchers.issue_gift(session, user_id=person.id, value=2900, kek=KEK,
                               risk=RiskConfig(gift_settle_days=0))  # takes the card's lot
    token = user_token(session, person.id, shop["app_id"])
    session.commit()
    buy(client, token, 2900, "settle-0")  # then the friend's credits pay for the purchase
    assert paid_credits(session, person.id) == 0
    assert send(client, *event(app, "chargeback", topup)).status_code == 200
    session.expire_all()
    assert earnings(session, shop["id"]).pending == 2900  # the sale stays the merchant's
    voucher = session.get(Voucher, gift.voucher.id)
    assert voucher is not None and voucher.status == "revoked"
    assert session.scalars(select(Shortfall).where(Shortfall.user_id == person.id)).all() == []
    verified(app)


def test_a_chargeback_locks_the_merchants_it_takes_from_in_merchant_id_order(
        app: Flask, client: FlaskClient, session: Session, person: User,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The top-up's credits were spent at the merchant with the higher id first: the
    claw-back still locks their payout rows in merchant id order, and on PostgreSQL before
    it holds the wallet's and clearing's balance rows (a bank status import, the reserves'
    release and a won dispute lock payout rows first, in that order; in spending order, or
    after clearing, a chargeback and one of them could each wait for the other)."""
    import wallet.payouts.earnings as earnings_module
    import wallet.risk.disputes as disputes_module

    shops = sorted((colluding_merchant(session) for _ in range(2)), key=lambda s: s["id"])
    topup = top_up_pro(app, client)
    for n, shop in enumerate(reversed(shops)):  # the higher id first
        token = user_token(session, person.id, shop["app_id"])
        session.commit()
        buy(client, token, 1450, f"order-{n}")
    import wallet.topups.service as topups_module

    locked: list[str] = []
    original = earnings_module.lock_payout_account
    hold_wallet = topups_module._held_paid_balance

    def recording(session: Session, merchant_id: str) -> Any:
        locked.append(merchant_id)
        return original(session, merchant_id)

    def holding(session: Session, paid_id: int, clearing_id: int) -> int:
        locked.append("the wallet's and clearing's balance rows")
        return hold_wallet(session, paid_id, clearing_id)

    monkeypatch.setattr(earnings_module, "lock_payout_account", recording)
    monkeypatch.setattr(disputes_module, "lock_payout_account", recording)
    monkeypatch.setattr(topups_module, "_held_paid_balance", holding)
    assert send(client, *event(app, "chargeback", topup)).status_code == 200
    first_locks = list(dict.fromkeys(locked))
    merchants_in_order = [shops[0]["id"], shops[1]["id"]]
    if session.get_bind().dialect.name == "postgresql":  # SQLite locks nothing: one writer
        merchants_in_order.append("the wallet's and clearing's balance rows")
    assert [x for x in first_locks if x in merchants_in_order] == merchants_in_order, \
        first_locks
    session.expire_all()
    for shop in shops:
        assert earnings(session, shop["id"]).pending == 0  # both sales went back
        merchant_adds_up(session, shop["id"])
    books_balance(session)
    verified(app)


def test_an_outflow_committed_after_the_replay_is_noticed_whatever_its_id(
        app: Flask, client: FlaskClient, session: Session, person: User) -> None:
    """The claw-back replays the journal once and again only if credits left the wallet
    since. It counts the wallet's outflows: a transaction takes its id before it waits for
    the wallet's row, so one with a lower id than the replay's newest can commit after the
    replay (comparing the newest id missed it and recovered along a stale trail)."""
    from wallet.risk.disputes import Trail, newer_outflow, where_it_went

    topup = top_up_pro(app, client)
    spend(session, person.id, 100)
    spend(session, person.id, 200)
    trail = where_it_went(session, topup["id"], person.id, 7)
    assert trail.outflows == 2 and not newer_outflow(session, person.id, trail)
    # as if the first of two outflows had committed after the replay: the replay saw one
    assert newer_outflow(session, person.id, Trail(trail.spent[1:], 1))
    spend(session, person.id, 300)
    assert newer_outflow(session, person.id, trail)
    assert not newer_outflow(session, person.id,
                             where_it_went(session, topup["id"], person.id, 7))
