"""Top-up endpoints, the provider webhooks, the sandbox's hosted checkout and the wallet page.

- ``GET /v1/prices?currency=``: packs with display prices (anyone)
- ``POST /v1/topups/checkout`` ``{pack_id, currency}`` (user, ``Idempotency-Key``)
  → ``{id, checkout_url, status, …}``
- ``GET /v1/topups``, ``GET /v1/topups/{id}``: the user's top-ups (status, credits)
- ``POST /v1/webhooks/{provider}``: raw body, verified by the provider's signature
- operator: ``POST /v1/topups/{id}/release``, ``GET /v1/topup_shortfalls``,
  ``POST /v1/topup_shortfalls/{id}/resolve``
- pages: ``/`` and ``/return`` (the wallet page), ``/sandbox/checkout/<ref>``
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Flask, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate

from wallet.config import instance_secret, is_production
from wallet.db import db
from wallet.errors import InvalidRequest
from wallet.money import format_money
from wallet.topups import service
from wallet.topups.models import STATUSES, Shortfall, TopUp
from wallet.topups.providers.sandbox import SIGNATURE_HEADER, SandboxProvider, charge, parse_expiry
from wallet.topups.setup import TopUpRuntime, build_runtime, limits_from_config
from wallet.web.auth import principal, requires
from wallet.web.docs import security
from wallet.web.headers import PERMISSIONS, talisman
from wallet.web.idempotency import idempotent
from wallet.web.json_body import Blueprint
from wallet.web.urls import public_url

blp = Blueprint("topups", __name__, url_prefix="/v1", description="Credit top-ups")
pages = FlaskBlueprint("topup_pages", __name__, template_folder="templates")

EXTENSION_KEY = "wallet.topups"


def runtime(app: Flask | None = None) -> TopUpRuntime:
    """The app's providers and price list (built on first use, then cached)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found: TopUpRuntime | None = app.extensions.get(EXTENSION_KEY)
    if found is None:
        found = build_runtime(
            app.config,
            lambda: instance_secret(app, "SANDBOX_WEBHOOK_SECRET", "sandbox_webhook_secret", 32),
            is_production(app),
        )
        app.extensions[EXTENSION_KEY] = found
    return found


def _urls(topup_id: str) -> tuple[str, str]:
    return public_url(f"/return?topup={topup_id}"), public_url(f"/?cancelled={topup_id}")


def topup_json(topup: TopUp) -> dict[str, Any]:
    """The API form of a top-up: integer amounts with a display string beside money."""
    return service.topup_view(topup, current_app.config["BASE_URL"])


def shortfall_json(shortfall: Shortfall) -> dict[str, Any]:
    return {
        "id": shortfall.id, "object": "topup_shortfall", "user_id": shortfall.user_id,
        "topup_id": shortfall.topup_id, "credits": shortfall.credits,
        "reason": shortfall.reason, "status": shortfall.status, "note": shortfall.note,
        "created_at": shortfall.created_at.isoformat(),
        "resolved_at": shortfall.resolved_at.isoformat() if shortfall.resolved_at else None,
    }


# --------------------------------------------------------------------------- schemas


class PricesQuery(Schema):
    currency = fields.String(load_default="USD", validate=validate.Length(equal=3))


class CheckoutIn(Schema):
    pack_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    currency = fields.String(required=True, validate=validate.Length(equal=3))


