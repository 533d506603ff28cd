"""``POST /v1/purchases`` below Flask: the happy path of the hot path as a WSGI layer.

On PostgreSQL with a signed access token, a purchase is one statement
(``wallet.purchases.hot``); what was left of its cost was Flask, webargs and
marshmallow around it. This layer sits in front of the Flask app
(``app.wsgi_app``, installed by ``wallet.purchases.api.register``) and answers
only the purchase that goes through at once:

- ``POST /v1/purchases`` without cookies, with a JSON body of at most
  ``MAX_CONTENT_LENGTH`` bytes (a ``Content-Length``), an ``Idempotency-Key`` the
  Flask view would take and ``Authorization: Bearer`` a signed access token that
  verifies and may make purchases;
- a body that ``jsonparse.loads`` parses and that ``accepted`` takes: a strict
  subset of what ``PurchaseIn`` accepts, giving the same data (tests hold the two
  side by side over hostile input);
- ``wallet_purchase`` answering ``created`` or ``replayed``.

It writes what the Flask view writes: 201, the same JSON bytes (``app.json``),
``Content-Type``, ``Content-Length``, ``Idempotent-Replayed``, the security headers
(flask-talisman's own, computed once per scheme), ``X-Request-Id`` (the same rule)
and ``Vary: Cookie``.

Everything else goes to the Flask app unchanged (the body it read put back as
``wsgi.input``): another route, cookies, a body that does not parse or validate, a
token that is not signed, does not verify or lacks the scope, a refusal raised by
the function (it rolled back, so the Flask view runs it again and answers the one
error shape), a 503 after a run whose connection was lost (the view runs it again with
the same ``hot.Attempt``: the purchase id, and that a run may have committed; a replay
of that purchase is answered as created, without ``Idempotent-Replayed``, and a key
still held answers 503, not 409), the Python path (a merchant's first sale), a request session bound
to an outer transaction (tests), ``WALLET_PURCHASE_FAST_PATH=false``. SQLite never
gets this layer. So there is one validation and one error shape: Flask's.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response
from werkzeug.http import parse_options_header

from wallet.db import INT64_MAX, db
from wallet.errors import WalletError
from wallet.oauth import access_tokens
from wallet.purchases import hot
from wallet.purchases.service import Buyer, Limits
from wallet.web import jsonparse
from wallet.web.headers import talisman
from wallet.web.idempotency import MAX_KEY_LENGTH
from wallet.web.json_body import is_json_mimetype
from wallet.web.requests import _REQUEST_ID_KEY, _VALID_REQUEST_ID, REQUEST_ID_HEADER

PATH = "/v1/purchases"
CONFIG = "PURCHASE_FAST_PATH"
MAX_DESCRIPTION = 500
MAX_METADATA_KEYS = 20
MAX_METADATA_KEY = 40
MAX_METADATA_VALUE = 500
# C0 and C1 controls (Unicode category Cc) and surrogates (Cs): ``NO_CONTROLS``
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

log = logging.getLogger("wallet.purchases.fast")
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def accepted(body: Any) -> tuple[int, str, dict[str, str] | None] | None:
    """(amount, description, metadata) when ``PurchaseIn`` surely accepts ``body`` and
    loads exactly these; None for anything else (Flask then validates it)."""
    if type(body) is not dict:
        return None
    amount = body.get("amount")
    description = body.get("description")
    if type(amount) is not int or not 1 <= amount <= INT64_MAX:
        return None
    if (type(description) is not str or not 1 <= len(description) <= MAX_DESCRIPTION
            or _CONTROLS.search(description)):
        return None
    metadata = body.get("metadata")
    if len(body) != (3 if "metadata" in body else 2):
        return None  # another field: unknown to the schema
    if metadata is not None:
        if type(metadata) is not dict or len(metadata) > MAX_METADATA_KEYS:
            return None
        for key, value in metadata.items():
            if (type(value) is not str or not 1 <= len(key) <= MAX_METADATA_KEY
                    or len(value) > MAX_METADATA_VALUE or _CONTROLS.search(key)
                    or _CONTROLS.search(value)):
                return None
    return amount, description, metadata


def _bearer(environ: dict[str, Any]) -> str | None:
    """The token as ``wallet.web.auth._bearer_token`` takes it, or None."""
    header = environ.get("HTTP_AUTHORIZATION")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def _idempotency_key(environ: dict[str, Any]) -> str | None:
    """The key as ``wallet.web.idempotency._key_from_header`` takes it, or None."""
    key = environ.get("HTTP_IDEMPOTENCY_KEY", "")
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        return None
    return str(key)


def _security_headers(app: Flask, secure: bool) -> list[tuple[str, str]]:
    """flask-talisman's headers for ``POST /v1/purchases`` (http or https)."""
    base = "https://localhost" if secure else "http://localhost"
    with app.test_request_context(PATH, method="POST", base_url=base):
        response = Response()
        del response.headers["Content-Type"]
        talisman._set_response_headers(response)
        return list(response.headers.items())


