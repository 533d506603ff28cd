"""Merchants: the operator creates them and their keys (``ak_…``); a merchant
(``sk_…``) registers its apps (OAuth public clients) and counters."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select

from wallet.db import db, utcnow
from wallet.errors import NotFound
from wallet.merchants import service
from wallet.merchants.models import ApiKey, App, Counter, Merchant
from wallet.web.auth import closed_loop, principal, requires
from wallet.web.docs import security
from wallet.web.fields import Text, get_by_id
from wallet.web.json_body import Blueprint
from wallet.web.paging import ListArgs, page

blp = Blueprint("merchants", __name__, url_prefix="/v1",
                description="Merchants and their keys, apps (OAuth clients) and counters.")
MERCHANT = security("merchant", session=False)
ADMIN = security("admin", session=False)
LOOPBACK = frozenset({"127.0.0.1", "::1"})
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "about", "blob"})


# check_redirect_uri's rule as a pattern for the document (the function stays the judge).
# After the authority: a path, a query, or both (RFC 3986 §3: ``https://host?x=1`` has an
# empty path and a query; RFC 6749 §3.1.2 allows a query, kept when the code is added);
# never a fragment.
REDIRECT_URI = validate.Regexp(
    r"^(https://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?][^#\s\x00-\x1f\x7f-\x9f]*)?"
    r"|http://(127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?([/?][^#\s\x00-\x1f\x7f-\x9f]*)?"
    r"|[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:/[^#\s\x00-\x1f\x7f-\x9f]*)$",
    error="Use https, a loopback http URI, or a reverse-domain custom scheme such as "
          "com.example.app:/callback.")


def check_redirect_uri(uri: str) -> None:
    """https anywhere; http only to a loopback IP; or a private-use scheme in
    reverse-domain form such as ``com.example.app:/callback`` (RFC 8252 §7)."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname
    except ValueError as exc:
        raise ValidationError("Not a valid URI.") from exc
    if parts.fragment or "#" in uri:
        raise ValidationError("Redirect URIs must not contain a fragment.")
    scheme = parts.scheme.lower()
    if scheme == "https":
        if not host:
            raise ValidationError("An https redirect URI needs a host.")
    elif scheme == "http":
        if host not in LOOPBACK:
            raise ValidationError("http redirect URIs are only allowed to 127.0.0.1 or [::1] "
                                  "(RFC 8252 §7.3); use https.")
    elif "." in scheme and scheme not in FORBIDDEN_SCHEMES and scheme.isascii():
        if not parts.path and not parts.netloc:
            raise ValidationError("A custom-scheme redirect URI needs a path.")
    else:
        raise ValidationError("Use https, a loopback http URI, or a reverse-domain custom "
                              "scheme such as com.example.app:/callback.")


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


class KycIn(Schema):
    status = fields.String(required=True,
                           validate=validate.OneOf(["verified", "rejected", "pending"]))


class AppIn(Schema):
    name = Text(required=True, min_length=1, max_length=200)
    redirect_uris = fields.List(
        Text(max_length=2000, min_length=1, validate=[REDIRECT_URI, check_redirect_uri]),
        required=True,
        validate=validate.Length(min=1, max=10))


class AppOut(Schema):
    id = fields.String(required=True)
    merchant_id = fields.String(required=True)
    name = fields.String(required=True)
    redirect_uris = fields.List(fields.String(), required=True)
    created_at = fields.DateTime(required=True)


class AppList(Schema):
    data = fields.List(fields.Nested(AppOut), required=True)
    has_more = fields.Boolean(required=True)


class MerchantCounterIn(Schema):
    name = Text(required=True, min_length=1, max_length=200)


class MerchantCounterOut(Schema):
    id = fields.String(required=True)
    merchant_id = fields.String(required=True)
    name = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class MerchantCounterCreated(MerchantCounterOut):
    key = fields.String(required=True, metadata={"description": "Counter key ck_…, shown once."})


class MerchantCounterList(Schema):
    data = fields.List(fields.Nested(MerchantCounterOut), required=True)
    has_more = fields.Boolean(required=True)


def _merchant(merchant_id: str) -> Merchant:
    merchant = get_by_id(db.session, Merchant, merchant_id)
    if merchant is None:
        raise NotFound("No such merchant.", param="merchant_id")
    return merchant


