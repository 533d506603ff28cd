"""What the wallet page reads: notices (low balance, promotional credits expiring within 7
days), history entries linked to their objects, and receipt details of purchases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.buyers import make_world, top_up, user_token
from tests.support.voucher_world import gift, sign_in
from wallet.credits import service as credits
from wallet.db import utcnow
from wallet.purchases import service as purchases
from wallet.purchases.service import Buyer, Limits


@pytest.mark.usefixtures("risk_off")  # gifts fresh top-up credits at once
def test_notices_history_links_and_purchase_receipt(app: Flask, client: FlaskClient,
                                                    session: Session) -> None:
    world = make_world(session)
    person = world.user_ids[0]
    sign_in(client, person)
    empty = client.get("/v1/wallet").json
    assert empty["low_balance"] is True
    assert empty["expiring_soon"] == {"credits": 0, "days": 7}

    top_up(session, person, 500)
    now = utcnow()
    credits.grant_promotional(session, person, 30, now + timedelta(days=2), "Soon", "g-soon")
    credits.grant_promotional(session, person, 12, now + timedelta(days=6, hours=23), "Week",
                              "g-week")
    credits.grant_promotional(session, person, 40, now + timedelta(days=9), "Later", "g-late")
    bought, _ = purchases.create_purchase(
        session, Buyer(person, world.app_id, world.merchant_id), amount=5,
        description="Sticker", metadata=None, idempotency_key="buy-1",
        limits=Limits(velocity_per_minute=None, daily_per_app=None))
    session.commit()
    voucher = gift(client, person, 20)
    sign_in(client, person)

    wallet = client.get("/v1/wallet").json
    assert wallet["low_balance"] is False
    # 5 credits were spent from the soonest lot: 25 + 12 expire within 7 days, 40 later
    assert wallet["expiring_soon"] == {"credits": 37, "days": 7}

    entries = client.get("/v1/wallet/transactions?limit=10").json["data"]
    links = [(e["kind"], e["object_type"], e["object_id"]) for e in entries]
    assert links[0] == ("voucher_issue", "voucher", voucher["id"])
    assert links[1] == ("purchase", "purchase", bought["id"])
    assert [link[1] for link in links[2:5]] == ["grant"] * 3
    assert links[5] == ("topup", None, None)  # a test top-up without a top-up row

    receipt = client.get(f"/v1/purchases/{bought['id']}").json
    assert (receipt["merchant_name"], receipt["app_name"]) == ("Test Shop", "Test App")
    assert receipt["amount"] == 5 and receipt["description"] == "Sticker"
    listed = client.get("/v1/purchases").json["data"][0]
    assert "merchant_name" not in listed  # the hot-path list stays as it was
    token = user_token(session, person, world.app_id)
    session.commit()
    by_app = client.get(f"/v1/purchases/{bought['id']}",
                        headers={"Authorization": f"Bearer {token}"})
    assert by_app.status_code == 200 and by_app.json["merchant_name"] == "Test Shop"
