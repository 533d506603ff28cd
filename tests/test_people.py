"""People: sign up, sign in and out, session cookie flags, CSRF, rate limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.databases import temporary_database
from wallet.db import db
from wallet.merchants import service as merchants_service
from wallet.people import service as people
from wallet.people import service as people_service
from wallet.people.models import User

PASSWORD = "long-enough-pw"


def csrf_of(client: FlaskClient) -> str:
    return str(client.get("/v1/session").get_json()["csrf_token"])


def test_sign_up_sign_in_me_sign_out(client: FlaskClient, session: Session) -> None:
    created = client.post("/v1/signup", json={"email": " Ada@Example.com ", "password": PASSWORD})
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert body["user"]["email"] == "ada@example.com" and body["csrf_token"]
    cookie = created.headers.get_all("Set-Cookie")
    session_cookie = next(c for c in cookie if c.startswith("wallet_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # not production

    me = client.get("/v1/me")
    assert me.status_code == 200 and me.get_json()["via"] == "session"
    assert me.get_json()["email"] == "ada@example.com"
    # Signing out needs the CSRF token of the session.
    assert client.delete("/v1/session").status_code == 403
    out = client.delete("/v1/session", headers={"X-CSRF-Token": body["csrf_token"]})
    assert out.status_code == 200 and out.get_json()["user"] is None
    assert client.get("/v1/me").status_code == 401

    signed_in = client.post("/v1/session", json={"email": "ADA@example.com",
                                                 "password": PASSWORD})
    assert signed_in.status_code == 200
    assert signed_in.get_json()["csrf_token"] != body["csrf_token"]  # rotated
    assert client.get("/v1/me").status_code == 200
    user = session.scalar(select(User).where(User.email == "ada@example.com"))
    assert user is not None and user.password_hash.startswith("$argon2id$")


def test_wrong_credentials_and_duplicates(client: FlaskClient, session: Session) -> None:
    people_service.create_user(session, "bob@example.com", PASSWORD)
    session.commit()
    for email, password in (("bob@example.com", "wrong-password"),
                            ("nobody@example.com", PASSWORD), ("not an email", PASSWORD)):
        response = client.post("/v1/session", json={"email": email, "password": password})
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "invalid_credentials"
    assert client.get("/v1/me").status_code == 401
    taken = client.post("/v1/signup", json={"email": "BOB@example.com", "password": PASSWORD})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "email_taken"
    weak = client.post("/v1/signup", json={"email": "c@example.com", "password": "short"})
    assert weak.status_code == 400 and weak.get_json()["error"]["code"] == "weak_password"


def test_user_without_password_cannot_sign_in(client: FlaskClient, session: Session) -> None:
    people_service.create_user(session, "nopw@example.com")
    session.commit()
    response = client.post("/v1/session", json={"email": "nopw@example.com",
                                                "password": PASSWORD})
    assert response.status_code == 401


def test_form_pages_and_csrf(client: FlaskClient, session: Session) -> None:
    people_service.create_user(session, "carol@example.com", PASSWORD)
    session.commit()
    page = client.get("/signin?next=/oauth/authorize%3Fx%3D1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<label for="email">' in html and '<label for="password">' in html
    token = csrf_of(client)
    no_token = client.post("/signin", data={"email": "carol@example.com", "password": PASSWORD})
    assert no_token.status_code == 403
    assert no_token.get_json()["error"]["code"] == "csrf_failed"
    wrong = client.post("/signin", data={"email": "carol@example.com", "password": "nope-nope",
                                         "csrf_token": token})
    assert wrong.status_code == 401 and "wrong" in wrong.get_data(as_text=True)
    ok = client.post("/signin", data={"email": "carol@example.com", "password": PASSWORD,
                                      "csrf_token": token, "next": "/oauth/authorize?x=1"})
    assert ok.status_code == 303 and ok.headers["Location"] == "/oauth/authorize?x=1"
    assert client.get("/v1/me").get_json()["email"] == "carol@example.com"
    # Open redirects are refused.
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client.post("/signout", data={"csrf_token": csrf_of(client)})
        again = client.post("/signin", data={"email": "carol@example.com", "password": PASSWORD,
                                             "csrf_token": csrf_of(client), "next": evil})
        assert again.headers["Location"] == "/", evil


def test_signup_form(client: FlaskClient, session: Session) -> None:
    assert client.get("/signup").status_code == 200
    token = csrf_of(client)
    made = client.post("/signup", data={"email": "dan@example.com", "password": PASSWORD,
                                        "csrf_token": token})
    assert made.status_code == 303
    assert client.get("/v1/me").get_json()["email"] == "dan@example.com"
    client.post("/signout", data={"csrf_token": csrf_of(client)})
    dup = client.post("/signup", data={"email": "dan@example.com", "password": PASSWORD,
                                       "csrf_token": csrf_of(client)})
    assert dup.status_code == 409
    bad = client.post("/signup", data={"email": "x\x00@example.com", "password": PASSWORD,
                                       "csrf_token": csrf_of(client)})
    assert bad.status_code == 400


def test_session_json_calls_need_csrf_but_bearer_calls_do_not(
        client: FlaskClient, session: Session) -> None:
    client.post("/v1/signup", json={"email": "eve@example.com", "password": PASSWORD})
    token = csrf_of(client)
    # A cookie-authenticated unsafe call without the header is refused before the view.
    refused = client.post("/v1/users", json={"email": "x@example.com"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "csrf_failed"
    # With the header it reaches the view (and is refused there: wrong principal).
    wrong_kind = client.post("/v1/users", json={"email": "x@example.com"},
                             headers={"X-CSRF-Token": token})
    assert wrong_kind.get_json()["error"]["code"] == "wrong_principal"
    _, admin = merchants_service.issue_key(session, "admin")
    session.commit()
    made = client.post("/v1/users", json={"email": "x@example.com"},
                       headers={"Authorization": f"Bearer {admin}"})
    assert made.status_code == 201


def test_secure_cookie_in_production() -> None:
    from wallet.people import csrf

    app = Flask("production_like")
    app.config.update(ENV="production")
    csrf.init_app(app)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("body", [
    None, "not json", [], {"email": "a@example.com"}, {"password": PASSWORD},
    {"email": 1, "password": PASSWORD}, {"email": True, "password": PASSWORD},
    {"email": "a@example.com", "password": 12345678},
    {"email": "a@example.com", "password": PASSWORD, "extra": 1},
    {"email": "a" * 2_000_000, "password": PASSWORD},
    {"email": "a\x00b@example.com", "password": PASSWORD},
    {"email": "a\u202e@example.com", "password": "x" * 2000},
])
def test_hostile_sign_up_and_sign_in(client: FlaskClient, session: Session, body: object) -> None:
    before = session.scalar(select(func.count()).select_from(User))
    for path in ("/v1/signup", "/v1/session"):
        if isinstance(body, str):
            response = client.post(path, data=body, content_type="application/json")
        else:
            response = client.post(path, json=body)
        assert 400 <= response.status_code < 500, (path, body, response.status_code)
        error = response.get_json()["error"]
        assert {"type", "code", "message", "param"} <= set(error)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_authenticate_service(session: Session) -> None:
    people_service.create_user(session, "fay@example.com", PASSWORD)
    assert people.authenticate(session, "FAY@example.com", PASSWORD).email == "fay@example.com"


@pytest.fixture
def limited_app(engine_name: str, tmp_path: Path) -> Flask:
    from tests.conftest import migrated_app
    from wallet.extensions import limiter

    with temporary_database(engine_name, tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance", RATELIMIT_ENABLED=True,
                           SIGNIN_RATE_LIMIT="3 per minute")
        limiter.reset()
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_sign_in_attempts_are_rate_limited(limited_app: Flask) -> None:
    with limited_app.app_context():
        people_service.create_user(db.session(), "gus@example.com", PASSWORD)
        db.session.commit()
    client = limited_app.test_client()
    ok = client.post("/v1/session", json={"email": "gus@example.com", "password": PASSWORD})
    assert ok.status_code == 200  # successes do not count
    client = limited_app.test_client()
    for _ in range(3):
        bad = client.post("/v1/session", json={"email": "gus@example.com", "password": "x" * 9})
        assert bad.status_code == 401
    limited = client.post("/v1/session", json={"email": "gus@example.com", "password": PASSWORD})
    assert limited.status_code == 429
    error = limited.get_json()["error"]
    assert error["type"] == "rate_limit_error" and error["code"] == "rate_limited"
    assert "Retry-After" in limited.headers
