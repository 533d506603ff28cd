"""Merchant endpoints (secret key ``sk_…``): apps (OAuth public clients) and counters."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select

from wallet.api.docs import security
from wallet.api.paging import ListArgs, page
from wallet.api.safe_fields import Text, get_by_id
from wallet.auth import principal, requires
from wallet.db import db
from wallet.errors import NotFound
from wallet.identity import service as identity
from wallet.identity.models import App, Counter

blp = Blueprint("merchant_apps", __name__, url_prefix="/v1",
                description="A merchant's apps (OAuth clients) and counters.")
MERCHANT = security("merchant", session=False)
LOOPBACK = frozenset({"127.0.0.1", "::1"})
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "about", "blob"})


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


class AppIn(Schema):
    name = Text(required=True, min_length=1, max_length=200)
    redirect_uris = fields.List(
        Text(max_length=2000, min_length=1, validate=check_redirect_uri), required=True,
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


@blp.route("/apps")
class Apps(MethodView):
    @requires("merchant")
    @blp.doc(**MERCHANT)
    @blp.arguments(AppIn)
    @blp.response(201, AppOut)
    def post(self, data: dict[str, Any]) -> App:
        """Register an app: an OAuth public client (its ``id`` is the ``client_id``)."""
        uris = list(dict.fromkeys(data["redirect_uris"]))
        return identity.create_app_client(db.session(), principal().merchant_id or "",
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
        counter = identity.create_counter(db.session(), merchant_id, data["name"])
        _, secret = identity.issue_key(db.session(), "counter", merchant_id=merchant_id,
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
