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
from wallet.db import db, utcnow
from wallet.errors import InvalidRequest, PermissionDenied
from wallet.web.auth import Principal, principal, requires
from wallet.web.docs import security
from wallet.web.fields import PlainText
from wallet.web.idempotency import HEADER, IDEMPOTENCY_KEY, idempotent
from wallet.web.json_body import Blueprint

blp = Blueprint("wallet", __name__, url_prefix="/v1/wallet",
                description="The person's credits and history.")

TXN_PREFIX = "txn_"
DEFAULT_LOW_BALANCE = 100


class CreditsOut(Schema):
    total = fields.Integer(required=True)
    paid = fields.Integer(required=True)
    promotional = fields.Integer(required=True)


class ExpiryOut(Schema):
    credits = fields.Integer(required=True)
    expires_at = fields.DateTime(required=True)


class ExpiringSoonOut(Schema):
    credits = fields.Integer(required=True)
    days = fields.Integer(required=True)


class WalletOut(Schema):
    object = fields.String(required=True)
    user_id = fields.String(required=True)
    credits = fields.Nested(CreditsOut, required=True)
    frozen = fields.Boolean(required=True)
    next_expiry = fields.Nested(ExpiryOut, allow_none=True, required=True)
    expiring_soon = fields.Nested(ExpiringSoonOut, required=True, metadata={
        "description": "promotional credits that expire within the next days"})
    low_balance = fields.Boolean(required=True, metadata={
        "description": "total below WALLET_LOW_BALANCE_CREDITS (default 100)"})


class HistoryArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    starting_after = fields.String(validate=validate.Length(min=1, max=64))


class EntryOut(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    amount = fields.Integer(required=True, metadata={
        "description": "Credits, signed from the person's point of view."})
    description = fields.String(allow_none=True, required=True)
    purchase_id = fields.String(allow_none=True)
    object_type = fields.String(allow_none=True, required=True, metadata={
        "description": "what the entry is about", "enum": ["topup", "purchase", "voucher",
                                                          "grant", None]})
    object_id = fields.String(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)


class HistoryOut(Schema):
    data = fields.List(fields.Nested(EntryOut), required=True)
    has_more = fields.Boolean(required=True)


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
        user_id = str(_reader().user_id)
        found = credits.summary(db.session(), user_id)
        expiry = None
        if found.next_expiry_at is not None:
            expiry = {"credits": found.next_expiry_credits, "expires_at": found.next_expiry_at}
        return {"object": "wallet", "user_id": user_id,
                "credits": {"total": found.total, "paid": found.paid,
                            "promotional": found.promotional},
                "frozen": found.frozen, "next_expiry": expiry,
                "expiring_soon": {"credits": found.expiring_soon,
                                  "days": credits.EXPIRING_SOON.days},
                "low_balance": found.total < int(current_app.config.get(
                    "LOW_BALANCE_CREDITS", DEFAULT_LOW_BALANCE))}


def parse_txn_id(value: str) -> int:
    digits = value.removeprefix(TXN_PREFIX)
    if not value.startswith(TXN_PREFIX) or not digits.isdigit() or len(digits) > 18:
        raise InvalidRequest("starting_after is not an id from this list.",
                             code="invalid_cursor", param="starting_after")
    return int(digits)


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
        return {"data": [_entry(e) for e in entries], "has_more": has_more}


def _entry(e: credits.HistoryEntry) -> dict[str, Any]:
    object_type, object_id = credits.linked_object(e.metadata)
    return {"id": f"{TXN_PREFIX}{e.txn_id}", "kind": e.kind, "amount": e.amount,
            "description": e.description, "purchase_id": e.metadata.get("purchase_id"),
            "object_type": object_type, "object_id": object_id, "created_at": e.created_at}


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
