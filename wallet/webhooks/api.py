"""Webhook endpoints, their delivery log, and the events list.

A merchant key manages the merchant's endpoints and reads its events; the operator key
manages the operator's endpoints (platform events such as ``topup.succeeded``) and reads
platform events, or one merchant's with ``?merchant_id=``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate

from wallet.config import instance_secret, is_production
from wallet.db import db
from wallet.web.auth import principal, requires
from wallet.web.docs import document_webhooks, security
from wallet.web.fields import NO_CONTROLS, PlainText, Text
from wallet.web.json_body import Blueprint
from wallet.web.paging import ListArgs, page
from wallet.webhooks import events, service
from wallet.webhooks.events import EVENT_TYPES
from wallet.webhooks.safety import UrlPolicy

blp = Blueprint("webhooks", __name__, url_prefix="/v1",
                description="Events, and signed webhooks to merchants' and the operator's "
                            "servers (Standard Webhooks).")
OWNERS = ("merchant", "admin")
DOCS = security(*OWNERS, session=False)
ID = validate.Regexp(r"^[A-Za-z0-9_-]{1,64}$")
EVENT_TYPE = fields.String(validate=[validate.Length(min=1, max=60), NO_CONTROLS])
STATUS = validate.OneOf(["pending", "succeeded", "failed", "canceled"])


def webhook_kek(app: Flask) -> bytes:
    """The key that seals signing secrets: ``WALLET_WEBHOOK_KEK`` (base64 of 32 bytes),
    or outside production one generated into the instance folder."""
    cached = app.extensions.get("webhook_kek")
    if cached is None:
        cached = instance_secret(app, "WEBHOOK_KEK", "webhook_kek", 32)
        app.extensions["webhook_kek"] = cached
    return bytes(cached)


def url_policy(app: Flask) -> UrlPolicy:
    """Production: https to public addresses only; development: loopback and http too."""
    return UrlPolicy.production() if is_production(app) else UrlPolicy.development()


def _owner() -> str | None:
    """The merchant's own id, or None for the operator (platform endpoints and events)."""
    who = principal()
    return who.merchant_id if who.kind == "merchant" else None


# --- schemas ------------------------------------------------------------------------------


class EndpointIn(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                        metadata={"description": "https:// and public in production."})
    events = fields.List(EVENT_TYPE, required=True, validate=validate.Length(min=1, max=50),
                         metadata={"description": "Event types, or [\"*\"] for all."})
    description = Text(max_length=500, load_default="")


class EndpointPatch(Schema):
    url = fields.String(validate=validate.Length(min=1, max=2000))
    events = fields.List(EVENT_TYPE, validate=validate.Length(min=1, max=50))
    description = Text(max_length=500)
    disabled = fields.Boolean(truthy={True}, falsy={False}, metadata={
        "description": "true stops deliveries (pending ones are canceled); false resumes."})


