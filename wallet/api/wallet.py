"""``GET /v1/wallet`` and ``GET /v1/wallet/transactions`` for the person
(a user token through an app, or the web session)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from wallet import credits
from wallet.api.docs import security
from wallet.auth import Principal, principal, requires
from wallet.db import db
from wallet.errors import InvalidRequest, PermissionDenied

blp = Blueprint("wallet", __name__, url_prefix="/v1/wallet",
                description="The person's credits and history.")

TXN_PREFIX = "txn_"


class CreditsOut(Schema):
    total = fields.Integer(required=True)
    paid = fields.Integer(required=True)
    promotional = fields.Integer(required=True)


class ExpiryOut(Schema):
    credits = fields.Integer(required=True)
    expires_at = fields.DateTime(required=True)


class WalletOut(Schema):
    object = fields.String(required=True)
    user_id = fields.String(required=True)
    credits = fields.Nested(CreditsOut, required=True)
    frozen = fields.Boolean(required=True)
    next_expiry = fields.Nested(ExpiryOut, allow_none=True, required=True)


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
                "frozen": found.frozen, "next_expiry": expiry}


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
        return {
            "data": [{"id": f"{TXN_PREFIX}{e.txn_id}", "kind": e.kind, "amount": e.amount,
                      "description": e.description,
                      "purchase_id": e.metadata.get("purchase_id"),
                      "created_at": e.created_at} for e in entries],
            "has_more": has_more,
        }
