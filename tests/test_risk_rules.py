"""The risk rules where value can leave the loop (wallet/risk, docs/risk.md): gifts funded by
unsettled card top-ups, gift caps, the payout lock after a bank change, the first-payout hold,
KYC history and counter-key revocation. On SQLite and PostgreSQL, ``ledger verify`` after each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.payout_fixtures import GOOD_IBAN, OTHER_IBAN, available_directly
from tests.support.voucher_world import fund, idem, paid_balance, sign_in, world
from vouchers import service as vouchers
from vouchers.models import Voucher
from wallet.db import utcnow
from wallet.ledger import chart
from wallet.ledger.core import Move, post
from wallet.merchants.service import get_merchant
from wallet.payouts import service as payouts
from wallet.payouts.config import load_payout_config
from wallet.risk import service as risk
from wallet.risk.config import OFF, RiskConfig
from wallet.webhooks.models import Event

RULES = RiskConfig()  # the defaults: 7-day settlement, 5-day lock, 14-day first payout
KEK = b"\x07" * 32


def verified(client: FlaskClient) -> None:
    result = client.application.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def voucher_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Voucher)) or 0)


@pytest.fixture
def w(session: Session) -> dict[str, Any]:
    made = world(session)
    session.commit()
    return made


# --- gifts -------------------------------------------------------------------------------------


def test_a_gift_from_a_fresh_card_top_up_answers_credits_settling(
        client: FlaskClient, session: Session, w: dict[str, Any]) -> None:
    person = w["other_user_id"]  # 1,000 paid credits from a card top-up just now
    before, vouchers_before = paid_balance(session, person), voucher_count(session)
    sign_in(client, person)
    response = client.post("/v1/vouchers", json={"value": 500}, headers=idem())
    assert response.status_code == 409, response.json
    error = response.json["error"]
    assert error["code"] == "credits_settling"
    settles = (utcnow() + timedelta(days=7)).strftime("%Y-%m-%d")
    assert settles in error["message"] and "settles on" in error["message"]
    session.expire_all()
    assert paid_balance(session, person) == before  # nothing written
    assert voucher_count(session) == vouchers_before
    verified(client)


def test_credits_settle_after_the_window_and_only_top_up_credits_wait(
        session: Session, w: dict[str, Any]) -> None:
    person = w["other_user_id"]
    promotions = chart.platform_account(session, chart.Kind.PROMOTIONS).id
    paid = chart.user_account(session, person).id
    post(session, reference=f"t:claimed:{person}", kind="voucher_claim",
         moves=[Move(promotions, paid, 300)])  # e.g. a claimed gift: not a card top-up
    held, lots = risk.settling_lots(session, person, 7, utcnow())
    assert held == 1300 and sum(lot.credits for lot in lots) == 1000
    vouchers.issue_gift(session, user_id=person, value=300, kek=KEK, risk=RULES)
    with pytest.raises(risk.CreditsSettling) as refused:
        vouchers.issue_gift(session, user_id=person, value=1, kek=KEK, risk=RULES)
    assert refused.value.details["giftable"] == 0
    eight_days = utcnow() + timedelta(days=8)
    vouchers.issue_gift(session, user_id=person, value=1000, kek=KEK, risk=RULES, now=eight_days)
    assert paid_balance(session, person) == 0


def test_spending_takes_the_oldest_credits_first(session: Session, w: dict[str, Any]) -> None:
    """FIFO: old settled credits are spent before a fresh top-up's, so what is left is young."""
    person = w["other_user_id"]
    sink = chart.platform_account(session, chart.Kind.PAYOUTS).id
    paid = chart.user_account(session, person).id
    post(session, reference=f"t:spend:{person}", kind="purchase", moves=[Move(paid, sink, 400)])
    _held, lots = risk.settling_lots(session, person, 7, utcnow())
    assert sum(lot.credits for lot in lots) == 600  # the rest of the top-up, still young


def test_daily_gift_cap_and_velocity(session: Session, w: dict[str, Any]) -> None:
    person = w["other_user_id"]
    rules = RiskConfig(gift_settle_days=0, gift_daily_credits=250, gift_hourly_count=3)
    vouchers.issue_gift(session, user_id=person, value=200, kek=KEK, risk=rules)
    with pytest.raises(risk.GiftLimitExceeded) as capped:
        vouchers.issue_gift(session, user_id=person, value=51, kek=KEK, risk=rules)
    assert capped.value.code == "gift_limit_exceeded" and "50 more" in capped.value.message
    vouchers.issue_gift(session, user_id=person, value=25, kek=KEK, risk=rules)
    vouchers.issue_gift(session, user_id=person, value=25, kek=KEK, risk=rules)
    with pytest.raises(risk.GiftLimitExceeded) as fast:
        vouchers.issue_gift(session, user_id=person, value=1, kek=KEK, risk=rules)
    assert fast.value.code == "gift_velocity_exceeded"


# --- payouts -----------------------------------------------------------------------------------


