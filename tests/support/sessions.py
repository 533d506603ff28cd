"""Signing a test client in the way the product does: a server-side session row and its
token in the cookie (``wallet.people.service.start_session``)."""

from __future__ import annotations

from contextlib import nullcontext

from flask import current_app, has_app_context
from flask.testing import FlaskClient

from wallet.db import db
from wallet.people import service as people
from wallet.people.csrf import SESSION_KEY as CSRF_SESSION_KEY
from wallet.web.auth import SESSION_FIELD


def start_session(client: FlaskClient, user_id: str, csrf_token: str) -> str:
    """Sign ``client`` in as ``user_id`` with this CSRF token; returns the session token."""
    app = client.application
    same_app = has_app_context() and current_app._get_current_object() is app  # type: ignore[attr-defined]
    with nullcontext() if same_app else app.app_context():
        _row, token = people.start_session(db.session(), user_id)
        db.session.commit()
    use_session(client, token, csrf_token)
    return token


def use_session(client: FlaskClient, token: str, csrf_token: str) -> None:
    """Put an existing session's token and a CSRF token in the client's cookie."""
    with client.session_transaction() as cookie_session:
        cookie_session[SESSION_FIELD] = token
        cookie_session[CSRF_SESSION_KEY] = csrf_token


def end_cookie_session(client: FlaskClient) -> None:
    """Forget the signed-in session on this client (the cookie only)."""
    with client.session_transaction() as cookie_session:
        cookie_session.pop(SESSION_FIELD, None)