class FastPurchases:
    """The WSGI layer (see the module docstring)."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp, extension: str) -> None:
        self.app = app
        self.extension = extension  # where the hot pool is
        self.wsgi_app = wsgi_app
        with app.app_context():
            self.key = access_tokens.key_for_engine(db.engine)
        self.headers = {False: _security_headers(app, False), True: _security_headers(app, True)}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        answer = self._answer(environ)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """The 201 of a purchase made here, or None: Flask answers (``environ`` left as
        Flask needs it)."""
        app = self.app
        config = app.config
        engine = app.extensions.get(self.extension)
        if (engine is None or not config.get(CONFIG, True) or "HTTP_COOKIE" in environ
                or _limited_everywhere(config) or _session_bound()):
            return None
        if not is_json_mimetype(parse_options_header(environ.get("CONTENT_TYPE", ""))[0].lower()):
            return None
        token = _bearer(environ)
        key = _idempotency_key(environ)
        if token is None or key is None or not access_tokens.is_signed(token):
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        limit = config.get("MAX_CONTENT_LENGTH")
        if length <= 0 or (limit is not None and length > limit) or (
                "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()):
            return None
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)  # Flask reads the same bytes
        if len(raw) != length:
            return None
        try:
            data = accepted(jsonparse.loads(raw))
            claims = access_tokens.verify(self.key, token)
        except Exception:  # the canonical error is Flask's
            return None
        if (data is None or claims.app_id is None or claims.merchant_id is None
                or "purchases:write" not in claims.scope.split()):
            return None  # as ``buyer_for``: Flask answers 403
        request_id = _request_id(environ)
        amount, description, metadata = data
        buyer = Buyer(user_id=str(claims.user_id), app_id=claims.app_id,
                      merchant_id=claims.merchant_id, per_purchase_cap=claims.per_purchase_cap,
                      daily_cap=claims.daily_cap)
        limits = Limits(velocity_per_minute=config.get("PURCHASE_VELOCITY", 60),
                        daily_per_app=config.get("DAILY_SPEND_PER_APP"))
        # the runs so far go to Flask with the request: when a run here lost its
        # connection after committing and the key then answered 503 (still held), the
        # view's run meets this request's own purchase and answers it as created
        attempt = environ[hot.ATTEMPT] = hot.Attempt()
        try:
            result, created = hot.purchase(
                engine, buyer, hot.TokenCheck.of(token, claims), amount=amount,
                description=description, metadata=metadata, idempotency_key=key,
                limits=limits, attempt=attempt)
        except (WalletError, hot.UsePythonPath):  # a refusal (rolled back), or 503: Flask
            return None
        except Exception:  # unexpected: Flask runs it again and answers (and logs) it
            log.warning("purchase below Flask failed; handed to Flask", exc_info=True)
            return None
        result["created_at"] = result["created_at"].isoformat()
        body = (self._dumps(result) + "\n").encode()
        headers = [("Content-Type", app.json.mimetype),  # type: ignore[attr-defined]
                   ("Content-Length", str(len(body)))]
        if not created:
            headers.append(("Idempotent-Replayed", "true"))
        headers += self.headers[environ.get("wsgi.url_scheme") == "https"
                                or environ.get("HTTP_X_FORWARDED_PROTO", "http") == "https"]
        headers += [(REQUEST_ID_HEADER, request_id), ("Vary", "Cookie")]
        return "201 CREATED", headers, body

    def _dumps(self, value: Any) -> str:
        """``jsonify``'s text: ``app.json`` with its compact or indented arguments."""
        provider = self.app.json
        compact = getattr(provider, "compact", None)
        if (compact is None and self.app.debug) or compact is False:
            return provider.dumps(value, indent=2)
        return provider.dumps(value, separators=(",", ":"))


def _limited_everywhere(config: Any) -> bool:
    """Flask-Limiter has limits for every route (``RATELIMIT_DEFAULT`` or
    ``RATELIMIT_APPLICATION``): only the Flask view counts them."""
    return bool(config.get("RATELIMIT_ENABLED", True) and (
        config.get("RATELIMIT_DEFAULT") or config.get("RATELIMIT_APPLICATION")))


def _session_bound() -> bool:
    """The request session is bound to a connection (an outer transaction, in tests):
    the Flask view runs the purchase inside it."""
    factory = getattr(db.session, "session_factory", None)
    return factory is not None and factory.kw.get("bind") is not None


def _request_id(environ: dict[str, Any]) -> str:
    """``wallet.web.requests._assign_request_id``'s id, kept in the environ for Flask."""
    found = environ.get(_REQUEST_ID_KEY)
    if found is None:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        found = given if _VALID_REQUEST_ID.match(given) else f"req_{secrets.token_hex(8)}"
        environ[_REQUEST_ID_KEY] = found
    return str(found)


def install(app: Flask, extension: str) -> None:
    """Put the layer in front of the Flask app (PostgreSQL's hot path only)."""
    app.config.setdefault(CONFIG, True)
    app.wsgi_app = FastPurchases(app, app.wsgi_app, extension)  # type: ignore[method-assign]
