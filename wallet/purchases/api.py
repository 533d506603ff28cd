"""Purchases (user token through an app) and refunds (the purchase's merchant).

``POST /v1/purchases`` does its own Idempotency-Key handling inside the
purchase's database transaction (see ``wallet.purchases``), so the hot path
pays for no extra commit; refunds use the shared ``@idempotent``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wallet.db import db
from wallet.errors import PermissionDenied
from wallet.purchases import service as purchases
from wallet.purchases.service import Buyer, Limits
from wallet.web.auth import Principal, principal, requires
from wallet.web.docs import security
from wallet.web.fields import NO_CONTROLS, PlainText, PositiveInt64
from wallet.web.idempotency import IDEMPOTENCY_KEY, _key_from_header, idempotent
from wallet.web.json_body import Blueprint

blp = Blueprint("purchases", __name__, url_prefix="/v1/purchases",
                description="Purchases inside apps, at no fee, and their refunds.")

MAX_METADATA_KEYS = 20
class PurchaseIn(Schema):
    amount = PositiveInt64(required=True, metadata={"description": "Credits, a whole number."})
    description = PlainText(500, required=True)
    metadata = fields.Dict(keys=PlainText(40), values=fields.String(
        validate=[validate.Length(max=500), NO_CONTROLS]), load_default=None, allow_none=True)

    @validates_schema
    def _few_keys(self, data: dict[str, Any], **_: Any) -> None:
        if len(data.get("metadata") or {}) > MAX_METADATA_KEYS:
            raise ValidationError(f"At most {MAX_METADATA_KEYS} metadata keys.", "metadata")


class PurchaseOut(Schema):
    object = fields.String(required=True)
    id = fields.String(required=True)
    amount = fields.Integer(required=True)
    refunded = fields.Integer(required=True)
    merchant_id = fields.String(required=True)
    app_id = fields.String(required=True)
    user_id = fields.String(required=True)
    description = fields.String(required=True)
    metadata = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    balance_after = fields.Integer(required=True,
                                   metadata={"description": "Credits left after it."})
    created_at = fields.DateTime(required=True)
    merchant_name = fields.String(metadata={"description": "on GET /v1/purchases/{id} only"})
    app_name = fields.String(metadata={"description": "on GET /v1/purchases/{id} only"})


class PurchaseList(Schema):
    data = fields.List(fields.Nested(PurchaseOut), required=True)
    has_more = fields.Boolean(required=True)


class ListArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    starting_after = fields.String(validate=validate.Length(min=1, max=64))


class RefundIn(Schema):
    amount = PositiveInt64(
        metadata={"description": "Credits to refund; all that is left if absent."})


class RefundOut(Schema):
    object = fields.String(required=True)
    id = fields.String(required=True)
    purchase_id = fields.String(required=True)
    amount = fields.Integer(required=True)
    purchase_amount = fields.Integer(required=True)
    purchase_refunded = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


_OUT = PurchaseOut()


def limits() -> Limits:
    config = current_app.config
    return Limits(velocity_per_minute=config.get("PURCHASE_VELOCITY", 60),
                  daily_per_app=config.get("DAILY_SPEND_PER_APP"))


def buyer_for(who: Principal) -> Buyer:
    """The app-bound buyer behind a user token (web sessions cannot buy in apps)."""
    if who.app_id is None or who.merchant_id is None:
        raise PermissionDenied("Purchases are made by an app with a user access token.",
                               code="app_token_required")
    scope = (who.grant or {}).get("scope", "")
    if "purchases:write" not in scope.split():
        raise PermissionDenied("This token may not make purchases (scope purchases:write).",
                               code="insufficient_scope")
    grant = who.grant or {}
    return Buyer(user_id=str(who.user_id), app_id=who.app_id, merchant_id=who.merchant_id,
                 per_purchase_cap=grant.get("per_purchase_cap"),
                 daily_cap=grant.get("daily_cap"))


def _scope_filter(who: Principal) -> dict[str, str | None]:
    """Who sees which purchases: a merchant its own; a person through an app that
    app's only; a person on the web pages all of theirs."""
    if who.kind == "merchant":
        return {"merchant_id": who.merchant_id}
    return {"user_id": who.user_id, "app_id": who.app_id}


@blp.route("")
class Purchases(MethodView):
    @requires("user")
    @blp.arguments(PurchaseIn)
    @blp.response(201, PurchaseOut)
    @blp.alt_response(402, description="insufficient_credits")
    @blp.doc(**security("user", session=False), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any]) -> Response:
        """Buy from the app's merchant with the person's credits (no fee)."""
        buyer = buyer_for(principal())
        key = _key_from_header()
        result, created = purchases.create_purchase(
            db.session(), buyer, amount=data["amount"], description=data["description"],
            metadata=data.get("metadata"), idempotency_key=key, limits=limits(),
        )
        response = jsonify(_OUT.dump(result))
        response.status_code = 201
        if not created:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    @requires("user", "merchant")
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, PurchaseList)
    @blp.doc(**security("user", "merchant"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The caller's purchases, newest first."""
        rows, has_more = purchases.list_purchases(
            db.session(), limit=args["limit"], starting_after=args.get("starting_after"),
            **_scope_filter(principal()))
        return {"data": [purchases.purchase_dict(p) for p in rows], "has_more": has_more}


@blp.route("/<string:purchase_id>")
class PurchaseById(MethodView):
    @requires("user", "merchant")
    @blp.response(200, PurchaseOut)
    @blp.doc(**security("user", "merchant"))
    def get(self, purchase_id: str) -> dict[str, Any]:
        """One purchase of the caller."""
        found = purchases.get_purchase(db.session(), purchase_id,
                                       **_scope_filter(principal()))
        return {**purchases.purchase_dict(found), **purchases.seller_names(db.session(), found)}


@blp.route("/<string:purchase_id>/refunds")
class Refunds(MethodView):
    @requires("merchant")
    @idempotent
    @blp.arguments(RefundIn)
    @blp.response(201, RefundOut)
    @blp.doc(**security("merchant"), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any], purchase_id: str) -> dict[str, Any]:
        """Refund all or part of a purchase; credits go back to the kinds they came from."""
        return purchases.refund_purchase(
            db.session(), purchase_id, merchant_id=str(principal().merchant_id),
            amount=data.get("amount"))


def register(app: Flask, api: Api) -> None:
    api.register_blueprint(blp)
