"""CSRF protection for everything that relies on the session cookie.

A per-session random token (``session["csrf_token"]``). Any unsafe request
(POST, PUT, PATCH, DELETE) that carries no ``Authorization`` header and either
comes with a signed-in session or is a form post must present the token, as
the ``csrf_token`` form field or the ``X-CSRF-Token`` header. Calls
authenticated by a bearer credential need nothing: a browser never adds that
header on its own. The token is given to pages by ``csrf_token()`` in
templates, by ``GET /v1/session`` and in the readable ``wallet_csrf`` cookie.

Endpoints that authenticate otherwise (OAuth token/revocation endpoints,
provider webhooks) are exempt: see ``EXEMPT_PREFIXES`` and ``exempt``.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request, session

from wallet.errors import PermissionDenied
from wallet.web.auth import SESSION_FIELD

SESSION_KEY = "csrf_token"
HEADER = "X-CSRF-Token"
FORM_FIELD = "csrf_token"
COOKIE = "wallet_csrf"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EXEMPT_PREFIXES: list[str] = ["/oauth/token", "/oauth/revoke", "/v1/webhooks/"]
_exempt_endpoints: set[str] = set()

F = TypeVar("F", bound=Callable[..., Any])


def exempt(view: F) -> F:
    """Mark a view function as not needing a CSRF token (it authenticates otherwise)."""
    _exempt_endpoints.add(f"{view.__module__}.{view.__qualname__}")
    return view


def token() -> str:
    """This session's CSRF token (created on first use)."""
    value = session.get(SESSION_KEY)
    if not isinstance(value, str) or not value:
        value = secrets.token_urlsafe(32)
        session[SESSION_KEY] = value
    return value


def rotate() -> str:
    """A new token, e.g. after sign-in or sign-out."""
    session.pop(SESSION_KEY, None)
    return token()


def _is_form() -> bool:
    return request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")


def _presented() -> str:
    value = request.headers.get(HEADER)
    if value is None and _is_form():
        value = request.form.get(FORM_FIELD)
    return value or ""


def needs_check() -> bool:
    if request.method not in UNSAFE_METHODS or "Authorization" in request.headers:
        return False
    if any(request.path.startswith(prefix) for prefix in EXEMPT_PREFIXES):
        return False
    if request.endpoint and _view_function_name() in _exempt_endpoints:
        return False
    return bool(session.get(SESSION_FIELD)) or _is_form()


def _view_function_name() -> str | None:
    func = current_app.view_functions.get(request.endpoint or "")
    if func is None:
        return None
    target = getattr(func, "view_class", func)
    return f"{target.__module__}.{target.__qualname__}"


def protect() -> None:
    """``before_request``: refuse an unsafe cookie-authenticated request without the token."""
    if not needs_check():
        return
    expected = session.get(SESSION_KEY)
    presented = _presented()
    if not isinstance(expected, str) or not expected or not hmac.compare_digest(
        expected.encode(), presented.encode()
    ):
        raise PermissionDenied(
            "Missing or wrong CSRF token: send the session's token as the "
            f"'{FORM_FIELD}' form field or the '{HEADER}' header.", code="csrf_failed",
        )


def _set_cookie(response: Response) -> Response:
    value = session.get(SESSION_KEY)
    if isinstance(value, str) and request.cookies.get(COOKIE) != value:
        response.set_cookie(COOKIE, value, httponly=False, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def init_app(app: Flask) -> None:
    """Cookie flags, the check before every request, and ``csrf_token()`` in templates."""
    production = app.config.get("ENV") == "production"
    app.config["SESSION_COOKIE_NAME"] = app.config.get("SESSION_COOKIE_NAME_WALLET",
                                                       "wallet_session")
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config["SESSION_COOKIE_SECURE"] = bool(
        app.config.get("SESSION_COOKIE_SECURE") or production
    )
    app.before_request(protect)
    app.after_request(_set_cookie)
    app.jinja_env.globals["csrf_token"] = token
