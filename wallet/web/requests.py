"""Per-request plumbing: request ids in logs and headers, the one commit point, and
the retry of the request's unit of work (``WalletFlask``, see ``wallet.retry``)."""

from __future__ import annotations

import logging
import re
import secrets
import time

from flask import Flask, Response, g, has_request_context, request

from wallet import retry
from wallet.db import db
from wallet.errors import ServiceUnavailable
from wallet.web import json_body

REQUEST_ID_HEADER = "X-Request-Id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


RETRY_AFTER_SECONDS = 1
_REQUEST_ID_KEY = "wallet.request_id"  # in the WSGI environ: one id for every attempt


class TransientFailure(Exception):
    """The request's unit of work hit a transient database failure (``wallet.retry``)."""

    def __init__(self, kind: str, error: BaseException) -> None:
        super().__init__(kind)
        self.kind, self.error = kind, error


class WalletFlask(Flask):
    """Flask, with each request's unit of work run again after a transient failure.

    The unit of work is everything ``full_dispatch_request`` does: before-request
    hooks (authentication), the view, error handlers and the commit point. Nothing
    is answered before the commit, so running it again is safe; a connection lost
    during COMMIT answers 503 ``service_unavailable`` with Retry-After instead.
    """

    def full_dispatch_request(self) -> Response:
        attempt = 0
        while True:
            try:
                return super().full_dispatch_request()
            except TransientFailure as failure:
                attempt += 1
                retry.discard(db.session(), failure.kind)
                if attempt >= retry.MAX_ATTEMPTS:
                    return self._unavailable(f"{failure.kind} on every attempt")
                retry.note_retry(failure.kind, attempt, failure.error,
                                 f"request {request.environ.get(_REQUEST_ID_KEY)}")
                time.sleep(retry.backoff(attempt))
            except retry.CommitOutcomeUnknown as lost:
                return self._unavailable(f"connection lost during commit ({lost})")

    def _unavailable(self, why: str) -> Response:
        from wallet.web.errors import handle_wallet_error

        logging.getLogger("wallet.retry").error(
            "request %s answers 503: %s", request.environ.get(_REQUEST_ID_KEY), why)
        g.pop("commit_on_error", None)  # a failed attempt's wish: nothing of it is kept
        response = handle_wallet_error(ServiceUnavailable(
            "The service could not complete this request; retry it (with the same "
            "Idempotency-Key) shortly."))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return self.finalize_request(response, from_error_handler=True)


def raise_if_transient(error: BaseException) -> None:
    """Called by the error handler: a transient failure leaves the handler so that
    ``WalletFlask`` can run the unit of work again."""
    kind = retry.transient_kind(error)
    if kind is not None:
        raise TransientFailure(kind, error) from error


_PER_REQUEST = ("principal", "oauth_caps", "commit_on_error")
"""Values in ``g`` that belong to one request: each starts empty, even when an app
context outlives a request (Flask's test client reuses a pushed one)."""


def _assign_request_id() -> None:
    for name in _PER_REQUEST:  # never carry a caller or a wish over from another request
        g.pop(name, None)
    if _REQUEST_ID_KEY not in request.environ:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request.environ[_REQUEST_ID_KEY] = (
            given if _VALID_REQUEST_ID.match(given) else f"req_{secrets.token_hex(8)}")
    g.request_id = request.environ[_REQUEST_ID_KEY]


def keep_writes_on_error() -> None:
    """Ask the commit point to commit this request's writes although it answers an error.

    For writes that must survive the refusal they come with: a detected token replay
    revokes the grant (``wallet.oauth``), a payout refused by the concentration rule keeps
    the review it opened (``wallet.payouts``). A WalletError's answer keeps them too
    (``wallet.web.errors``); an unexpected error (500) never does."""
    g.commit_on_error = True


def _commit_and_tag(response: Response) -> Response:
    """The one commit point: commit a successful request, roll back any other (unless
    ``keep_writes_on_error`` asked to keep them). A request that never used its session
    (the purchase hot path) has nothing to end."""
    session = db.session()
    if not session.in_transaction():
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        return response
    if response.status_code < 400 or g.get("commit_on_error"):
        try:
            retry.commit(session)
        except retry.CommitOutcomeUnknown:
            raise
        except Exception as exc:
            raise_if_transient(exc)
            raise
    else:
        retry.discard(session)
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