@blp.route("/merchants")
class Merchants(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(MerchantIn)
    @blp.response(201, MerchantCreated)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a merchant and its first secret key (shown once)."""
        merchant = service.create_merchant(db.session(), data["name"])
        _, secret = service.issue_key(db.session(), "secret", merchant_id=merchant.id)
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
        key, secret = service.issue_key(db.session(), "secret", merchant_id=merchant_id,
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


class KycOut(Schema):
    object = fields.String(required=True)
    id = fields.String(required=True)
    kyc_status = fields.String(required=True)


@blp.route("/merchants/<string:merchant_id>/kyc")
class MerchantKyc(MethodView):
    @closed_loop("admin")
    @blp.arguments(KycIn)
    @blp.response(200, KycOut)
    def post(self, data: dict[str, Any], merchant_id: str) -> dict[str, Any]:
        """Record the merchant's identity check; payouts need ``verified``."""
        merchant = service.set_kyc(db.session(), merchant_id, data["status"])
        return {"object": "merchant", "id": merchant.id, "kyc_status": merchant.kyc_status}


@blp.route("/apps")
class Apps(MethodView):
    @requires("merchant")
    @blp.doc(**MERCHANT)
    @blp.arguments(AppIn)
    @blp.response(201, AppOut)
    def post(self, data: dict[str, Any]) -> App:
        """Register an app: an OAuth public client (its ``id`` is the ``client_id``)."""
        uris = list(dict.fromkeys(data["redirect_uris"]))
        return service.create_app_client(db.session(), principal().merchant_id or "",
                                          data["name"], uris)

    @requires("merchant")
    @blp.doc(**MERCHANT)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, AppList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        stmt = select(App).where(App.merchant_id == principal().merchant_id)
        return page(db.session(), stmt, App, limit=args["limit"],
                    starting_after=args.get("starting_after"))


@blp.route("/apps/<string:app_id>")
class AppResource(MethodView):
    @requires("merchant")
    @blp.doc(**MERCHANT)
    @blp.response(200, AppOut)
    def get(self, app_id: str) -> App:
        app = get_by_id(db.session, App, app_id)
        if app is None or app.merchant_id != principal().merchant_id:
            raise NotFound("No such app.", param="app_id")
        return app


@blp.route("/counters")
class Counters(MethodView):
    @requires("merchant")
    @blp.doc(**MERCHANT)
    @blp.arguments(MerchantCounterIn)
    @blp.response(201, MerchantCounterCreated)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register a counter and its key (``ck_…``, shown once)."""
        merchant_id = principal().merchant_id or ""
        counter = service.create_counter(db.session(), merchant_id, data["name"])
        _, secret = service.issue_key(db.session(), "counter", merchant_id=merchant_id,
                                       counter_id=counter.id)
        return {"id": counter.id, "merchant_id": merchant_id, "name": counter.name,
                "created_at": counter.created_at, "key": secret}

    @requires("merchant")
    @blp.doc(**MERCHANT)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, MerchantCounterList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        stmt = select(Counter).where(Counter.merchant_id == principal().merchant_id)
        return page(db.session(), stmt, Counter, limit=args["limit"],
                    starting_after=args.get("starting_after"))


class CounterKeyRevoked(Schema):
    object = fields.String(required=True)
    counter_id = fields.String(required=True)
    revoked_keys = fields.List(fields.String(), required=True)


def _revoked(counter_id: str, keys: list[ApiKey]) -> dict[str, Any]:
    return {"object": "counter_key_revocation", "counter_id": counter_id,
            "revoked_keys": [k.id for k in keys]}


@blp.route("/counters/<string:counter_id>/key")
class CounterKey(MethodView):
    @requires("merchant")
    @blp.doc(**MERCHANT)
    @blp.response(200, CounterKeyRevoked)
    def delete(self, counter_id: str) -> dict[str, Any]:
        """Revoke the counter's key (a lost tablet): it stops working at once."""
        who = principal()
        merchant_id = who.merchant_id or ""
        keys = service.revoke_counter_key(db.session(), merchant_id, counter_id,
                                          actor=f"merchant:{who.key_id}")
        return _revoked(counter_id, keys)


@blp.route("/merchants/<string:merchant_id>/counters/<string:counter_id>/key")
class OperatorCounterKey(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.response(200, CounterKeyRevoked)
    def delete(self, merchant_id: str, counter_id: str) -> dict[str, Any]:
        """The operator revokes a merchant's counter key; it stops working at once."""
        _merchant(merchant_id)
        keys = service.revoke_counter_key(db.session(), merchant_id, counter_id,
                                          actor=f"operator:{principal().key_id}")
        return _revoked(counter_id, keys)


def register(app: Flask, api: Api) -> None:
    api.register_blueprint(blp)
