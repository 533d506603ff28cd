"""Purchases (user token through an app) and refunds (the purchase's merchant).

``POST /v1/purchases`` does its own Idempotency-Key handling inside the
purchase's database transaction (see ``wallet.purchases``), so the hot path
pays for no extra commit; refunds use the shared ``@idempotent``.

With a signed access token, the purchase is the hot path: the token is verified
without a query (``signed_caller``), and the purchase is, on PostgreSQL, one
statement on the hot path's own autocommit pool (``wallet.purchases.hot``), on
SQLite a few statements in one BEGIN IMMEDIATE on a connection of the thread
(``wallet.purchases.hot_sqlite``); the ORM session of the request is never used.
The same schemas parse and answer, so validation, errors and the OpenAPI document
are those of every other endpoint. ``WALLET_PURCHASE_HOT_PATH=false`` turns it off.

On PostgreSQL, the purchase that goes through at once is answered below Flask, by a
WSGI layer in front of the app (``wallet.purchases.fast``) that hands everything else
to this view (``WALLET_PURCHASE_FAST_PATH=false`` turns that layer off).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, g, jsonify, request
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wallet.db import db, is_postgres
from wallet.errors import PermissionDenied
from wallet.oauth import access_tokens
from wallet.oauth.service import principal_for_access_token
from wallet.purchases import fast, hot, hot_sqlite
from wallet.purchases import service as purchases
from wallet.purchases.service import Buyer, Limits
from wallet.web.auth import Principal, _bearer_token, principal, requires
from wallet.web.docs import security
from wallet.web.fields import NO_CONTROLS, PlainText, PositiveInt64
from wallet.web.idempotency import IDEMPOTENCY_KEY, _key_from_header, idempotent
from wallet.web.json_body import Blueprint

blp = Blueprint("purchases", __name__, url_prefix="/v1/purchases",
                description="Purchases inside apps, at no fee, and their refunds.")

MAX_METADATA_KEYS = 20
METADATA_KEY_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]{1,40}$"  # PlainText(40) below


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
    reason = PlainText(500, metadata={
        "description": "Operator only, required: why the operator refunds on the merchant's "
                       "behalf (kept in the audit)."})


class AdminListArgs(ListArgs):
    user_id = fields.String(validate=[validate.Length(min=1, max=64), NO_CONTROLS],
                            metadata={"description": "operator only: one person's"})
    merchant_id = fields.String(validate=[validate.Length(min=1, max=64), NO_CONTROLS],
                                metadata={"description": "operator only: one merchant's"})


class RefundOut(Schema):
    object = fields.String(required=True)
    id = fields.String(required=True)
    purchase_id = fields.String(required=True)
    amount = fields.Integer(required=True)
    purchase_amount = fields.Integer(required=True)
    purchase_refunded = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


_OUT = PurchaseOut()
PURCHASE_IN = PurchaseIn()


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
    if who.kind == "admin":
        return {}
    return {"user_id": who.user_id, "app_id": who.app_id}


F = TypeVar("F", bound=Callable[..., Any])
HOT_EXTENSION = "wallet.purchases.hot"
DEFAULTS: dict[str, Any] = {"PURCHASE_HOT_PATH": True, "PURCHASE_HOT_POOL_SIZE": 16,
                            fast.CONFIG: True, "PURCHASE_GROUP_COMMIT": True}


def _hot_target() -> Any:
    """Where the hot path runs: the hot pool (PostgreSQL) or connections (SQLite), or the
    request session when that is bound to an outer transaction (tests); None when the
    hot path is off (setting, an in-memory SQLite database)."""
    target = current_app.extensions.get(HOT_EXTENSION)
    if target is None:
        return None
    # bound sessions are configured so (the tests' fixture); asking the factory does not
    # create the request's session, which the hot path never uses
    if db.session.session_factory.kw.get("bind") is None:
        return target
    return db.session()


def signed_caller(view: F) -> F:
    """On the hot path, the caller of a signed access token from its claims alone (no
    query: the purchase statement checks revocation); ``requires`` then uses it."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _hot_target() is not None:
            token = _bearer_token()
            if token is not None and access_tokens.is_signed(token):
                claims = access_tokens.verify(
                    access_tokens.key_for_engine(db.engine), token)
                g.principal = Principal(kind="user", user_id=claims.user_id,
                                        app_id=claims.app_id, merchant_id=claims.merchant_id,
                                        grant=claims.grant())
                g.hot_token = (token, hot.TokenCheck.of(token, claims))
        return view(*args, **kwargs)

    return cast(F, wrapper)