class EndpointOut(Schema):
    id = fields.String(required=True)
    object = fields.String(required=True)
    url = fields.String(required=True)
    description = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    merchant_id = fields.String(allow_none=True, required=True)
    status = fields.String(required=True, metadata={"description": "enabled or disabled"})
    failing = fields.Boolean(required=True, metadata={
        "description": "A delivery failed every retry for 3 days; cleared by a success."})
    failing_since = fields.DateTime(allow_none=True, required=True)
    previous_secret_expires_at = fields.DateTime(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class EndpointWithSecret(EndpointOut):
    secret = fields.String(required=True, metadata={
        "description": "whsec_…, shown once: verify signatures with it."})


class EndpointList(Schema):
    data = fields.List(fields.Nested(EndpointOut), required=True)
    has_more = fields.Boolean(required=True)


class Deleted(Schema):
    id = fields.String(required=True)
    object = fields.String(required=True)
    deleted = fields.Boolean(required=True)


class AttemptOut(Schema):
    attempt = fields.Integer(required=True)
    succeeded = fields.Boolean(required=True)
    status_code = fields.Integer(allow_none=True, required=True)
    latency_ms = fields.Integer(required=True)
    response = fields.String(allow_none=True, required=True,
                             metadata={"description": "The first 4 KB of the answer."})
    error = fields.String(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)


class DeliveryOut(Schema):
    id = fields.String(required=True)
    object = fields.String(required=True)
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    endpoint_id = fields.String(required=True)
    status = fields.String(required=True,
                           metadata={"description": "pending, succeeded, failed or canceled"})
    attempts = fields.Integer(required=True)
    manual = fields.Boolean(required=True, metadata={"description": "A manual resend."})
    next_attempt_at = fields.DateTime(allow_none=True, required=True)
    last_status_code = fields.Integer(allow_none=True, required=True)
    last_latency_ms = fields.Integer(allow_none=True, required=True)
    last_response = fields.String(allow_none=True, required=True)
    last_error = fields.String(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True, required=True)


class DeliveryDetail(DeliveryOut):
    attempt_log = fields.List(fields.Nested(AttemptOut), required=True)


class DeliveryList(Schema):
    data = fields.List(fields.Nested(DeliveryOut), required=True)
    has_more = fields.Boolean(required=True)


class DeliveryArgs(ListArgs):
    endpoint_id = fields.String(validate=ID)
    event_id = fields.String(validate=ID)
    status = fields.String(validate=STATUS)


class EventOut(Schema):
    id = fields.String(required=True)
    object = fields.String(required=True)
    type = fields.String(required=True)
    timestamp = fields.DateTime(required=True)
    merchant_id = fields.String(allow_none=True, required=True)
    data = fields.Dict(required=True, metadata={"description": "The object as the API "
                                                "returns it (see docs/webhooks.md)."})


class EventList(Schema):
    data = fields.List(fields.Nested(EventOut), required=True)
    has_more = fields.Boolean(required=True)


class EventArgs(ListArgs):
    type = PlainText(60, metadata={"description": "e.g. purchase.created, or payout.*"})
    merchant_id = fields.String(validate=ID, metadata={"description": "Operator only."})


class EventType(Schema):
    type = fields.String(required=True)
    description = fields.String(required=True)


class EventTypeList(Schema):
    data = fields.List(fields.Nested(EventType), required=True)


# --- endpoints ----------------------------------------------------------------------------


def _created(endpoint: Any, secret: str) -> dict[str, Any]:
    return {**service.endpoint_view(endpoint), "secret": secret}


@blp.route("/webhook_endpoints")
class Endpoints(MethodView):
    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.arguments(EndpointIn)
    @blp.response(201, EndpointWithSecret)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add an endpoint for some event types; its signing secret is shown only here."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        endpoint, secret = service.create_endpoint(
            db.session(), _owner(), url=data["url"], events=data["events"],
            description=data["description"], policy=url_policy(app), kek=webhook_kek(app))
        return _created(endpoint, secret)

    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, EndpointList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The caller's endpoints, oldest first."""
        found = page(db.session(), service.list_endpoints(db.session(), _owner()),
                     service.WebhookEndpoint, limit=args["limit"],
                     starting_after=args.get("starting_after"))
        return {"data": [service.endpoint_view(e) for e in found["data"]],
                "has_more": found["has_more"]}


@blp.route("/webhook_endpoints/<string:endpoint_id>")
class EndpointById(MethodView):
    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.response(200, EndpointOut)
    def get(self, endpoint_id: str) -> dict[str, Any]:
        return service.endpoint_view(service.get_endpoint(db.session(), endpoint_id, _owner()))

    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.arguments(EndpointPatch)
    @blp.response(200, EndpointOut)
    def patch(self, data: dict[str, Any], endpoint_id: str) -> dict[str, Any]:
        """Change the URL, event types or description; disable or enable."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        return service.endpoint_view(service.update_endpoint(
            db.session(), endpoint_id, _owner(), policy=url_policy(app), **data))

    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.response(200, Deleted)
    def delete(self, endpoint_id: str) -> dict[str, Any]:
        """Delete the endpoint; its pending deliveries are canceled."""
        endpoint = service.delete_endpoint(db.session(), endpoint_id, _owner())
        return {"id": endpoint.id, "object": "webhook_endpoint", "deleted": True}


@blp.route("/webhook_endpoints/<string:endpoint_id>/rotate_secret")
class RotateSecret(MethodView):
    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.response(200, EndpointWithSecret)
    def post(self, endpoint_id: str) -> dict[str, Any]:
        """A new signing secret (shown once); the old one also signs for 24 hours."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        endpoint, secret = service.rotate_secret(db.session(), endpoint_id, _owner(),
                                                 kek=webhook_kek(app))
        return _created(endpoint, secret)


