"""Plans (merchant key) and subscriptions (person through an app, wallet page, merchant).

- ``POST /v1/plans``, ``GET /v1/plans``, ``GET /v1/plans/{id}``, ``POST /v1/plans/{id}/archive``
- ``POST /v1/subscriptions`` (``Idempotency-Key``): a user token of an app of the plan's
  merchant with scope ``subscriptions:write``, or the wallet page's session.
- ``GET /v1/subscriptions?status=active``: entitlements, for the app (user token) or the
  merchant; ``GET /v1/subscriptions/{id}``.
- ``POST /v1/subscriptions/{id}/cancel`` ``{at_period_end}``, ``/resume``, ``/change``
  ``{plan_id}`` (``Idempotency-Key``; prorated in whole credits).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate

from wallet.db import db
from wallet.errors import InvalidRequest, PermissionDenied
from wallet.subscriptions import service
from wallet.subscriptions.models import INTERVALS, STATUSES, Subscription
from wallet.subscriptions.service import Caller
from wallet.web.auth import Principal, principal, requires
from wallet.web.docs import security
from wallet.web.fields import PlainText, PositiveInt64
from wallet.web.idempotency import IDEMPOTENCY_KEY, idempotent
from wallet.web.json_body import Blueprint
from wallet.web.paging import ListArgs, page

SCOPE = "subscriptions:write"

plans_blp = Blueprint("plans", __name__, url_prefix="/v1/plans",
                      description="A merchant's subscription plans, priced in credits.")
blp = Blueprint("subscriptions", __name__, url_prefix="/v1/subscriptions",
                description="Subscriptions paid in credits: subscribe, renew, change, cancel.")


class PlanIn(Schema):
    name = PlainText(200, required=True)
    amount = PositiveInt64(required=True, metadata={"description": "Credits per interval."})
    interval = fields.String(required=True, validate=validate.OneOf(INTERVALS))
    trial_days = fields.Integer(load_default=0,
                                validate=validate.Range(min=0, max=service.MAX_TRIAL_DAYS))
    description = PlainText(500, load_default=None, allow_none=True)


class PlanOut(Schema):
    object = fields.String(required=True)
    id = fields.String(required=True)
    merchant_id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(allow_none=True, required=True)
    amount = fields.Integer(required=True)
    interval = fields.String(required=True)
    trial_days = fields.Integer(required=True)
    archived = fields.Boolean(required=True)
    archived_at = fields.DateTime(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)


class PlanList(Schema):
    data = fields.List(fields.Nested(PlanOut), required=True)
    has_more = fields.Boolean(required=True)


class PlanListArgs(ListArgs):
    include_archived = fields.Boolean(load_default=False)
    merchant_id = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,64}$"),
                                metadata={"description": "whose plans (wallet page only)"})


class SubscribeIn(Schema):
    plan_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class SubscriptionOut(Schema):
    object = fields.String(required=True)
    id = fields.String(required=True)
    plan_id = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    current_period_start = fields.DateTime(required=True)
    current_period_end = fields.DateTime(required=True)
    cancel_at_period_end = fields.Boolean(required=True)
    user_id = fields.String(required=True)
    merchant_id = fields.String(required=True)
    app_id = fields.String(allow_none=True, required=True)
    canceled_at = fields.DateTime(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    plan_name = fields.String(required=True)
    amount = fields.Integer(required=True, metadata={"description": "Credits per interval."})
    interval = fields.String(required=True)


class ChangeOut(SubscriptionOut):
    proration = fields.Integer(required=True, metadata={
        "description": "Credits charged (> 0) or given back (< 0) for the rest of the period."})


class SubscriptionList(Schema):
    data = fields.List(fields.Nested(SubscriptionOut), required=True)
    has_more = fields.Boolean(required=True)


class SubscriptionListArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(("active", *STATUSES)), metadata={
        "description": "active: gives access now (trialing, active, or past_due in grace)"})
    user_id = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,64}$"),
                            metadata={"description": "one person's (merchant key only)"})


class CancelIn(Schema):
    at_period_end = fields.Boolean(load_default=False)


class ChangeIn(Schema):
    plan_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


def caller(who: Principal, *, write: bool = False) -> Caller:
    """The subscriptions a principal may act on; an app's token needs the scope to write."""
    if who.kind == "merchant":
        return Caller(merchant_id=who.merchant_id)
    if who.app_id is not None:
        scope = (who.grant or {}).get("scope", "").split()
        if write and SCOPE not in scope:
            raise PermissionDenied(f"This token may not manage subscriptions (scope {SCOPE}).",
                                   code="insufficient_scope")
        return Caller(user_id=who.user_id, merchant_id=who.merchant_id)
    return Caller(user_id=who.user_id)


