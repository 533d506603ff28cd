"""What the PostgreSQL and SQLite purchase hot-path tests share: the purchase call, the
answer as a client sees it less ids and times, and the revocation scenario."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.support.buyers import make_world, top_up, user_token
from wallet.db import db, utcnow
from wallet.ids import secret_digest
from wallet.oauth.models import OAuthGrant, OAuthToken
from wallet.oauth.service import revoke_grant, upsert_grant
from wallet.purchases.models import Purchase

IDS = ("id", "created_at", "app_id", "merchant_id", "user_id")


def buy(client: FlaskClient, token: str, key: str, amount: int,
        description: str = "Sticker", metadata: dict[str, str] | None = None) -> Any:
    body: dict[str, Any] = {"amount": amount, "description": description}
    if metadata is not None:
        body["metadata"] = metadata
    return client.post("/v1/purchases", json=body, headers={
        "Authorization": f"Bearer {token}", "Idempotency-Key": key})


def answer(response: Any) -> Any:
    """Status and error, or status, replay header and body less ids and times."""
    body = response.get_json()
    if "error" in body:
        return [response.status_code, body["error"]]
    return [response.status_code, response.headers.get("Idempotent-Replayed"),
            {k: v for k, v in body.items() if k not in IDS}]


def public_key(app: Flask) -> Any:
    from wallet.cli import ledger_signing_key

    return ledger_signing_key(app).public_key()


def revocation_stops_purchases_at_once(app: Flask) -> None:
    """A revoked token, changed caps and a revoked connection each stop the next
    purchase; two purchases (keys "1" and "3") are all that went through."""
    with app.app_context():
        session: Session = db.session()
        world = make_world(session)
        user = world.user_ids[0]
        top_up(session, user, 50)
        token = user_token(session, user, world.app_id)
        other = user_token(session, user, world.app_id)
        session.commit()
    client = app.test_client()
    assert buy(client, token, "1", 1).status_code == 201
    with app.app_context():  # one token revoked (RFC 7009)
        session = db.session()
        session.execute(update(OAuthToken).where(
            OAuthToken.access_digest == secret_digest(token)).values(revoked_at=utcnow()))
        session.commit()
    refused = buy(client, token, "2", 1)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"
    assert buy(client, other, "3", 1).status_code == 201
    with app.app_context():  # the caps changed: tokens with the old ones stop
        session = db.session()
        upsert_grant(session, user_id=user, app_id=world.app_id,
                     scope="wallet:read purchases:write", per_purchase_cap=2, daily_cap=None,
                     replace_caps=True)
        session.commit()
    assert buy(client, other, "4", 1).status_code == 401
    with app.app_context():  # the connection revoked
        session = db.session()
        fresh = user_token(session, user, world.app_id)
        session.commit()
        assert buy(client, fresh, "5", 3).get_json()["error"]["code"] == (
            "per_purchase_cap_exceeded")
        grant = session.scalar(select(OAuthGrant).where(OAuthGrant.user_id == user))
        assert grant is not None
        revoke_grant(session, grant)
        session.commit()
    assert buy(client, fresh, "6", 1).status_code == 401
    with app.app_context():
        count = db.session().scalar(select(func.count()).select_from(Purchase)
                                    .where(Purchase.user_id == user))
        assert count == 2
