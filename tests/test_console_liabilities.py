"""The liability report, worked scenarios: every figure to the credit, and the
reconciliation against the ledger (balance rows vs the journal, the books balancing,
vouchers outstanding vs the vouchers table) that catches a tampered row."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.support.buyers import make_world, top_up, user_token
from vouchers import service as vouchers
from wallet.console.liability import LOSSES_KIND, liability_report
from wallet.credits import service as credits
from wallet.db import utcnow
from wallet.ledger import chart
from wallet.ledger.core import Move, open_account, post
from wallet.merchants import service as merchants_service
from wallet.risk import config as risk_rules

KEK = b"v" * 32


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def idem(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": uuid.uuid4().hex}


def scenario(client: FlaskClient, session: Session) -> tuple[dict[str, str], str]:
    """Top-up 1,000; a grant of 200 and one of 40 that expires; a purchase of 300 (200
    promotional, then 100 paid); a gift voucher of 150; an operator refund of 50."""
    _key, admin_secret = merchants_service.issue_key(session, "admin")
    admin = bearer(admin_secret)
    world = make_world(session)
    user_id = world.user_ids[0]
    top_up(session, user_id, 1000)
    now = utcnow()
    credits.grant_promotional(session, user_id, 200, now + timedelta(days=30), "welcome",
                              f"t:{uuid.uuid4().hex}")
    credits.grant_promotional(session, user_id, 40, now + timedelta(minutes=5), "flash",
                              f"t:{uuid.uuid4().hex}")
    token = user_token(session, user_id, world.app_id)
    session.commit()
    bought = client.post("/v1/purchases", json={"amount": 280, "description": "Course"},
                         headers=idem(bearer(token)))
    assert bought.status_code == 201, bought.get_data(as_text=True)
    # 40 from the flash lot, 200 from the welcome lot, 40 paid: then 20 more paid
    more = client.post("/v1/purchases", json={"amount": 20, "description": "Sticker"},
                       headers=idem(bearer(token)))
    assert more.status_code == 201
    vouchers.issue_gift(session, user_id=user_id, value=150, kek=KEK, risk=risk_rules.OFF)
    session.commit()
    refund = client.post(f"/v1/purchases/{more.get_json()['id']}/refunds",
                         json={"reason": "Wrong sticker"}, headers=idem(admin))
    assert refund.status_code == 201, refund.get_data(as_text=True)
    return admin, user_id


def test_worked_scenario_to_the_credit(client: FlaskClient, session: Session) -> None:
    admin, _user = scenario(client, session)
    report = client.get("/v1/reports/liabilities", headers=admin).get_json()
    # paid: 1,000 - 40 - 20 (purchases) - 150 (gift) + 20 (refund, back to paid) = 810
    assert report["credits_outstanding"] == {"credits_paid": 810, "credits_promotional": 0,
                                             "total": 810}
    assert report["vouchers_outstanding"] == 150
    assert report["merchant_earnings_payable"] == {"pending": 280, "available": 0,
                                                   "in_transit": 0, "reserved": 0,
                                                   "debt": 0, "total": 280}
    assert report["total_owed"] == 810 + 150 + 280
    assert report["breakage"] == 0 and report["fees"] == 0
    assert report["platform_losses"] is None  # no losses account yet
    assert report["funding"] == {"credits_sold": 1000, "promotions_issued": 240,
                                 "gift_cards_sold": 0, "paid_out": 0}
    rec = report["reconciliation"]
    assert rec == {**rec, "ok": True, "books_balance": 0, "mismatched_kinds": [],
                   "vouchers_table": 150, "vouchers_match": True}
    assert report["total_owed"] + report["breakage"] + report["fees"] == (
        report["funding"]["credits_sold"] + report["funding"]["promotions_issued"])


def test_breakage_and_platform_losses(client: FlaskClient, session: Session) -> None:
    admin, user_id = scenario(client, session)
    lot = credits.grant_promotional(session, user_id, 70, utcnow() + timedelta(minutes=1),
                                    "short", f"t:{uuid.uuid4().hex}")[0]
    assert credits.expire_lots(session, now=utcnow() + timedelta(minutes=2)) >= 1
    losses = open_account(session, "platform:losses", kind=LOSSES_KIND, asset=chart.CREDIT,
                          allow_negative=True)
    paid = chart.user_account(session, user_id)
    post(session, reference=f"t:loss:{uuid.uuid4().hex}", kind="loss_cover",
         moves=[Move(losses.id, paid.id, 25)])
    session.commit()
    report = client.get("/v1/reports/liabilities", headers=admin).get_json()
    assert lot.credits == 70 and report["breakage"] == 70
    assert report["platform_losses"] == 25
    assert report["credits_outstanding"]["credits_paid"] == 835
    assert report["reconciliation"]["ok"] is True
    assert report["total_owed"] + report["breakage"] == 1000 + 310 + 25


def test_the_reconciliation_catches_a_tampered_row(
        client: FlaskClient, session: Session) -> None:
    _admin, user_id = scenario(client, session)
    paid = chart.user_account(session, user_id)
    session.execute(text("UPDATE account_balances SET balance = balance + 1 "
                         "WHERE account_id = :id"), {"id": paid.id})
    report: dict[str, Any] = liability_report(session)
    rec = report["reconciliation"]
    assert rec["ok"] is False and rec["books_balance"] == 1
    assert rec["mismatched_kinds"] == [{"kind": "user_paid", "balances": 811, "postings": 810}]
    session.execute(text("UPDATE account_balances SET balance = balance - 1 "
                         "WHERE account_id = :id"), {"id": paid.id})
    session.execute(text("UPDATE vouchers SET remaining = remaining - 1"))
    rec = liability_report(session)["reconciliation"]
    assert rec["ok"] is False and rec["vouchers_table"] == 149 and not rec["vouchers_match"]


def test_liabilities_command(client: FlaskClient, session: Session,
                             runner: FlaskCliRunner) -> None:
    scenario(client, session)
    shown = runner.invoke(args=["console", "liabilities"])
    assert shown.exit_code == 0, shown.output
    assert "credits outstanding, paid" in shown.output and "810" in shown.output
    assert "reconciled with the ledger" in shown.output and "yes" in shown.output
    as_json = runner.invoke(args=["console", "liabilities", "--json"])
    assert json.loads(as_json.output)["total_owed"] == 1240