def _out(sub: Subscription) -> dict[str, Any]:
    return service.subscription_dict(sub, db.session.get(service.Plan, sub.plan_id))


@plans_blp.route("")
class Plans(MethodView):
    @requires("merchant")
    @plans_blp.arguments(PlanIn)
    @plans_blp.response(201, PlanOut)
    @plans_blp.doc(**security("merchant"))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a plan: a recurring price in credits per week, month or year."""
        plan = service.create_plan(db.session(), str(principal().merchant_id), **data)
        return service.plan_dict(plan)

    @requires("merchant", "user")
    @plans_blp.arguments(PlanListArgs, location="query")
    @plans_blp.response(200, PlanList)
    @plans_blp.doc(**security("merchant", "user"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The merchant's plans (an app's users and the wallet page see unarchived ones)."""
        who = principal()
        merchant_id = who.merchant_id or args.get("merchant_id")
        if merchant_id is None:
            raise InvalidRequest("Say whose plans: merchant_id.", param="merchant_id")
        archived = args["include_archived"] and who.kind == "merchant"
        result = page(db.session(), service.plans_query(merchant_id, include_archived=archived),
                      service.Plan, limit=args["limit"],
                      starting_after=args.get("starting_after"))
        return {"data": [service.plan_dict(p) for p in result["data"]],
                "has_more": result["has_more"]}


@plans_blp.route("/<string:plan_id>")
class PlanById(MethodView):
    @requires("merchant", "user")
    @plans_blp.response(200, PlanOut)
    @plans_blp.doc(**security("merchant", "user"))
    def get(self, plan_id: str) -> dict[str, Any]:
        """One plan (a merchant's own; an app's users its merchant's)."""
        return service.plan_dict(service.get_plan(db.session(), plan_id,
                                                  merchant_id=principal().merchant_id))


@plans_blp.route("/<string:plan_id>/archive")
class ArchivePlan(MethodView):
    @requires("merchant")
    @plans_blp.response(200, PlanOut)
    @plans_blp.doc(**security("merchant"))
    def post(self, plan_id: str) -> dict[str, Any]:
        """Take no new subscribers; current ones keep renewing."""
        plan = service.archive_plan(db.session(), plan_id,
                                    merchant_id=str(principal().merchant_id))
        return service.plan_dict(plan)


