"""Auto-reload settings: ``GET /v1/autoreload``, ``POST /v1/autoreload/card`` (save a card
at the provider) and ``POST /v1/autoreload`` (``{threshold, pack_id, currency, enabled}``).

Writes need the wallet page's session (no OAuth scope lets an app save a card or set up
charges to it); an app's user token with ``wallet:read`` may read the setting.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from wallet.db import db
from wallet.errors import Conflict, PermissionDenied
from wallet.subscriptions import autoreload
from wallet.topups.pricing import UnknownPack
from wallet.topups.providers.sandbox import SandboxProvider
from wallet.topups.providers.stripe_provider import StripeProvider
from wallet.web.auth import principal, requires
from wallet.web.docs import security
from wallet.web.idempotency import IDEMPOTENCY_KEY, idempotent
from wallet.web.json_body import Blueprint
from wallet.web.urls import public_url

blp = Blueprint("autoreload", __name__, url_prefix="/v1/autoreload",
                description="Auto-reload: a saved card tops the wallet up below a threshold.")


class CardIn(Schema):
    card_number = fields.String(required=True, validate=validate.Length(max=40))
    exp_month = fields.Integer(required=True, validate=validate.Range(min=1, max=12))
    exp_year = fields.Integer(required=True, validate=validate.Range(min=0, max=9999))
    cvc = fields.String(required=True, validate=validate.Length(max=4))


class RuleIn(Schema):
    threshold = fields.Integer(strict=True, required=True, validate=validate.Range(
        min=1, max=autoreload.MAX_THRESHOLD), metadata={"description": "Credits."})
    pack_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    enabled = fields.Boolean(load_default=True)


class CardOut(Schema):
    last4 = fields.String(allow_none=True, required=True)
    provider = fields.String(required=True)


class RuleOut(Schema):
    object = fields.String(required=True)
    card_setup = fields.String(required=True, metadata={
        "enum": ["form", "checkout"],
        "description": "How a card is saved with this provider: ``form`` posts the "
                       "sandbox's test card to /card, ``checkout`` opens Stripe's hosted "
                       "page through /card/checkout."})
    card = fields.Nested(CardOut, allow_none=True, required=True)
    enabled = fields.Boolean(required=True)
    threshold = fields.Integer(allow_none=True, required=True)
    pack_id = fields.String(allow_none=True, required=True)
    currency = fields.String(allow_none=True, required=True)
    state = fields.String(required=True, metadata={
        "enum": ["off", "armed", "in_flight", "waiting"]})
    failures = fields.Integer(required=True)
    last_failure_message = fields.String(allow_none=True, required=True)
    last_failure_at = fields.DateTime(allow_none=True, required=True)
    topup_id = fields.String(allow_none=True, required=True)
    disabled_reason = fields.String(allow_none=True, required=True)


class SetupOut(Schema):
    setup_intent_id = fields.String(required=True)
    client_secret = fields.String(required=True, metadata={
        "description": "For Stripe.js confirmCardSetup on the page."})


class CardCheckoutIn(Schema):
    currency = fields.String(required=True, validate=validate.Length(equal=3), metadata={
        "description": "The currency the saved card will be charged in (the packs')."})


class CardCheckoutOut(Schema):
    checkout_session_id = fields.String(required=True)
    checkout_url = fields.String(required=True, metadata={
        "description": "Send the person here; Stripe brings them back to the wallet page "
                       "with ?card_setup=<checkout_session_id>."})


class ConfirmIn(Schema):
    setup_intent_id = fields.String(required=True, validate=validate.Length(min=1, max=255),
                                    metadata={"description": "From /card/setup."})


class CheckoutConfirmIn(Schema):
    checkout_session_id = fields.String(required=True, validate=validate.Length(
        min=1, max=255), metadata={"description": "From /card/checkout."})


def _stripe() -> StripeProvider:
    provider = _runtime().checkout_provider
    if not isinstance(provider, StripeProvider):
        raise Conflict("Card setup with a SetupIntent needs the stripe provider.",
                       code="provider_not_supported")
    return provider


def _view(rule: Any) -> dict[str, Any]:
    """The rule as the API shows it, with how this deployment saves a card."""
    sandbox = isinstance(_runtime().checkout_provider, SandboxProvider)
    return {**autoreload.rule_view(rule), "card_setup": "form" if sandbox else "checkout"}


def _person(write: bool) -> str:
    who = principal()
    if write and who.app_id is not None:
        raise PermissionDenied("Only the wallet page can change auto-reload.",
                               code="wallet_session_required")
    if not write and who.app_id is not None:
        scope = (who.grant or {}).get("scope", "").split()
        if "wallet:read" not in scope:
            raise PermissionDenied("This token may not read the wallet (scope wallet:read).",
                                   code="insufficient_scope")
    assert who.user_id is not None
    return who.user_id


def _runtime() -> Any:
    from wallet.topups.api import runtime

    return runtime()


@blp.route("")
class AutoReload(MethodView):
    @requires("user")
    @blp.response(200, RuleOut)
    @blp.doc(**security("user"))
    def get(self) -> dict[str, Any]:
        """The person's auto-reload setting, its state and the last failure."""
        return _view(autoreload.get_rule(db.session(), _person(write=False)))

    @requires("user")
    @idempotent
    @blp.arguments(RuleIn)
    @blp.response(200, RuleOut)
    @blp.doc(**security("user"), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Set the threshold and the pack bought when the balance falls below it; on/off."""
        pack = _runtime().prices.get(data["pack_id"], data["currency"])
        return _view(autoreload.set_rule(
            db.session(), _person(write=True), threshold=data["threshold"], pack=pack,
            enabled=data["enabled"]))


@blp.route("/card")
class Card(MethodView):
    @requires("user")
    @idempotent
    @blp.arguments(CardIn)
    @blp.response(200, RuleOut)
    @blp.doc(**security("user"), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Save a card for off-session charges (the sandbox's test cards)."""
        user_id = _person(write=True)
        provider = _runtime().checkout_provider
        if not isinstance(provider, SandboxProvider):
            raise Conflict("Saving a card through this endpoint needs the sandbox provider.",
                           code="provider_not_supported")
        rule = autoreload.get_rule(db.session(), user_id)
        card = provider.save_card(user_id=user_id, customer_ref=rule.customer_ref if rule else None,
                                  **data)
        return _view(autoreload.save_card(db.session(), user_id, card, provider.name))


@blp.route("/card/setup")
class CardSetup(MethodView):
    @requires("user")
    @idempotent
    @blp.response(200, SetupOut)
    @blp.doc(**security("user"), parameters=[IDEMPOTENCY_KEY])
    def post(self) -> dict[str, Any]:
        """Stripe: a Customer (once) and an off-session SetupIntent to confirm on the page."""
        user_id = _person(write=True)
        rule = autoreload.get_rule(db.session(), user_id)
        customer, setup_id, secret = _stripe().begin_card_setup(
            user_id=user_id, customer_ref=rule.customer_ref if rule else None)
        autoreload.remember_setup(db.session(), user_id, "stripe", customer, setup_id)
        return {"setup_intent_id": setup_id, "client_secret": secret}


@blp.route("/card/checkout")
class CardCheckout(MethodView):
    @requires("user")
    @idempotent
    @blp.arguments(CardCheckoutIn)
    @blp.response(200, CardCheckoutOut)
    @blp.doc(**security("user"), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Stripe: a Customer (once) and a hosted setup-mode Checkout Session: the wallet
        page saves a card by redirecting there, as a top-up does."""
        user_id = _person(write=True)
        if not _runtime().prices.packs_for(data["currency"]):  # the charges' currency
            raise UnknownPack(f"Credit packs are not sold in {data['currency']!r}.",
                              param="currency")
        rule = autoreload.get_rule(db.session(), user_id)
        customer, checkout = _stripe().begin_card_setup_checkout(
            user_id=user_id, customer_ref=rule.customer_ref if rule else None,
            currency=data["currency"],
            success_url=public_url("/?card_setup={CHECKOUT_SESSION_ID}"),
            cancel_url=public_url("/?card_setup_cancelled=1"))
        autoreload.remember_setup(db.session(), user_id, "stripe", customer,
                                  checkout.provider_ref)
        return {"checkout_session_id": checkout.provider_ref,
                "checkout_url": checkout.checkout_url}


def _setup_in_progress(user_id: str, reference: str) -> str:
    """The customer of the person's card setup started last, if it is ``reference``."""
    rule = autoreload.get_rule(db.session(), user_id)
    if rule is None or rule.setup_ref != reference or not rule.customer_ref:
        raise Conflict("No such card setup in progress.", code="setup_not_found")
    return rule.customer_ref


@blp.route("/card/checkout/confirm")
class CardCheckoutConfirm(MethodView):
    @requires("user")
    @idempotent
    @blp.arguments(CheckoutConfirmIn)
    @blp.response(200, RuleOut)
    @blp.doc(**security("user"), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Stripe: save the card of the person's completed setup Checkout Session."""
        user_id = _person(write=True)
        customer = _setup_in_progress(user_id, data["checkout_session_id"])
        card = _stripe().finish_card_setup_checkout(
            checkout_session_id=data["checkout_session_id"], customer_ref=customer)
        return _view(autoreload.save_card(db.session(), user_id, card, "stripe"))


@blp.route("/card/confirm")
class CardConfirm(MethodView):
    @requires("user")
    @idempotent
    @blp.arguments(ConfirmIn)
    @blp.response(200, RuleOut)
    @blp.doc(**security("user"), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Stripe: save the card of the person's succeeded SetupIntent."""
        user_id = _person(write=True)
        customer = _setup_in_progress(user_id, data["setup_intent_id"])
        card = _stripe().finish_card_setup(setup_intent_id=data["setup_intent_id"],
                                           customer_ref=customer)
        return _view(autoreload.save_card(db.session(), user_id, card, "stripe"))
