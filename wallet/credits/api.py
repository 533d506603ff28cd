"""``GET /v1/wallet`` and ``GET /v1/wallet/transactions`` for the person (a user token
through an app, or the web session); ``POST /v1/grants`` for the operator."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, request
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate

from wallet.credits import service as credits
from wallet.credits.views import (
    HistoryArgs,
    HistoryOut,
    WalletOut,
    history_entry,
    parse_txn_id,
    wallet_body,
)
from wallet.db import db, utcnow
from wallet.errors import PermissionDenied
from wallet.web.auth import Principal, principal, requires
from wallet.web.docs import security
from wallet.web.fields import PlainText
from wallet.web.idempotency import HEADER, IDEMPOTENCY_KEY, idempotent
from wallet.web.json_body import Blueprint

blp = Blueprint("wallet", __name__, url_prefix="/v1/wallet",
                description="The person's credits and history.")


def _reader() -> Principal:
    who = principal()
    if who.app_id is not None:
        scope = (who.grant or {}).get("scope", "")
        if "wallet:read" not in scope.split():
            raise PermissionDenied("This token may not read the wallet (scope wallet:read).",
                                   code="insufficient_scope")
    return who


@blp.route("")
class Wallet(MethodView):
    @requires("user")
    @blp.response(200, WalletOut)
    @blp.doc(**security("user"))
    def get(self) -> dict[str, Any]:
        """Credits split paid / promotional, frozen flag and the next expiry."""
        return wallet_body(str(_reader().user_id))


@blp.route("/transactions")
class Transactions(MethodView):
    @requires("user")
    @blp.arguments(HistoryArgs, location="query")
    @blp.response(200, HistoryOut)
    @blp.doc(**security("user"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The person's history, newest first (top-ups, purchases, refunds, grants, expiry)."""
        user_id = str(_reader().user_id)
        before = args.get("starting_after")
        entries, has_more = credits.history(
            db.session(), user_id, limit=args["limit"],
            before_txn=parse_txn_id(before) if before else None)
        return {"data": [history_entry(e) for e in entries], "has_more": has_more}


grants_blp = Blueprint("grants", __name__, url_prefix="/v1/grants",
                       description="Promotional credits granted by the operator.")

DEFAULT_PROMO_DAYS = 90


class GrantIn(Schema):
    user_id = PlainText(40, required=True)
    credits = fields.Integer(required=True, strict=True,
                             validate=validate.Range(min=1, max=2**63 - 1))
    expires_at = fields.AwareDateTime(metadata={
        "description": "When the credits expire; 90 days from now if absent."})
    reason = PlainText(200, required=True)


class GrantOut(Schema):
    object = fields.String(required=True)
    id = fields.String(required=True)
    user_id = fields.String(required=True)
    credits = fields.Integer(required=True)
    expires_at = fields.DateTime(allow_none=True, required=True)
    reason = fields.String(required=True)
    created_at = fields.DateTime(required=True)


@grants_blp.route("")
class Grants(MethodView):
    @requires("admin")
    @idempotent
    @grants_blp.arguments(GrantIn)
    @grants_blp.response(201, GrantOut)
    @grants_blp.doc(**security("admin"), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Grant promotional credits (spent before paid credits, soonest expiry first)."""
        days = current_app.config.get("PROMO_DEFAULT_DAYS", DEFAULT_PROMO_DAYS)
        expires_at = data.get("expires_at") or utcnow() + timedelta(days=days)
        key = f"{principal().scope_key}\n{request.headers.get(HEADER, '')}"
        reference = "api:" + hashlib.sha256(key.encode()).hexdigest()[:48]
        lot, _ = credits.grant_promotional(
            db.session(), data["user_id"], data["credits"], expires_at, data["reason"],
            reference)
        return grant_dict(lot)


def grant_dict(lot: Any) -> dict[str, Any]:
    return {"object": "grant", "id": lot.id, "user_id": lot.user_id, "credits": lot.credits,
            "expires_at": lot.expires_at, "reason": lot.reason, "created_at": lot.created_at}


def register(app: Flask, api: Api) -> None:
    api.register_blueprint(blp)
    api.register_blueprint(grants_blp)
