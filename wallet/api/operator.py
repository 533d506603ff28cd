"""Operator endpoints (admin key ``ak_…``): people, merchants, merchant keys, and
token exchange for the operator's first-party backend."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from wallet.api.docs import security
from wallet.api.paging import ListArgs, page
from wallet.api.safe_fields import PositiveInt64, Text, get_by_id
from wallet.auth import requires
from wallet.db import db, utcnow
from wallet.errors import NotFound
from wallet.identity import service as identity
from wallet.identity.models import ApiKey, Merchant, User
from wallet.oauth.models import DEFAULT_SCOPE
from wallet.oauth.tokens import mint_access_token

blp = Blueprint("operator", __name__, url_prefix="/v1",
                description="Operator: people, merchants and their keys, token exchange.")
ADMIN = security("admin", session=False)


class UserIn(Schema):
    email = Text(required=True, max_length=320)
    password = fields.String(validate=validate.Length(min=8, max=1024))


class UserOut(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    frozen = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)


class MerchantIn(Schema):
    name = Text(required=True, min_length=1, max_length=200)


class MerchantOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kyc_status = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class MerchantCreated(MerchantOut):
    secret_key = fields.String(required=True, metadata={"description": "Shown once."})


class MerchantKeyIn(Schema):
    label = Text(max_length=200, load_default="")


class MerchantKeyOut(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    hint = fields.String(required=True, metadata={"description": "Last 4 characters."})
    label = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(allow_none=True, required=True)


class MerchantKeyCreated(MerchantKeyOut):
    secret_key = fields.String(required=True, metadata={"description": "Shown once."})


class MerchantKeyList(Schema):
    data = fields.List(fields.Nested(MerchantKeyOut), required=True)
    has_more = fields.Boolean(required=True)


class TokenIn(Schema):
    app_id = Text(required=True, min_length=1, max_length=64)
    per_purchase_cap = PositiveInt64(allow_none=True)
    daily_cap = PositiveInt64(allow_none=True)
    scope = Text(max_length=200, load_default=DEFAULT_SCOPE)
    expires_in = fields.Integer(strict=True, load_default=3600,
                                validate=validate.Range(min=60, max=86400))


class TokenOut(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    scope = fields.String(required=True)
    connection_id = fields.String(required=True)


def _merchant(merchant_id: str) -> Merchant:
    merchant = get_by_id(db.session, Merchant, merchant_id)
    if merchant is None:
        raise NotFound("No such merchant.", param="merchant_id")
    return merchant


@blp.route("/users")
class Users(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, data: dict[str, Any]) -> User:
        """Create a person (a password is optional: they may sign in later)."""
        return identity.create_user(db.session(), data["email"], data.get("password"))


@blp.route("/users/<string:user_id>")
class UserResource(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.response(200, UserOut)
    def get(self, user_id: str) -> User:
        user = get_by_id(db.session, User, user_id)
        if user is None:
            raise NotFound("No such user.", param="user_id")
        return user


@blp.route("/users/<string:user_id>/tokens")
class UserTokens(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    def post(self, data: dict[str, Any], user_id: str) -> dict[str, Any]:
        """Token exchange: an access token for this person and one app (no refresh token).

        Caps given here replace the connection's; an omitted cap keeps its value.
        """
        token, record = mint_access_token(
            db.session(), user_id=user_id, app_id=data["app_id"], scope=data["scope"],
            per_purchase_cap=data.get("per_purchase_cap"), daily_cap=data.get("daily_cap"),
            expires_in=data["expires_in"],
        )
        return {"access_token": token, "token_type": "Bearer",
                "expires_in": data["expires_in"], "scope": record.scope,
                "connection_id": record.grant_id}


@blp.route("/merchants")
class Merchants(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(MerchantIn)
    @blp.response(201, MerchantCreated)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a merchant and its first secret key (shown once)."""
        merchant = identity.create_merchant(db.session(), data["name"])
        _, secret = identity.issue_key(db.session(), "secret", merchant_id=merchant.id)
        return {"id": merchant.id, "name": merchant.name, "kyc_status": merchant.kyc_status,
                "created_at": merchant.created_at, "secret_key": secret}


@blp.route("/merchants/<string:merchant_id>")
class MerchantResource(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.response(200, MerchantOut)
    def get(self, merchant_id: str) -> Merchant:
        return _merchant(merchant_id)


@blp.route("/merchants/<string:merchant_id>/keys")
class MerchantKeys(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, MerchantKeyList)
    def get(self, args: dict[str, Any], merchant_id: str) -> dict[str, Any]:
        """The merchant's secret keys (hints only)."""
        _merchant(merchant_id)
        stmt = select(ApiKey).where(ApiKey.merchant_id == merchant_id, ApiKey.kind == "secret")
        return page(db.session(), stmt, ApiKey, limit=args["limit"],
                    starting_after=args.get("starting_after"))

    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(MerchantKeyIn)
    @blp.response(201, MerchantKeyCreated)
    def post(self, data: dict[str, Any], merchant_id: str) -> dict[str, Any]:
        """Another secret key for the merchant (e.g. to rotate); shown once."""
        _merchant(merchant_id)
        key, secret = identity.issue_key(db.session(), "secret", merchant_id=merchant_id,
                                         label=data["label"])
        return {**_key_dict(key), "secret_key": secret}


@blp.route("/merchants/<string:merchant_id>/keys/<string:key_id>")
class MerchantKey(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.response(200, MerchantKeyOut)
    def delete(self, merchant_id: str, key_id: str) -> dict[str, Any]:
        """Revoke a merchant secret key; it stops working at once."""
        key = get_by_id(db.session, ApiKey, key_id)
        if key is None or key.merchant_id != merchant_id or key.kind != "secret":
            raise NotFound("No such key.", param="key_id")
        key.revoked_at = key.revoked_at or utcnow()
        return _key_dict(key)


def _key_dict(key: ApiKey) -> dict[str, Any]:
    return {"id": key.id, "kind": key.kind, "hint": key.hint, "label": key.label,
            "created_at": key.created_at, "revoked_at": key.revoked_at}
