"""``POST /v1/grants``: the operator grants promotional credits with an expiry."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from wallet import credits
from wallet.api.docs import security
from wallet.api.purchases import IDEMPOTENCY_KEY, Text
from wallet.auth import principal, requires
from wallet.db import db, utcnow
from wallet.idempotency import HEADER, idempotent

blp = Blueprint("grants", __name__, url_prefix="/v1/grants",
                description="Promotional credits granted by the operator.")

DEFAULT_PROMO_DAYS = 90


class GrantIn(Schema):
    user_id = Text(40, required=True)
    credits = fields.Integer(required=True, strict=True,
                             validate=validate.Range(min=1, max=2**63 - 1))
    expires_at = fields.AwareDateTime(metadata={
        "description": "When the credits expire; 90 days from now if absent."})
    reason = Text(200, required=True)


class GrantOut(Schema):
    object = fields.String(required=True)
    id = fields.String(required=True)
    user_id = fields.String(required=True)
    credits = fields.Integer(required=True)
    expires_at = fields.DateTime(allow_none=True, required=True)
    reason = fields.String(required=True)
    created_at = fields.DateTime(required=True)


@blp.route("")
class Grants(MethodView):
    @requires("admin")
    @idempotent
    @blp.arguments(GrantIn)
    @blp.response(201, GrantOut)
    @blp.doc(**security("admin"), parameters=[IDEMPOTENCY_KEY])
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
