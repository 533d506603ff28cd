"""Merchant debt, the rolling reserve and the review queue (wallet/risk, docs/risk.md).

Refunds after a payout work and leave a debt (never a payout), the debt is repaid from the
next released earnings first and payouts wait for it, the reserve holds a percent of what is
released for its days, and the concentration rule holds payouts for the operator's review.
On SQLite and PostgreSQL, with ``ledger verify`` after every scenario."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.conftest import RISK_OFF
from tests.support.buyers import make_world, top_up, user_token
from tests.support.payout_fixtures import GOOD_IBAN
from wallet.db import utcnow
from wallet.ledger import chart
from wallet.ledger.audit import VerifyReport, _check_owe_only
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, balance, post
from wallet.merchants import service as merchants
from wallet.payouts import service as payouts
from wallet.payouts.config import load_payout_config
from wallet.payouts.earnings import earnings, lock_payout_account, release
from wallet.risk import service as risk
from wallet.risk.models import AuditRecord, RiskReview

_keys = itertools.count()


def verified(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output


def later(days: float) -> Any:
    return utcnow() + timedelta(days=days)


class Shop:
    """A verified merchant with bank details, its app, and funded buyers with tokens."""

    def __init__(self, session: Session, buyers: int = 1, credits_each: int = 20_000) -> None:
        world = make_world(session, users=buyers)
        self.merchant_id, self.secret = world.merchant_id, world.merchant_key
        merchants.set_kyc(session, self.merchant_id, "verified")
        row = lock_payout_account(session, self.merchant_id)
        row.iban, row.holder_name, row.schedule = GOOD_IBAN, "Shop GmbH", "manual"
        self.tokens = []
        for user in world.user_ids:
            top_up(session, user, credits_each)
            self.tokens.append(user_token(session, user, world.app_id))
        self.users = world.user_ids
        session.commit()

    def buy(self, client: FlaskClient, amount: int, buyer: int = 0) -> str:
        answer = client.post("/v1/purchases", json={"amount": amount, "description": "Item"},
                             headers={"Authorization": f"Bearer {self.tokens[buyer]}",
                                      "Idempotency-Key": f"buy-{next(_keys)}"})
        assert answer.status_code == 201, answer.json
        return str(answer.json["id"])

    def refund(self, client: FlaskClient, purchase_id: str, amount: int) -> Any:
        return client.post(f"/v1/purchases/{purchase_id}/refunds", json={"amount": amount},
                           headers={"Authorization": f"Bearer {self.secret}",
                                    "Idempotency-Key": f"ref-{next(_keys)}"})

    def balance(self, client: FlaskClient) -> dict[str, Any]:
        answer = client.get("/v1/balance", headers={"Authorization": f"Bearer {self.secret}"})
        assert answer.status_code == 200, answer.json
        return dict(answer.json)


CONFIG = load_payout_config(RISK_OFF)


def test_a_refund_after_a_payout_leaves_a_debt_repaid_from_the_next_earnings(
        app: Flask, client: FlaskClient, session: Session, risk_off: None) -> None:
    shop = Shop(session)
    first = shop.buy(client, 7000)
    payout = payouts.request_payout(session, CONFIG, shop.merchant_id, now=later(8))
    assert payout.credits == 7000
    session.commit()
    refunded = shop.refund(client, first, 3000)  # used to be 409 insufficient_merchant_earnings
    assert refunded.status_code == 201, refunded.json
    shown = shop.balance(client)["earnings"]
    assert shown["debt"] == 3000 and shown["available"] == 0 and shown["reserved"] == 0
    assert shown["pending"] == 0
    with pytest.raises(risk.PayoutHeld) as held:
        payouts.request_payout(session, CONFIG, shop.merchant_id, now=later(8))
    assert held.value.code == "merchant_in_debt"
    shop.buy(client, 5000)
    release(session, 7, now=later(8), merchant_ids=[shop.merchant_id])
    owed = earnings(session, shop.merchant_id)
    assert (owed.debt, owed.available, owed.pending) == (0, 2000, 0)  # debt repaid first
    session.commit()
    verified(app)


def test_the_database_refuses_credits_on_a_debt_account(session: Session) -> None:
    debt = chart.merchant_account(session, Shop(session).merchant_id, Kind.MERCHANT_DEBT).id
    payouts_account = chart.platform_account(session, Kind.PAYOUTS).id
    with pytest.raises(IntegrityError), session.begin_nested():
        post(session, reference="t:debt-positive", kind="refund",
             moves=[Move(payouts_account, debt, 1)])
    assert balance(session, debt) == 0


def test_ledger_verify_refuses_a_debt_made_by_a_payout(session: Session) -> None:
    debt = chart.merchant_account(session, Shop(session).merchant_id, Kind.MERCHANT_DEBT).id
    bank = chart.platform_account(session, Kind.PAYOUTS).id
    post(session, reference="t:debt-by-payout", kind="payout", moves=[Move(debt, bank, 10)])
    report = VerifyReport()
    _check_owe_only(session, report, {debt: -10})
    assert any("put a merchant into debt" in p for p in report.problems)
    report = VerifyReport()
    _check_owe_only(session, report, {debt: 5})
    assert any("may only owe" in p for p in report.problems)


def test_the_rolling_reserve_holds_a_percent_for_its_days(
        app: Flask, client: FlaskClient, session: Session, risk_off: None) -> None:
    shop = Shop(session)
    _, admin_key = merchants.issue_key(session, "admin", label="ops")
    session.commit()
    answer = client.put(f"/v1/risk/merchants/{shop.merchant_id}/reserve",
                        json={"percent": 10, "days": 30},
                        headers={"Authorization": f"Bearer {admin_key}"})
    assert answer.status_code == 200, answer.json
    shop.buy(client, 1000)
    release(session, 7, now=later(8), merchant_ids=[shop.merchant_id])
    held = earnings(session, shop.merchant_id)
    assert (held.available, held.reserved) == (900, 100)
    session.commit()
    assert shop.balance(client)["earnings"]["reserved"] == 100
    release(session, 7, now=later(39), merchant_ids=[shop.merchant_id])
    assert (earnings(session, shop.merchant_id).available,
            earnings(session, shop.merchant_id).reserved) == (1000, 0)
    records = session.scalars(select(AuditRecord).where(
        AuditRecord.action == "reserve.set", AuditRecord.subject_id == shop.merchant_id)).all()
    assert len(records) == 1 and records[0].detail["percent"] == 10
    session.commit()
    verified(app)


def test_refunds_take_the_reserve_before_making_a_debt(
        app: Flask, client: FlaskClient, session: Session, risk_off: None) -> None:
    shop = Shop(session)
    risk.set_reserve(session, shop.merchant_id, 50, 30, actor="test")
    session.commit()
    bought = shop.buy(client, 2000)
    release(session, 7, now=later(8), merchant_ids=[shop.merchant_id])
    payouts.request_payout(session, load_payout_config({**RISK_OFF, "PAYOUT_MINIMUM": 800}),
                           shop.merchant_id, now=later(8))
    session.commit()
    assert shop.refund(client, bought, 1500).status_code == 201
    left = earnings(session, shop.merchant_id)
    assert (left.reserved, left.debt) == (0, 500)
    verified(app)


# --- concentration and the review queue --------------------------------------------------------


def _admin(session: Session) -> dict[str, str]:
    _, key = merchants.issue_key(session, "admin", label="risk desk")
    session.commit()
    return {"Authorization": f"Bearer {key}"}


def test_one_wallet_behind_a_merchants_earnings_holds_its_payouts_for_review(
        app: Flask, client: FlaskClient, session: Session, risk_off: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "RISK_CONCENTRATION_WINDOW_DAYS", 30)
    config = load_payout_config({**RISK_OFF, "RISK_CONCENTRATION_WINDOW_DAYS": 30})
    admin = _admin(session)
    shop = Shop(session)
    shop.buy(client, 12_000)  # one wallet: 100 % of 12,000 credits
    with pytest.raises(risk.PayoutHeld) as held:
        payouts.request_payout(session, config, shop.merchant_id, now=later(8))
    assert held.value.code == "payout_under_review"
    session.commit()
    listed = client.get("/v1/risk/reviews", headers=admin)
    assert listed.status_code == 200, listed.json
    review = next(r for r in listed.json["data"] if r["merchant_id"] == shop.merchant_id)
    assert review["detail"]["reasons"] == ["few_wallets"]
    assert review["detail"]["top_wallets_percent"] == 100
    merchant_key = {"Authorization": f"Bearer {shop.secret}"}
    assert client.get("/v1/risk/reviews", headers=merchant_key).status_code == 403
    assert client.get("/v1/risk/reviews").status_code == 401
    assert client.post(f"/v1/risk/reviews/{review['id']}/approve", json={"reason": "x"},
                       headers=merchant_key).status_code == 403
    assert client.post(f"/v1/risk/reviews/{review['id']}/approve", json={},
                       headers=admin).status_code == 400  # a reason is required
    approved = client.post(f"/v1/risk/reviews/{review['id']}/approve",
                           json={"reason": "Known shop, one big customer"}, headers=admin)
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    again = client.post(f"/v1/risk/reviews/{review['id']}/reject", json={"reason": "no"},
                        headers=admin)
    assert again.status_code == 409
    payout = payouts.request_payout(session, config, shop.merchant_id, now=later(8))
    assert payout.credits == 12_000
    audit = session.scalars(select(AuditRecord).where(
        AuditRecord.subject_id == review["id"])).all()
    assert [(a.action, a.reason) for a in audit] == [
        ("review.approved", "Known shop, one big customer")]
    session.commit()
    verified(app)


def test_a_rejected_review_keeps_payouts_held_in_runs_too(
        app: Flask, session: Session, tmp_path: Any, risk_off: None) -> None:
    config = load_payout_config({**RISK_OFF, "RISK_CONCENTRATION_WINDOW_DAYS": 30})
    shop = Shop(session)
    row = lock_payout_account(session, shop.merchant_id)
    row.schedule = "weekly"
    client = app.test_client()
    shop.buy(client, 12_000)
    release(session, 7, now=later(8), merchant_ids=[shop.merchant_id])
    run = payouts.run_payouts(session, config, out_dir=tmp_path, now=later(8))
    assert shop.merchant_id not in [p["merchant_id"] for p in run.payouts]
    review = session.scalars(select(RiskReview).where(
        RiskReview.merchant_id == shop.merchant_id)).one()
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["risk", "reviews"])
    assert review.id in listed.output
    session.commit()
    rejected = runner.invoke(args=["risk", "reject", review.id, "--reason", "Self-dealing"])
    assert rejected.exit_code == 0, rejected.output
    session.expire_all()
    assert session.get(RiskReview, review.id).status == "rejected"  # type: ignore[union-attr]
    again = payouts.run_payouts(session, config, out_dir=tmp_path, now=later(15))
    assert shop.merchant_id not in [p["merchant_id"] for p in again.payouts]
    with pytest.raises(risk.PayoutHeld):
        payouts.request_payout(session, config, shop.merchant_id, now=later(15))
    session.commit()
    verified(app)


def test_a_payout_request_the_concentration_rule_refuses_keeps_its_review(
        app: Flask, client: FlaskClient, session: Session, risk_off: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The 409 answer rolls the request back, but not the review it opened (nor its audit
    record): the operator sees it, and the next request finds it instead of opening another."""
    monkeypatch.setitem(app.config, "RISK_CONCENTRATION_WINDOW_DAYS", 30)
    shop = Shop(session)
    shop.buy(client, 12_000)  # one wallet: 100 % of 12,000 credits
    merchant_key = {"Authorization": f"Bearer {shop.secret}"}
    for attempt in range(2):
        answer = client.post("/v1/payouts", json={},
                             headers={**merchant_key, "Idempotency-Key": f"pay-{attempt}"})
        assert answer.status_code == 409, answer.json
        assert answer.json["error"]["code"] == "payout_under_review"
        session.expire_all()
        reviews = session.scalars(select(RiskReview).where(
            RiskReview.merchant_id == shop.merchant_id)).all()
        assert [(r.rule, r.status) for r in reviews] == [("concentration", "open")]
        opened = session.scalars(select(AuditRecord).where(
            AuditRecord.action == "review.opened",
            AuditRecord.subject_id == shop.merchant_id)).all()
        assert len(opened) == 1 and opened[0].detail["reasons"] == ["few_wallets"]
    assert not session.scalars(select(payouts.Payout).where(
        payouts.Payout.merchant_id == shop.merchant_id)).all()
    session.commit()
    verified(app)
