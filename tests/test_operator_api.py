"""Operator endpoints (users, merchants, keys, token exchange) and merchant endpoints
(apps, counters), with hostile input on every POST."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.authz import snapshot
from wallet.merchants import service as merchants_service
from wallet.merchants.service import key_for_secret
from wallet.oauth.service import principal_for_access_token
from wallet.people import service as people_service


@dataclass
class Keys:
    admin: dict[str, str]
    merchant: dict[str, str]
    merchant_id: str
    app_id: str
    user_id: str


@pytest.fixture
def keys(session: Session) -> Keys:
    _, admin = merchants_service.issue_key(session, "admin")
    merchant = merchants_service.create_merchant(session, "Shop")
    _, secret = merchants_service.issue_key(session, "secret", merchant_id=merchant.id)
    app = merchants_service.create_app_client(session, merchant.id, "Shop app", ["https://s.example/cb"])
    user = people_service.create_user(session, "op-user@example.com")
    session.commit()
    return Keys({"Authorization": f"Bearer {admin}"}, {"Authorization": f"Bearer {secret}"},
                merchant.id, app.id, user.id)


def test_users(client: FlaskClient, keys: Keys) -> None:
    made = client.post("/v1/users", json={"email": "New@Example.com"}, headers=keys.admin)
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert body["id"].startswith("usr_") and body["email"] == "new@example.com"
    fetched = client.get(f"/v1/users/{body['id']}", headers=keys.admin)
    assert fetched.status_code == 200 and fetched.get_json()["email"] == "new@example.com"
    assert client.get("/v1/users/usr_nope", headers=keys.admin).status_code == 404
    dup = client.post("/v1/users", json={"email": "new@example.com"}, headers=keys.admin)
    assert dup.status_code == 409


def test_merchants_and_keys(client: FlaskClient, keys: Keys, session: Session) -> None:
    made = client.post("/v1/merchants", json={"name": "Café ☕"}, headers=keys.admin)
    assert made.status_code == 201
    merchant = made.get_json()
    assert merchant["id"].startswith("mer_") and merchant["secret_key"].startswith("sk_")
    assert merchant["kyc_status"] == "pending"
    first_key = {"Authorization": f"Bearer {merchant['secret_key']}"}
    assert client.get("/v1/apps", headers=first_key).status_code == 200
    assert client.get(f"/v1/merchants/{merchant['id']}", headers=keys.admin).status_code == 200

    second = client.post(f"/v1/merchants/{merchant['id']}/keys", json={"label": "rotation"},
                         headers=keys.admin)
    assert second.status_code == 201
    new_key = second.get_json()
    assert new_key["secret_key"].startswith("sk_") and new_key["hint"] == new_key[
        "secret_key"][-4:]
    listed = client.get(f"/v1/merchants/{merchant['id']}/keys", headers=keys.admin).get_json()
    assert len(listed["data"]) == 2 and "secret_key" not in listed["data"][0]
    first_id = key_for_secret(session, merchant["secret_key"]).id
    revoked = client.delete(f"/v1/merchants/{merchant['id']}/keys/{first_id}",
                            headers=keys.admin)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    refused = client.get("/v1/apps", headers=first_key)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_api_key"
    new_auth = {"Authorization": f"Bearer {new_key['secret_key']}"}
    assert client.get("/v1/apps", headers=new_auth).status_code == 200
    # A key of another merchant cannot be revoked through this merchant's path.
    assert client.delete(f"/v1/merchants/{keys.merchant_id}/keys/{new_key['id']}",
                         headers=keys.admin).status_code == 404


def test_token_exchange(client: FlaskClient, keys: Keys, session: Session) -> None:
    response = client.post(f"/v1/users/{keys.user_id}/tokens",
                           json={"app_id": keys.app_id, "per_purchase_cap": 25},
                           headers=keys.admin)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "wallet:read purchases:write"
    who = principal_for_access_token(session, body["access_token"])
    assert who is not None and who.user_id == keys.user_id and who.app_id == keys.app_id
    assert who.merchant_id == keys.merchant_id
    assert who.grant["per_purchase_cap"] == 25 and who.grant["daily_cap"] is None
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    # Omitted caps keep their value; given ones replace it.
    again = client.post(f"/v1/users/{keys.user_id}/tokens",
                        json={"app_id": keys.app_id, "daily_cap": 100}, headers=keys.admin)
    who = principal_for_access_token(session, again.get_json()["access_token"])
    assert who is not None and who.grant == {**who.grant, "per_purchase_cap": 25,
                                             "daily_cap": 100}
    for body_, status in (({"app_id": "app_nope"}, 404), ({"app_id": keys.app_id,
                                                          "scope": "admin"}, 400)):
        assert client.post(f"/v1/users/{keys.user_id}/tokens", json=body_,
                           headers=keys.admin).status_code == status
    assert client.post("/v1/users/usr_nope/tokens", json={"app_id": keys.app_id},
                       headers=keys.admin).status_code == 404
    # every scope an app may hold (ALL_SCOPES), subscriptions included
    every = client.post(f"/v1/users/{keys.user_id}/tokens",
                        json={"app_id": keys.app_id, "scope": "subscriptions:write wallet:read"},
                        headers=keys.admin)
    assert every.status_code == 201, every.get_data(as_text=True)
    assert set(every.get_json()["scope"].split()) == {"subscriptions:write", "wallet:read"}


def test_apps_and_counters(client: FlaskClient, keys: Keys, session: Session) -> None:
    uris = ["https://shop.example/cb", "http://127.0.0.1/cb", "http://[::1]:8080/cb",
            "com.example.shop:/oauth"]
    made = client.post("/v1/apps", json={"name": "Shop reader", "redirect_uris": uris},
                       headers=keys.merchant)
    assert made.status_code == 201, made.get_data(as_text=True)
    app = made.get_json()
    assert app["id"].startswith("app_") and app["redirect_uris"] == uris
    assert app["merchant_id"] == keys.merchant_id
    assert client.get(f"/v1/apps/{app['id']}", headers=keys.merchant).status_code == 200
    listed = client.get("/v1/apps?limit=1", headers=keys.merchant).get_json()
    assert len(listed["data"]) == 1 and listed["has_more"] is True
    rest = client.get(f"/v1/apps?limit=1&starting_after={listed['data'][0]['id']}",
                      headers=keys.merchant).get_json()
    assert len(rest["data"]) == 1 and rest["has_more"] is False
    assert rest["data"][0]["id"] != listed["data"][0]["id"]
    assert client.get("/v1/apps?starting_after=app_nope",
                      headers=keys.merchant).status_code == 404  # an unknown cursor
    assert client.get("/v1/apps?limit=0", headers=keys.merchant).status_code == 400
    assert client.get("/v1/apps?limit=101", headers=keys.merchant).status_code == 400

    counter = client.post("/v1/counters", json={"name": "Till 1"}, headers=keys.merchant)
    assert counter.status_code == 201
    body = counter.get_json()
    assert body["id"].startswith("ctr_") and body["key"].startswith("ck_")
    key = key_for_secret(session, body["key"])
    assert key.kind == "counter" and key.counter_id == body["id"]
    listed = client.get("/v1/counters", headers=keys.merchant).get_json()
    assert [c["id"] for c in listed["data"]] == [body["id"]] and "key" not in listed["data"][0]


GOOD_REDIRECT_URIS = [
    "https://shop.example/cb", "https://shop.example", "https://shop.example?x=1",
    "https://shop.example:8443?x=1&y=2", "https://shop.example/cb?x=1",
    "https://shop.example/?x=1", "http://127.0.0.1/cb", "http://127.0.0.1?x=1",
    "http://[::1]:8080?x=1", "com.example.shop:/oauth", "com.example.shop:/oauth?x=1",
]
BAD_REDIRECT_URIS = [
    "http://shop.example/cb", "http://localhost/cb", "javascript:alert(1)", "data:text/html,x",
    "file:///etc/passwd", "https://shop.example/cb#frag", "myapp:/cb", "https:///nohost",
    "", "ftp://x.example/", "com.example.app:", "https://x.example/\x00", "//x.example/cb",
    "https://shop.example?x=1#frag", "https://shop.example#", "https://shop.example?#",
    "http://127.0.0.1?x=1#f", "https://shop.example?x=1 2",
]


@pytest.mark.parametrize("uri", GOOD_REDIRECT_URIS)
def test_good_redirect_uris(client: FlaskClient, keys: Keys, uri: str) -> None:
    """RFC 6749 §3.1.2: a redirect URI may have a query (kept when the code is added) and
    no fragment; a query with no path is a query too (RFC 3986 §3: ``https://host?x=1``)."""
    response = client.post("/v1/apps", json={"name": "x", "redirect_uris": [uri]},
                           headers=keys.merchant)
    assert response.status_code == 201, (uri, response.get_json())
    assert response.get_json()["redirect_uris"] == [uri]


def test_the_documented_pattern_and_the_check_agree() -> None:
    """The OpenAPI pattern (REDIRECT_URI) says what ``check_redirect_uri`` judges."""
    import re

    from marshmallow import ValidationError

    from wallet.merchants.api import REDIRECT_URI, check_redirect_uri

    pattern = re.compile(REDIRECT_URI.regex.pattern)
    for uri in GOOD_REDIRECT_URIS:
        assert pattern.search(uri), uri
        check_redirect_uri(uri)
    for uri in BAD_REDIRECT_URIS:
        try:
            check_redirect_uri(uri)
            judged = True
        except ValidationError:
            judged = False
        assert not (judged and pattern.search(uri)), uri


@pytest.mark.parametrize("uri", BAD_REDIRECT_URIS)
def test_bad_redirect_uris(client: FlaskClient, keys: Keys, uri: str) -> None:
    response = client.post("/v1/apps", json={"name": "x", "redirect_uris": [uri]},
                           headers=keys.merchant)
    assert response.status_code == 400, uri
    assert response.get_json()["error"]["param"].startswith("redirect_uris")


HOSTILE: list[Any] = [
    None, [], "string", 1, True, {}, {"unknown": 1},
    {"name": 1}, {"name": True}, {"name": 1.5}, {"name": None}, {"name": ["x"]},
    {"name": {"a": 1}}, {"name": ""}, {"name": "x" * 201}, {"name": "a\x00b"},
    {"name": "a\x07b"}, {"name": "\ud800"}, {"name": "ok", "extra": "field"},
    {"name": "x" * 2_000_000},
]


def _post_hostile(client: FlaskClient, path: str, body: Any, headers: dict[str, str]) -> Any:
    return client.post(path, json=body, headers=headers)


@pytest.mark.parametrize(("path", "kind", "base"), [
    ("/v1/users", "admin", {"email": "h@example.com"}),
    ("/v1/merchants", "admin", {"name": "ok"}),
    ("/v1/apps", "merchant", {"name": "ok", "redirect_uris": ["https://a.example/cb"]}),
    ("/v1/counters", "merchant", {"name": "ok"}),
    ("/v1/users/{user}/tokens", "admin", {"app_id": "{app}"}),
    ("/v1/merchants/{merchant}/keys", "admin", {"label": "ok"}),
])
def test_hostile_input(client: FlaskClient, session: Session, keys: Keys, path: str, kind: str,
                       base: dict[str, Any]) -> None:
    path = path.format(user=keys.user_id, merchant=keys.merchant_id)
    base = {k: v.format(app=keys.app_id) if isinstance(v, str) else v for k, v in base.items()}
    headers = keys.admin if kind == "admin" else keys.merchant
    field = next(iter(base))
    # Every field of the keys endpoint is optional: no body and {} are fine there.
    bodies: list[Any] = [b for b in HOSTILE if field != "label" or b not in (None, {})]
    for value in (1, True, 1.5, None, [], {}, "", "x" * 5000, "\x00", 2**63, -1, 10**30):
        if not (value == "" and field == "label"):  # an empty label is fine
            bodies.append({**base, field: value})
    bodies.append({**base, "unknown_field": 1})
    if path.endswith("/tokens"):
        for cap in (0, -1, 2**63, 1.0, True, "5", 10**30, None):
            bodies.append({**base, "per_purchase_cap": cap, "daily_cap": 2**63 + 5}
                          if cap is None else {**base, "per_purchase_cap": cap})
        bodies.append({**base, "expires_in": 10**9})
    before = snapshot(session)
    for body in bodies:
        response = _post_hostile(client, path, body, headers)
        assert 400 <= response.status_code < 500, (path, repr(body)[:80], response.status_code)
        error = response.get_json()["error"]
        assert {"type", "code", "message", "param"} <= set(error), error
    malformed = client.post(path, data='{"name": ', content_type="application/json",
                            headers=headers)
    assert malformed.status_code == 400 and "error" in malformed.get_json()
    huge = client.post(path, data='{"name": "' + "x" * 2_000_000 + '"}',
                       content_type="application/json", headers=headers)
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "body_too_large"
    assert snapshot(session) == before
