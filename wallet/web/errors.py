"""One JSON error shape for every error, 404/405/500 included.

``{"error": {"type": …, "code": …, "message": …, "param": …}}``
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify
from werkzeug.exceptions import HTTPException

from wallet.db import db
from wallet.errors import WalletError
from wallet.retry import discard
from wallet.web.requests import raise_if_transient

log = logging.getLogger(__name__)

STATUS_BY_TYPE = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "insufficient_credits_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "conflict_error": 409,
    "unprocessable_error": 422,
    "rate_limit_error": 429,
    "api_error": 500,
    "service_unavailable_error": 503,
}

HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "invalid_request"),
    401: ("authentication_error", "unauthenticated"),
    403: ("permission_error", "forbidden"),
    404: ("not_found_error", "not_found"),
    405: ("invalid_request_error", "method_not_allowed"),
    409: ("conflict_error", "conflict"),
    413: ("invalid_request_error", "body_too_large"),
    415: ("invalid_request_error", "unsupported_media_type"),
    422: ("invalid_request_error", "invalid_parameters"),
    429: ("rate_limit_error", "rate_limited"),
    500: ("api_error", "internal_error"),
    503: ("service_unavailable_error", "service_unavailable"),
}


def error_body(
    type_: str, code: str, message: str, param: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {"error": {"type": type_, "code": code, "message": message, "param": param, **extra}}


def _respond(status: int, body: dict[str, Any], headers: Any = None, *,
             keep_writes: bool = False) -> Response:
    if not keep_writes:  # ``keep_writes_on_error``: the commit point commits them
        g.pop("commit_on_error", None)
        discard(db.session())
    response = jsonify(body)
    response.status_code = status
    if headers:
        for name, value in headers:
            if name.lower() != "content-type":
                response.headers[name] = value
    return response


# RFC 6750 §3.1 error codes for our authentication errors (none: credentials missing)
BEARER_ERRORS = {"invalid_token": "invalid_token", "invalid_api_key": "invalid_token",
                 "invalid_authorization_header": "invalid_request"}


def bearer_challenge(code: str, message: str) -> str:
    """The ``WWW-Authenticate`` value of a 401 (RFC 6750 §3)."""
    challenge = 'Bearer realm="wallet"'
    error = BEARER_ERRORS.get(code)
    if error:
        description = message.replace("\\", "").replace('"', "'")
        challenge += f', error="{error}", error_description="{description}"'
    return challenge


def handle_wallet_error(error: WalletError) -> Response:
    status = STATUS_BY_TYPE.get(error.type, 400)
    retry_after = error.details.get("retry_after")
    headers = [("Retry-After", str(retry_after))] if retry_after is not None else []
    if status == 401:
        headers.append(("WWW-Authenticate", bearer_challenge(error.code, error.message)))
    return _respond(status, error_body(error.type, error.code, error.message, error.param),
                    headers, keep_writes=bool(g.get("commit_on_error")))


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    type_, code = HTTP_ERRORS.get(status, ("api_error", "http_error"))
    message, param = error.description or error.name, None
    messages = getattr(error, "data", {}).get("messages") if hasattr(error, "data") else None
    if status in (400, 422) and messages:
        # webargs/marshmallow validation errors: report the first bad field.
        status, code = 400, "invalid_parameters"
        message, param = _first_validation_error(messages)
    headers = error.get_headers() if status in (405, 429) else None
    return _respond(status, error_body(type_, code, message, param), headers)


def _first_validation_error(messages: Any, prefix: str = "") -> tuple[str, str | None]:
    """Flatten webargs' {location: {field: [msg]}} into (message, param)."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            location_level = key in ("json", "query", "form", "headers", "files", "view_args")
            name = prefix if location_level else (f"{prefix}.{key}" if prefix else str(key))
            if key == "_schema":
                name = prefix
            message, param = _first_validation_error(value, name)
            return message, param
    if isinstance(messages, list) and messages:
        first = messages[0]
        if isinstance(first, str):
            return (f"{prefix}: {first}" if prefix else first), (prefix or None)
        return _first_validation_error(first, prefix)
    return "Invalid parameters.", prefix or None


def handle_unexpected(error: Exception) -> Response:
    raise_if_transient(error)  # a deadlock or lost connection: the request runs again
    log.exception("unhandled error (request %s)", g.get("request_id"))
    return _respond(500, error_body("api_error", "internal_error", "An internal error occurred."))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(WalletError, handle_wallet_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
