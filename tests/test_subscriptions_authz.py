"""Every plan and subscription endpoint, tried with no credentials, garbage tokens, each
wrong principal, another merchant and another person: 401/403/404, nothing written."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.authz import Endpoint, assert_authz_matrix, make_principals
from tests.support.buyers import top_up
from wallet.subscriptions import service


def test_plan_and_subscription_endpoints(client: FlaskClient, session: Session) -> None:
    p = make_principals(session)
    top_up(session, p.user_id, 500)
    plan = service.create_plan(session, p.merchant_id, name="Club", amount=10,
                               interval="month")
    other_plan = service.create_plan(session, p.merchant_id, name="Club+", amount=20,
                                     interval="month")
    sub = service.subscribe(session, user_id=p.user_id, plan_id=plan.id, merchant_id=None,
                            app_id=None)
    session.commit()
    one = f"/v1/subscriptions/{sub.id}"
    endpoints = [
        Endpoint("POST", "/v1/plans", {"name": "X", "amount": 5, "interval": "week"},
                 allowed={"merchant"}),
        Endpoint("GET", "/v1/plans", allowed={"merchant", "user"}),
        Endpoint("GET", f"/v1/plans/{plan.id}", allowed={"merchant", "user"}, owner="merchant"),
        Endpoint("POST", f"/v1/plans/{plan.id}/archive", allowed={"merchant"}, owner="merchant"),
        Endpoint("POST", "/v1/subscriptions", {"plan_id": other_plan.id}, allowed={"user"}),
        Endpoint("GET", "/v1/subscriptions", allowed={"user", "merchant"}),
        Endpoint("GET", "/v1/subscriptions/summary", allowed={"merchant"}),
    ]
    for owner in ("merchant", "user"):
        endpoints += [
            Endpoint("GET", one, allowed={"user", "merchant"}, owner=owner),
            Endpoint("POST", f"{one}/cancel", {"at_period_end": True},
                     allowed={"user", "merchant"}, owner=owner),
            Endpoint("POST", f"{one}/resume", allowed={"user", "merchant"}, owner=owner),
            Endpoint("POST", f"{one}/change", {"plan_id": other_plan.id},
                     allowed={"user", "merchant"}, owner=owner),
        ]
    assert_authz_matrix(client, session, p, endpoints)