@blp.route("/webhook_event_types")
class EventTypes(MethodView):
    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.response(200, EventTypeList)
    def get(self) -> dict[str, Any]:
        """The event types the caller's endpoints may subscribe to."""
        return {"data": [{"type": t, "description": EVENT_TYPES[t][1]}
                         for t in service.allowed_types(_owner())]}


# --- deliveries ---------------------------------------------------------------------------


@blp.route("/webhook_deliveries")
class Deliveries(MethodView):
    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.arguments(DeliveryArgs, location="query")
    @blp.response(200, DeliveryList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The delivery log of the caller's endpoints, newest first."""
        rows, more = service.list_deliveries(
            db.session(), _owner(), endpoint_id=args.get("endpoint_id"),
            event_id=args.get("event_id"), status=args.get("status"), limit=args["limit"],
            starting_after=args.get("starting_after"))
        return {"data": [service.delivery_view(d, t) for d, t in rows], "has_more": more}


@blp.route("/webhook_deliveries/<string:delivery_id>")
class DeliveryById(MethodView):
    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.response(200, DeliveryDetail)
    def get(self, delivery_id: str) -> dict[str, Any]:
        """One delivery with every attempt: status, latency, the answer's first 4 KB."""
        found, event_type, attempts = service.get_delivery(db.session(), delivery_id,
                                                           _owner())
        return service.delivery_view(found, event_type, attempts)


@blp.route("/webhook_deliveries/<string:delivery_id>/resend")
class Resend(MethodView):
    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.response(201, DeliveryOut)
    def post(self, delivery_id: str) -> dict[str, Any]:
        """Send the delivery's event to its endpoint again (a new delivery, same webhook-id)."""
        again, event_type = service.resend(db.session(), delivery_id, _owner())
        return service.delivery_view(again, event_type)


# --- events -------------------------------------------------------------------------------


def _event_owner(merchant_id: str | None) -> str | None:
    who = principal()
    if who.kind == "merchant":
        return who.merchant_id
    return merchant_id


@blp.route("/events")
class Events(MethodView):
    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.arguments(EventArgs, location="query")
    @blp.response(200, EventList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Events newest first: a merchant's own; the operator's platform events, or a
        merchant's with ``merchant_id``."""
        rows, more = events.list_events(
            db.session(), merchant_id=_event_owner(args.get("merchant_id")),
            type_pattern=args.get("type"), limit=args["limit"],
            starting_after=args.get("starting_after"))
        return {"data": [events.event_view(e) for e in rows], "has_more": more}


@blp.route("/events/<string:event_id>")
class EventById(MethodView):
    @requires(*OWNERS)
    @blp.doc(**DOCS)
    @blp.response(200, EventOut)
    def get(self, event_id: str) -> dict[str, Any]:
        """One event: the body its webhooks carry (the operator may read any)."""
        who = principal()
        return events.event_view(events.get_event(
            db.session(), event_id, merchant_id=_owner(), any_owner=who.kind == "admin"))


def register(app: Flask, api: Api) -> None:
    """Register the API; refuse to start in production without ``WALLET_WEBHOOK_KEK``."""
    webhook_kek(app)
    api.register_blueprint(blp)
    document_webhooks(api, EVENT_TYPES, "EventOut")
