"""The operator's risk endpoints (docs/risk.md).

Operator key or console session (``/admin``): ``GET /v1/risk/reviews``,
``POST /v1/risk/reviews/{id}/approve`` and ``/reject`` (with a reason; audited in the risk
audit and the operators' audit), ``GET /v1/risk/merchants/{id}`` (KYC and bank history,
debt, reserve, reviews), ``PUT /v1/risk/merchants/{id}/reserve`` (the rolling reserve),
``GET /v1/risk/losses`` (the loss report).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate

from wallet.db import db
from wallet.risk import disputes, reviews, service
from wallet.risk.models import REVIEW_STATUSES, RiskReview
from wallet.web.auth import principal, requires
from wallet.web.docs import security
from wallet.web.fields import Text
from wallet.web.json_body import Blueprint
from wallet.web.paging import ListArgs, page

blp = Blueprint("risk", __name__, url_prefix="/v1/risk",
                description="Risk rules: the review queue, merchant reserves and history")
ADMIN = security("admin", session=False)


class ReviewListArgs(ListArgs):
    status = fields.String(load_default="open",
                           validate=validate.OneOf([*REVIEW_STATUSES, "all"]))


class ReviewOut(Schema):
    object = fields.String(required=True)
    id = fields.String(required=True)
    merchant_id = fields.String(required=True)
    rule = fields.String(required=True)
    status = fields.String(required=True)
    detail = fields.Dict(required=True)
    reason = fields.String(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    decided_at = fields.DateTime(allow_none=True, required=True)


class ReviewList(Schema):
    data = fields.List(fields.Nested(ReviewOut), required=True)
    has_more = fields.Boolean(required=True)


class DecisionIn(Schema):
    reason = Text(required=True, min_length=1, max_length=500)


class ReserveIn(Schema):
    percent = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    days = fields.Integer(required=True, validate=validate.Range(min=0, max=365))


class ReserveOut(Schema):
    object = fields.String(required=True)
    merchant_id = fields.String(required=True)
    percent = fields.Integer(required=True)
    days = fields.Integer(required=True)


class MerchantRiskOut(Schema):
    object = fields.String(required=True)
    merchant_id = fields.String(required=True)
    debt = fields.Integer(required=True)
    reserved = fields.Integer(required=True)
    reserve = fields.Nested(ReserveOut, required=True)
    kyc_history = fields.List(fields.Dict(), required=True)
    bank_changes = fields.List(fields.Dict(), required=True)
    reviews = fields.List(fields.Nested(ReviewOut), required=True)


def _actor() -> str:
    return f"operator:{principal().key_id}"


@blp.route("/reviews")
class Reviews(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(ReviewListArgs, location="query")
    @blp.response(200, ReviewList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Payout reviews (open ones by default), oldest first."""
        status = None if args["status"] == "all" else args["status"]
        found = page(db.session(), reviews.list_reviews(db.session(), status), RiskReview,
                     limit=args["limit"], starting_after=args.get("starting_after"))
        return {"data": [reviews.review_view(r) for r in found["data"]],
                "has_more": found["has_more"]}


@blp.route("/reviews/<string:review_id>/<any(approve, reject):decision>")
class ReviewDecision(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(DecisionIn)
    @blp.response(200, ReviewOut)
    def post(self, data: dict[str, Any], review_id: str, decision: str) -> dict[str, Any]:
        """Approve (the merchant's payouts go ahead) or reject (they stay held), with a reason."""
        review = reviews.decide(db.session(), review_id, decision, actor=_actor(),
                                reason=data["reason"])
        _console_audit(review, decision, data["reason"])
        return reviews.review_view(review)


def _console_audit(review: RiskReview, decision: str, reason: str) -> None:
    """The decision in the operators' audit too (``risk_review.approve`` / ``.reject``, with
    the reason), as the console's own actions are: not only as ``POST <path>``."""
    from wallet.console.api import recorded
    from wallet.console.service import record

    record(db.session(), action=f"risk_review.{decision}", target_type="risk_review",
           target_id=review.id, reason=reason,
           detail={"merchant_id": review.merchant_id, "rule": review.rule}, **recorded())


@blp.route("/merchants/<string:merchant_id>")
class MerchantRisk(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.response(200, MerchantRiskOut)
    def get(self, merchant_id: str) -> dict[str, Any]:
        """A merchant's debt, reserve, KYC history, bank-detail changes and reviews."""
        return service.merchant_risk_view(db.session(), merchant_id)


@blp.route("/merchants/<string:merchant_id>/reserve")
class MerchantReserve(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(ReserveIn)
    @blp.response(200, ReserveOut)
    def put(self, data: dict[str, Any], merchant_id: str) -> dict[str, Any]:
        """Set the rolling reserve: ``percent`` of released earnings held ``days`` days."""
        row = service.set_reserve(db.session(), merchant_id, data["percent"], data["days"],
                                  actor=_actor())
        return service.reserve_view(row)


class LossOut(Schema):
    transaction_id = fields.String(required=True)
    credits = fields.Integer(required=True)
    created_at = fields.String(required=True)
    shortfall_id = fields.String(required=True, allow_none=True)
    topup_id = fields.String(required=True, allow_none=True)


class OpenShortfallOut(Schema):
    id = fields.String(required=True)
    user_id = fields.String(required=True)
    topup_id = fields.String(required=True)
    credits = fields.Integer(required=True)
    reason = fields.String(required=True)


class LossReportOut(Schema):
    object = fields.Constant("loss_report", required=True)
    losses = fields.List(fields.Nested(LossOut), required=True)
    lost_credits = fields.Integer(required=True)
    recovered_credits = fields.Integer(required=True)
    restored_credits = fields.Integer(required=True)
    open_shortfalls = fields.List(fields.Nested(OpenShortfallOut), required=True)
    open_shortfall_credits = fields.Integer(required=True)


@blp.route("/losses")
class Losses(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.response(200, LossReportOut)
    def get(self) -> dict[str, Any]:
        """Disputed value: recovered, restored, lost (written off) and still open."""
        return disputes.loss_report(db.session())


def register(app: Flask, api: Api) -> None:
    api.register_blueprint(blp)