@blp.route("")
class Purchases(MethodView):
    @signed_caller
    @requires("user")
    @blp.arguments(PURCHASE_IN)  # an instance: webargs would instantiate a class per request
    @blp.response(201, PurchaseOut)
    @blp.alt_response(402, description="insufficient_credits")
    @blp.doc(**security("user", session=False), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any]) -> Response:
        """Buy from the app's merchant with the person's credits (no fee)."""
        buyer = buyer_for(principal())
        key = _key_from_header()
        result, created = _purchase(buyer, data, key)
        response = jsonify(_OUT.dump(result))
        response.status_code = 201
        if not created:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    @requires("user", "merchant", "admin")
    @blp.arguments(AdminListArgs, location="query")
    @blp.response(200, PurchaseList)
    @blp.doc(**security("user", "merchant", "admin"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The caller's purchases, newest first (the operator's: anyone's, by person or
        merchant)."""
        who = principal()
        scope = _scope_filter(who)
        if who.kind == "admin":
            scope = {"user_id": args.get("user_id"), "merchant_id": args.get("merchant_id")}
        rows, has_more = purchases.list_purchases(
            db.session(), limit=args["limit"], starting_after=args.get("starting_after"),
            **scope)
        return {"data": [purchases.purchase_dict(p) for p in rows], "has_more": has_more}


@blp.route("/<string:purchase_id>")
class PurchaseById(MethodView):
    @requires("user", "merchant", "admin")
    @blp.response(200, PurchaseOut)
    @blp.doc(**security("user", "merchant", "admin"))
    def get(self, purchase_id: str) -> dict[str, Any]:
        """One purchase of the caller (the operator: any)."""
        found = purchases.get_purchase(db.session(), purchase_id,
                                       **_scope_filter(principal()))
        return {**purchases.purchase_dict(found), **purchases.seller_names(db.session(), found)}


@blp.route("/<string:purchase_id>/refunds")
class Refunds(MethodView):
    @requires("merchant", "admin")
    @idempotent
    @blp.arguments(RefundIn)
    @blp.response(201, RefundOut)
    @blp.doc(**security("merchant", "admin"), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any], purchase_id: str) -> dict[str, Any]:
        """Refund all or part of a purchase; credits go back to the kinds they came from.
        The operator refunds on the merchant's behalf, with a ``reason`` (audited)."""
        if principal().kind == "admin":
            from wallet.console.api import recorded
            from wallet.console.service import refund_for_merchant

            return refund_for_merchant(db.session(), purchase_id, amount=data.get("amount"),
                                       reason=data.get("reason") or "", **recorded())
        return purchases.refund_purchase(
            db.session(), purchase_id, merchant_id=str(principal().merchant_id),
            amount=data.get("amount"))


def _purchase(buyer: Buyer, data: dict[str, Any], key: str) -> tuple[dict[str, Any], bool]:
    """The hot path when the caller came with a signed token, else (and for what the
    hot path leaves to Python) the Python purchase."""
    arguments = {"amount": data["amount"], "description": data["description"],
                 "metadata": data.get("metadata"), "idempotency_key": key,
                 "limits": limits()}
    signed = g.get("hot_token")
    if signed is not None:
        on_sqlite = isinstance(current_app.extensions[HOT_EXTENSION], hot_sqlite.SqliteHot)
        try:
            if on_sqlite:
                return hot_sqlite.purchase(_hot_target(), buyer, signed[1], **arguments)
            return hot.purchase(_hot_target(), buyer, signed[1],
                                attempt=request.environ.get(hot.ATTEMPT), **arguments)
        except hot.UsePythonPath:
            principal_for_access_token(db.session(), signed[0])  # the revocation check
    return purchases.create_purchase(db.session(), buyer, **arguments)


def register(app: Flask, api: Api) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    with app.app_context():
        if app.config["PURCHASE_HOT_PATH"] and is_postgres(db.engine):
            size = int(app.config["PURCHASE_HOT_POOL_SIZE"])
            app.extensions[HOT_EXTENSION] = hot.hot_engine(db.engine, size)
            fast.install(app, HOT_EXTENSION)  # the happy path below Flask
        elif app.config["PURCHASE_HOT_PATH"] and hot_sqlite.usable(db.engine):
            app.extensions[HOT_EXTENSION] = hot_sqlite.SqliteHot(
                db.engine, group_commit=bool(app.config["PURCHASE_GROUP_COMMIT"]))
    api.register_blueprint(blp)
    # what the metadata keys may be (apispec cannot say it): 1-40 characters, no control
    # characters, as ``patternProperties`` (test generators honour it; ``propertyNames``
    # was not applied by Schemathesis' generator)
    metadata = api.spec.components.schemas["PurchaseIn"]["properties"]["metadata"]
    values = metadata.pop("additionalProperties")
    metadata.update(maxProperties=MAX_METADATA_KEYS, additionalProperties=False,
                    patternProperties={METADATA_KEY_PATTERN: values})
