"""Per-request plumbing: request ids in logs and headers, the one commit point."""

from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, Response, g, has_request_context, request

from wallet.db import db
from wallet.web import json_body

REQUEST_ID_HEADER = "X-Request-Id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _assign_request_id() -> None:
    g.pop("principal", None)  # never carry a caller over from an outer app context
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _VALID_REQUEST_ID.match(given) else f"req_{secrets.token_hex(8)}"


def _commit_and_tag(response: Response) -> Response:
    """The one commit point: commit a successful request, roll back any other."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    return response


def init_app(app: Flask) -> None:
    app.before_request(_assign_request_id)
    json_body.init_app(app)
    app.after_request(_commit_and_tag)
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    app.logger.handlers[:] = [handler]
    logger = logging.getLogger("wallet")
    if not any(isinstance(f, RequestIdFilter) for h in logger.handlers for f in h.filters):
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