def _payout_ready(session: Session, merchant_id: str) -> None:
    merchant = get_merchant(session, merchant_id)
    merchant.kyc_status = "verified"
    available_directly(session, merchant_id, 7000)


def test_bank_change_locks_payouts_and_tells_the_merchant(
        app: Flask, client: FlaskClient, session: Session, w: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "RISK_FIRST_PAYOUT_HOLD_DAYS", 0)
    merchant, key = w["merchant_id"], w["merchant_key"]
    _payout_ready(session, merchant)
    session.commit()
    settings = {"iban": OTHER_IBAN, "holder_name": "Someone Else", "schedule": "manual"}
    put = client.put("/v1/payout_settings", json=settings, headers=bearer(key))
    assert put.status_code == 200, put.json
    response = client.post("/v1/payouts", json={}, headers={**bearer(key),
                                                            "Idempotency-Key": "p-1"})
    assert response.status_code == 409, response.json
    assert response.json["error"]["code"] == "payout_locked"
    until = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%d")
    assert until in response.json["error"]["message"]
    told = session.scalars(select(Event).where(Event.type == "payout_settings.updated",
                                               Event.merchant_id == merchant)).all()
    assert len(told) == 1 and told[0].data["holder_name"] == "Someone Else"
    assert told[0].data["payouts_locked_until"].startswith(until)
    # the same details again change nothing and lock nothing new
    assert client.put("/v1/payout_settings", json=settings,
                      headers=bearer(key)).status_code == 200
    assert len(risk.bank_changes(session, merchant)) == 1
    config = load_payout_config({"RISK_FIRST_PAYOUT_HOLD_DAYS": 0})
    payout = payouts.request_payout(session, config, merchant, now=utcnow() + timedelta(days=6))
    assert payout.holder_name == "Someone Else"
    verified(client)


def test_a_payout_run_skips_locked_and_new_merchants(
        session: Session, tmp_path: Any, client: FlaskClient) -> None:
    from tests.support.payout_fixtures import make_merchant

    config = load_payout_config({})
    fresh = make_merchant(session, "Fresh", iban=None)
    payouts.update_settings(session, config, fresh, iban=GOOD_IBAN, holder_name="Fresh GmbH",
                            schedule="weekly")
    _payout_ready(session, fresh)
    now = utcnow()
    assert [h["code"] for h in risk.payout_holds(session, config.risk, fresh, now)] == [
        "payout_locked", "first_payout_hold"]
    early = payouts.run_payouts(session, config, out_dir=tmp_path, now=now + timedelta(days=6))
    assert fresh not in [p["merchant_id"] for p in early.payouts]  # first-payout hold
    with pytest.raises(risk.PayoutHeld) as held:
        payouts.request_payout(session, config, fresh, now=now + timedelta(days=6))
    assert held.value.code == "first_payout_hold"
    late = payouts.run_payouts(session, config, out_dir=tmp_path, now=now + timedelta(days=15))
    assert fresh in [p["merchant_id"] for p in late.payouts]
    verified(client)


def test_kyc_history_is_kept(client: FlaskClient, session: Session, w: dict[str, Any]) -> None:
    merchant = w["other_merchant_id"]
    for status in ("verified", "rejected", "verified"):
        answer = client.post(f"/v1/merchants/{merchant}/kyc", json={"status": status},
                             headers=bearer(w["admin_key"]))
        assert answer.status_code == 200, answer.json
    assert [e.status for e in risk.kyc_history(session, merchant)] == [
        "verified", "rejected", "verified"]


# --- counter keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["merchant", "operator"])
def test_a_revoked_counter_key_stops_at_once(
        client: FlaskClient, session: Session, w: dict[str, Any], by: str) -> None:
    counter, key = w["counter_id"], w["counter_key"]
    assert client.get("/v1/vouchers/counter", headers=bearer(key)).status_code == 200
    if by == "merchant":
        other = client.delete(f"/v1/counters/{w['other_counter_id']}/key",
                              headers=bearer(w["merchant_key"]))
        assert other.status_code == 404  # another merchant's counter
        revoked = client.delete(f"/v1/counters/{counter}/key", headers=bearer(w["merchant_key"]))
    else:
        revoked = client.delete(f"/v1/merchants/{w['merchant_id']}/counters/{counter}/key",
                                headers=bearer(w["admin_key"]))
    assert revoked.status_code == 200, revoked.json
    assert len(revoked.json["revoked_keys"]) == 1
    answer = client.get("/v1/vouchers/counter", headers=bearer(key))
    assert answer.status_code == 401 and answer.json["error"]["code"] == "invalid_api_key"
    assert client.get("/v1/vouchers/counter",
                      headers=bearer(w["other_counter_key"])).status_code == 200


def test_off_switches_every_rule(session: Session, w: dict[str, Any]) -> None:
    vouchers.issue_gift(session, user_id=w["other_user_id"], value=1000, kek=KEK, risk=OFF)
    fund(session, w["other_user_id"], 5)
