"""Authorization matrix: try endpoints with every wrong principal; nothing may be written.

Every endpoint is tried with no credentials, garbage bearer tokens and each
principal kind that is not allowed: 401 for missing/garbage credentials, 403
for a valid credential of the wrong kind. Endpoints that act on one merchant's
or one person's objects can also be tried with another merchant's key or
another person's token (403 or 404). After each endpoint the content of every
table must be exactly as before.

Usage (other features reuse this for their endpoints)::

    from tests.support.authz import Endpoint, assert_authz_matrix, make_principals

    def test_purchases_matrix(client, session):
        p = make_principals(session)
        assert_authz_matrix(client, session, p, [
            Endpoint("POST", "/v1/purchases", {"amount": 1, "description": "x"},
                     allowed={"user"}),
            Endpoint("POST", f"/v1/purchases/{pid}/refunds", {}, allowed={"merchant"},
                     owner="merchant"),   # also tried with merchant B's key
        ])

``allowed`` holds principal kinds: ``admin``, ``merchant``, ``counter``,
``user`` (token and session), ``user_token`` or ``user_session`` (only one of
the two). ``owner`` ("merchant" or "user") says the path names an object of
merchant A (``p.merchant_id``) or person A (``p.user_id``): then merchant B's key
or person B's token must be refused too. ``make_principals`` creates merchant
A (key, app, counter with key), merchant B (key, app), person A (token for app
A, a signed-in session) and person B (token for app B) through the services.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.sessions import use_session
from wallet.db import Base
from wallet.merchants import service as merchants_service
from wallet.oauth.service import mint_access_token
from wallet.people import service as people_service

WRONG_KINDS = ("admin", "merchant", "counter", "user_token", "user_session")
GARBAGE = ("garbage", "sk_garbage", "ak_garbage", "ck_garbage", "at_garbage", "x" * 600)


@dataclass
class Principals:
    admin_key: str
    merchant_id: str
    merchant_key: str
    app_id: str
    counter_id: str
    counter_key: str
    other_merchant_id: str
    other_merchant_key: str
    other_app_id: str
    user_id: str
    user_token: str
    other_user_id: str
    other_user_token: str
    session_token: str = ""
    csrf_token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def headers(self, kind: str) -> dict[str, str]:
        """Authorization header for one principal kind (``other_merchant`` etc. too)."""
        secret = {
            "admin": self.admin_key, "merchant": self.merchant_key,
            "counter": self.counter_key, "user_token": self.user_token,
            "other_merchant": self.other_merchant_key, "other_user": self.other_user_token,
        }[kind]
        return {"Authorization": f"Bearer {secret}"}


def make_principals(session: Session) -> Principals:
    """Two merchants, a counter, two people with tokens; everything through services."""
    _, admin_key = merchants_service.issue_key(session, "admin", label="authz")
    merchant = merchants_service.create_merchant(session, "Authz Merchant A")
    _, merchant_key = merchants_service.issue_key(session, "secret", merchant_id=merchant.id)
    app = merchants_service.create_app_client(session, merchant.id, "App A", ["https://a.example/cb"])
    counter = merchants_service.create_counter(session, merchant.id, "Counter A")
    _, counter_key = merchants_service.issue_key(session, "counter", merchant_id=merchant.id,
                                        counter_id=counter.id)
    other = merchants_service.create_merchant(session, "Authz Merchant B")
    _, other_key = merchants_service.issue_key(session, "secret", merchant_id=other.id)
    other_app = merchants_service.create_app_client(session, other.id, "App B", ["https://b.example/cb"])
    suffix = uuid.uuid4().hex[:8]
    user = people_service.create_user(session, f"authz-a-{suffix}@example.com", "password-a-123")
    other_user = people_service.create_user(session, f"authz-b-{suffix}@example.com",
                                            "password-b-123")
    user_token, _ = mint_access_token(session, user_id=user.id, app_id=app.id)
    other_token, _ = mint_access_token(session, user_id=other_user.id, app_id=other_app.id)
    _, session_token = people_service.start_session(session, user.id)
    session.flush()
    return Principals(
        admin_key=admin_key, merchant_id=merchant.id, merchant_key=merchant_key,
        app_id=app.id, counter_id=counter.id, counter_key=counter_key,
        other_merchant_id=other.id, other_merchant_key=other_key, other_app_id=other_app.id,
        user_id=user.id, user_token=user_token, other_user_id=other_user.id,
        other_user_token=other_token, session_token=session_token,
    )


@dataclass
class Endpoint:
    method: str
    path: str
    body: Any = None
    allowed: set[str] = field(default_factory=set)
    owner: str | None = None  # "merchant" or "user": also try merchant B / person B

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def snapshot(session: Session) -> dict[str, list[str]]:
    """The full content of every table (sorted reprs of its rows)."""
    session.expire_all()
    return {
        table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
        for table in Base.metadata.sorted_tables
    }


def _expand(allowed: Iterable[str]) -> set[str]:
    kinds = set(allowed)
    if "user" in kinds:
        kinds |= {"user_token", "user_session"}
    return kinds


def _call(client: FlaskClient, endpoint: Endpoint, headers: dict[str, str]) -> Any:
    headers = {"Idempotency-Key": f"authz-{uuid.uuid4().hex}", **headers}
    kwargs: dict[str, Any] = {"headers": headers}
    if endpoint.body is not None:
        kwargs["json"] = endpoint.body
    return client.open(endpoint.path, method=endpoint.method, **kwargs)


def signed_in_client(client: FlaskClient, principals: Principals) -> FlaskClient:
    browser = client.application.test_client()
    use_session(browser, principals.session_token, principals.csrf_token)
    return browser


def _expect(response: Any, statuses: set[int], what: str) -> None:
    assert response.status_code in statuses, (
        f"{what}: expected {sorted(statuses)}, got {response.status_code} "
        f"{response.get_data(as_text=True)[:300]}"
    )
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), (
        f"{what}: not the error shape: {response.get_data(as_text=True)[:300]}")
    assert {"type", "code", "message", "param"} <= set(body["error"]), what


def check_endpoint(client: FlaskClient, session: Session, principals: Principals,
                   endpoint: Endpoint) -> None:
    """Every refusal for one endpoint, and no table changed."""
    before = snapshot(session)
    anonymous = client.application.test_client()
    _expect(_call(anonymous, endpoint, {}), {401}, f"{endpoint} without credentials")
    for garbage in GARBAGE:
        _expect(_call(anonymous, endpoint, {"Authorization": f"Bearer {garbage}"}), {401},
                f"{endpoint} with garbage token {garbage[:12]!r}")
    _expect(_call(anonymous, endpoint, {"Authorization": "Basic Zm9vOmJhcg=="}), {401},
            f"{endpoint} with Basic auth")
    allowed = _expand(endpoint.allowed)
    for kind in WRONG_KINDS:
        if kind in allowed:
            continue
        if kind == "user_session":
            browser = signed_in_client(client, principals)
            response = _call(browser, endpoint, {"X-CSRF-Token": principals.csrf_token})
        else:
            response = _call(anonymous, endpoint, principals.headers(kind))
        _expect(response, {403}, f"{endpoint} as {kind}")
    if endpoint.owner == "merchant":
        _expect(_call(anonymous, endpoint, principals.headers("other_merchant")), {403, 404},
                f"{endpoint} as another merchant")
    if endpoint.owner == "user":
        _expect(_call(anonymous, endpoint, principals.headers("other_user")), {403, 404},
                f"{endpoint} as another person")
    after = snapshot(session)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"{endpoint}: refused calls changed tables {changed}"


def assert_authz_matrix(client: FlaskClient, session: Session, principals: Principals,
                        endpoints: Iterable[Endpoint]) -> None:
    for endpoint in endpoints:
        check_endpoint(client, session, principals, endpoint)