@blp.route("")
class Subscriptions(MethodView):
    @requires("user")
    @idempotent
    @blp.arguments(SubscribeIn)
    @blp.response(201, SubscriptionOut)
    @blp.alt_response(402, description="insufficient_credits")
    @blp.doc(**security("user"), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Subscribe; the first period is charged at once (no fee) unless the plan has a trial."""
        who = principal()
        scoped = caller(who, write=True)
        sub = service.subscribe(db.session(), user_id=str(who.user_id), plan_id=data["plan_id"],
                                merchant_id=scoped.merchant_id, app_id=who.app_id)
        return _out(sub)

    @requires("user", "merchant")
    @blp.arguments(SubscriptionListArgs, location="query")
    @blp.response(200, SubscriptionList)
    @blp.doc(**security("user", "merchant"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The caller's subscriptions, newest first; ``status=active`` answers "has access"."""
        who = principal()
        user_id = args.get("user_id") if who.kind == "merchant" else None
        query = service.subscriptions_query(caller(who), status=args.get("status"),
                                            user_id=user_id)
        result = page(db.session(), query, Subscription, limit=args["limit"],
                      starting_after=args.get("starting_after"), newest_first=True)
        plans = service.plans_by_id(db.session(), [s.plan_id for s in result["data"]])
        return {"data": [service.subscription_dict(s, plans[s.plan_id]) for s in result["data"]],
                "has_more": result["has_more"]}


class ChurnOut(Schema):
    ended = fields.Integer(required=True)
    base = fields.Integer(required=True)
    percent = fields.Float(required=True, metadata={"description": "for display only"})


class SummaryOut(Schema):
    object = fields.String(required=True)
    active_subscribers = fields.Integer(required=True)
    monthly_recurring_credits = fields.Integer(required=True)
    churn_30d = fields.Nested(ChurnOut, required=True)


@blp.route("/summary")
class Summary(MethodView):
    @requires("merchant")
    @blp.response(200, SummaryOut)
    @blp.doc(**security("merchant"))
    def get(self) -> dict[str, Any]:
        """Active subscribers, monthly recurring credits and the last 30 days' churn."""
        return service.merchant_summary(db.session(), str(principal().merchant_id))


@blp.route("/<string:subscription_id>")
class SubscriptionById(MethodView):
    @requires("user", "merchant")
    @blp.response(200, SubscriptionOut)
    @blp.doc(**security("user", "merchant"))
    def get(self, subscription_id: str) -> dict[str, Any]:
        """One subscription of the caller."""
        return _out(service.get_subscription(db.session(), subscription_id,
                                             caller(principal())))


@blp.route("/<string:subscription_id>/cancel")
class Cancel(MethodView):
    @requires("user", "merchant")
    @blp.arguments(CancelIn)
    @blp.response(200, SubscriptionOut)
    @blp.doc(**security("user", "merchant"))
    def post(self, data: dict[str, Any], subscription_id: str) -> dict[str, Any]:
        """Cancel now, or at the end of the period already paid (``at_period_end``)."""
        sub = service.cancel(db.session(), subscription_id, caller(principal(), write=True),
                             at_period_end=data["at_period_end"])
        return _out(sub)


@blp.route("/<string:subscription_id>/resume")
class Resume(MethodView):
    @requires("user", "merchant")
    @blp.response(200, SubscriptionOut)
    @blp.doc(**security("user", "merchant"))
    def post(self, subscription_id: str) -> dict[str, Any]:
        """Undo a cancel at period end, before the period ends."""
        return _out(service.resume(db.session(), subscription_id,
                                   caller(principal(), write=True)))


@blp.route("/<string:subscription_id>/change")
class Change(MethodView):
    @requires("user", "merchant")
    @idempotent
    @blp.arguments(ChangeIn)
    @blp.response(200, ChangeOut)
    @blp.alt_response(402, description="insufficient_credits")
    @blp.doc(**security("user", "merchant"), parameters=[IDEMPOTENCY_KEY])
    def post(self, data: dict[str, Any], subscription_id: str) -> dict[str, Any]:
        """Upgrade or downgrade now, to a plan of the same merchant and interval; the rest
        of the period is prorated in whole credits, rounded in the person's favour."""
        sub, delta = service.change_plan(db.session(), subscription_id,
                                         caller(principal(), write=True), data["plan_id"])
        return {**_out(sub), "proration": delta}


def register(app: Flask, api: Api) -> None:
    from wallet.subscriptions import autoreload_api

    api.register_blueprint(plans_blp)
    api.register_blueprint(blp)
    api.register_blueprint(autoreload_api.blp)