class ListQuery(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    starting_after = fields.String(load_default=None, validate=validate.Length(max=40))


class ShortfallQuery(ListQuery):
    status = fields.String(load_default="open",
                           validate=validate.OneOf(["open", "collected", "written_off", "all"]))
    user_id = fields.String(load_default=None, validate=validate.Length(max=40))


class ResolveIn(Schema):
    action = fields.String(required=True, validate=validate.OneOf(["collect", "write_off"]))
    note = fields.String(load_default="", validate=validate.Length(max=500))


def _when(**kwargs: Any) -> fields.String:
    return fields.String(metadata={"format": "date-time"}, **kwargs)


class PackOut(Schema):
    id = fields.String(required=True)
    currency = fields.String(required=True)
    price_minor = fields.Integer(required=True, metadata={"description": "ISO 4217 minor units"})
    price_display = fields.String(required=True)
    credits = fields.Integer(required=True)
    bonus_credits = fields.Integer(required=True)
    total_credits = fields.Integer(required=True, metadata={"description": "credits + bonus"})


class PricesOut(Schema):
    currency = fields.String(required=True)
    currencies = fields.List(fields.String(), required=True)
    data = fields.List(fields.Nested(PackOut), required=True)


class TopUpOut(Schema):
    id = fields.String(required=True)
    object = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    pack_id = fields.String(required=True)
    currency = fields.String(required=True)
    price_minor = fields.Integer(required=True)
    price_display = fields.String(required=True)
    credits = fields.Integer(required=True, metadata={"description": "credits the pack adds"})
    credited = fields.Integer(required=True, metadata={
        "description": "credits in the wallet from this top-up now (after claw-backs)"})
    refunded_minor = fields.Integer(required=True)
    refunded_display = fields.String(required=True)
    provider = fields.String(required=True)
    checkout_url = fields.String(allow_none=True, required=True)
    failure_message = fields.String(allow_none=True, required=True)
    hold_reason = fields.String(allow_none=True, required=True)
    created_at = _when(required=True)
    paid_at = _when(allow_none=True, required=True)


class TopUpList(Schema):
    data = fields.List(fields.Nested(TopUpOut), required=True)
    has_more = fields.Boolean(required=True)


class ShortfallOut(Schema):
    id = fields.String(required=True)
    object = fields.String(required=True)
    user_id = fields.String(required=True)
    topup_id = fields.String(required=True)
    credits = fields.Integer(required=True)
    reason = fields.String(required=True, metadata={"enum": ["refund", "chargeback"]})
    status = fields.String(required=True,
                           metadata={"enum": ["open", "collected", "written_off"]})
    note = fields.String(required=True)
    created_at = _when(required=True)
    resolved_at = _when(allow_none=True, required=True)


class ShortfallList(Schema):
    data = fields.List(fields.Nested(ShortfallOut), required=True)
    has_more = fields.Boolean(required=True)


class WebhookOut(Schema):
    received = fields.Boolean(required=True)
    event_id = fields.String(required=True)
    type = fields.String(required=True)
    outcome = fields.String(required=True)
    topup_id = fields.String(allow_none=True, required=True)
    duplicate = fields.Boolean(required=True)


# --------------------------------------------------------------------------- API


@blp.route("/prices")
class Prices(MethodView):
    @blp.doc(security=[])
    @blp.arguments(PricesQuery, location="query")
    @blp.response(200, PricesOut)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Credit packs in one currency, with display prices."""
        prices = runtime().prices
        currency = query["currency"].upper()
        if not prices.packs_for(currency):
            raise InvalidRequest(f"Credit packs are not sold in {currency!r}.",
                                 code="unsupported_currency", param="currency")
        return {"currency": currency, "currencies": list(prices.currencies()),
                "data": prices.to_api(currency)}


@blp.route("/topups/checkout")
class Checkout(MethodView):
    @requires("user")
    @blp.doc(**security("user"))
    @idempotent
    @blp.arguments(CheckoutIn)
    @blp.response(201, TopUpOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Open a hosted checkout for a credit pack."""
        rt = runtime()
        pack = rt.prices.get(data["pack_id"], data["currency"].upper())
        topup = service.start_checkout(
            db.session(), user_id=str(principal().user_id), pack=pack,
            provider=rt.checkout_provider, limits=limits_from_config(current_app.config),
            urls=_urls,
        )
        return topup_json(topup)


@blp.route("/topups")
class TopUps(MethodView):
    @requires("user")
    @blp.doc(**security("user"))
    @blp.arguments(ListQuery, location="query")
    @blp.response(200, TopUpList)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The signed-in person's top-ups, newest first."""
        rows, more = service.list_topups(db.session(), str(principal().user_id),
                                         limit=query["limit"],
                                         starting_after=query["starting_after"])
        return {"data": [topup_json(t) for t in rows], "has_more": more}


@blp.route("/topups/<topup_id>")
class TopUpDetail(MethodView):
    @requires("user", "admin")
    @blp.doc(**security("user", "admin"))
    @blp.response(200, TopUpOut)
    def get(self, topup_id: str) -> dict[str, Any]:
        """One top-up: status and credits."""
        who = principal()
        owner = None if who.kind == "admin" else who.user_id
        return topup_json(service.get_topup(db.session(), topup_id, owner))


@blp.route("/topups/<topup_id>/release")
class Release(MethodView):
    @requires("admin")
    @blp.doc(**security("admin"))
    @idempotent
    @blp.response(200, TopUpOut)
    def post(self, topup_id: str) -> dict[str, Any]:
        """Credit a paid top-up that a risk limit held."""
        return topup_json(service.release_topup(
            db.session(), topup_id, base_url=current_app.config["BASE_URL"],
            settle_days=limits_from_config(current_app.config).settle_days))


@blp.route("/topup_shortfalls")
class Shortfalls(MethodView):
    @requires("admin")
    @blp.doc(**security("admin"))
    @blp.arguments(ShortfallQuery, location="query")
    @blp.response(200, ShortfallList)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Claw-backs the wallets could not cover (their wallets are frozen while open)."""
        rows, more = service.list_shortfalls(
            db.session(), status=None if query["status"] == "all" else query["status"],
            user_id=query["user_id"], limit=query["limit"],
            starting_after=query["starting_after"],
        )
        return {"data": [shortfall_json(s) for s in rows], "has_more": more}


@blp.route("/topup_shortfalls/<shortfall_id>/resolve")
class ResolveShortfall(MethodView):
    @requires("admin")
    @blp.doc(**security("admin"))
    @idempotent
    @blp.arguments(ResolveIn)
    @blp.response(200, ShortfallOut)
    def post(self, data: dict[str, Any], shortfall_id: str) -> dict[str, Any]:
        """Collect the shortfall from the wallet or write it off; unfreezes when none is open."""
        return shortfall_json(service.resolve_shortfall(
            db.session(), shortfall_id, action=data["action"], note=data["note"]))


def handle_webhook(provider_name: str, raw_body: bytes, headers: Any) -> dict[str, Any]:
    """The one webhook code path: verify the raw body's signature, apply the event once."""
    provider = runtime().provider(provider_name)
    outcome = service.process_webhook(db.session(), provider, raw_body, headers,
                                      limits_from_config(current_app.config),
                                      base_url=current_app.config["BASE_URL"])
    return {"received": True, "event_id": outcome.event_id, "type": outcome.type,
            "outcome": outcome.outcome, "topup_id": outcome.topup_id,
            "duplicate": outcome.duplicate}


@blp.route("/webhooks/<provider_name>")
class Webhook(MethodView):
    @blp.doc(security=[], requestBody={
        "required": True, "description": "The provider's event, signed on the raw body "
        "(Sandbox-Signature or Stripe-Signature: t=…,v1=HMAC-SHA256(secret, 't.body')).",
        "content": {"application/json": {"schema": {"type": "object"}}}})
    @blp.response(200, WebhookOut)
    def post(self, provider_name: str) -> dict[str, Any]:
        """Payment provider events (signed; stale, forged or unsigned ones get 400)."""
        return handle_webhook(provider_name, request.get_data(cache=True), request.headers)


# --------------------------------------------------------------------------- pages


@pages.get("/")
@pages.get("/return")
@talisman(permissions_policy={**PERMISSIONS, "camera": "(self)"})
def wallet_page() -> ResponseReturnValue:
    """The wallet top-up page (one page; ``/return`` shows a top-up's result); the camera
    scans a voucher to claim."""
    return render_template("topups/wallet.html", currencies=runtime().prices.currencies())


def _sandbox() -> SandboxProvider:
    provider = runtime().provider("sandbox")
    assert isinstance(provider, SandboxProvider)
    return provider


@pages.route("/sandbox/checkout/<provider_ref>", methods=["GET", "POST"])
def sandbox_checkout(provider_ref: str) -> ResponseReturnValue:
    """The sandbox's hosted checkout: charge a test card, report it through the webhook."""
    provider = _sandbox()
    topup = service.topup_by_provider_ref(db.session(), "sandbox", provider_ref)
    context: dict[str, Any] = {
        "topup": topup, "price": format_money(topup.price_minor, topup.currency),
        "errors": {}, "message": None, "form": {},
    }
    if topup.paid:
        return redirect(f"/return?topup={topup.id}", code=303)
    if request.method == "GET":
        return render_template("topups/sandbox_checkout.html", **context)
    form = {k: request.form.get(k, "")[:40] for k in ("card_number", "expiry", "cvc")}
    month, year = parse_expiry(form["expiry"])
    result = charge(form["card_number"], month, year, form["cvc"], topup.price_minor,
                    topup.currency)
    if result.status == "invalid":
        errors = {e.param if e.param in ("card_number", "cvc") else "expiry": e.message
                  for e in reversed(result.errors)}
        context.update(errors=errors, message=result.message,
                       form={"card_number": form["card_number"], "expiry": form["expiry"]})
        return render_template("topups/sandbox_checkout.html", **context), 400
    body, header = provider.build_charge_event(
        result, topup_id=topup.id, provider_ref=provider_ref, now=int(time.time())
    )
    handle_webhook("sandbox", body, {SIGNATURE_HEADER: header})
    return redirect(f"/return?topup={topup.id}", code=303)


def register(app: Flask, api: Api) -> None:
    """The top-up API and pages; production builds its provider at start (never lazily)."""
    if is_production(app):
        runtime(app)
    api.register_blueprint(blp)
    app.register_blueprint(pages)
