"""Request bodies are parsed once, here, before any view runs.

A body sent as JSON (``application/json`` or ``…+json``) is read and parsed by
``wallet.web.jsonparse.loads`` with its limits in a ``before_request`` hook, so a
hostile body answers 400 in the one error shape on every endpoint, signed in or
not, before authentication, rate limits on the body or idempotency look at it.
Views get the parsed value through ``Blueprint`` (flask-smorest with our webargs
parser) or ``json_body()``; nothing else parses request JSON.
"""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Flask, g, request
from webargs import core
from webargs.flaskparser import FlaskParser

from wallet.web import jsonparse

NO_BODY: Any = core.missing
_KEY = "wallet_json_body"


def is_json_mimetype(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json"))


def parse_request_body() -> None:
    """``before_request``: parse a JSON body once, with limits (``InvalidJSON`` → 400)."""
    g.pop(_KEY, None)
    if not is_json_mimetype(request.mimetype):
        return
    raw = request.get_data(cache=True)
    if raw:
        g.setdefault(_KEY, jsonparse.loads(raw))


def json_body() -> Any:
    """The request's parsed JSON body, or ``NO_BODY`` when it sent none."""
    return g.get(_KEY, NO_BODY)


class WalletParser(FlaskParser):
    """webargs' Flask parser, reading the body parsed by ``parse_request_body``.

    Invalid arguments answer 400 (documented so by flask-smorest), never 422."""

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req: Any) -> Any:
        return json_body()


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint whose ``@blp.arguments`` use the one parsed body."""

    ARGUMENTS_PARSER = WalletParser()


def init_app(app: Flask) -> None:
    app.before_request(parse_request_body)
