"""``GET /v1/insights``: a merchant's buying patterns (merchant key; operator key with
``merchant_id`` for any merchant)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate

from wallet.db import db
from wallet.errors import NotFound, Unprocessable
from wallet.insights import service
from wallet.merchants.models import App
from wallet.merchants.service import get_merchant
from wallet.web.auth import principal, requires
from wallet.web.json_body import Blueprint

blp = Blueprint("insights", __name__, url_prefix="/v1",
                description="Buying patterns of a merchant's customers")

ID = validate.Length(min=1, max=40)


class InsightsArgs(Schema):
    from_ = fields.Date(data_key="from", load_default=None,
                        metadata={"description": "First UTC day (default: 29 days before "
                                  "'to')."})
    to = fields.Date(load_default=None, metadata={"description": "Last UTC day (default: "
                                                  "today)."})
    app_id = fields.String(validate=ID, load_default=None)
    merchant_id = fields.String(validate=ID, load_default=None,
                                metadata={"description": "Operator key only."})


class Totals(Schema):
    purchases = fields.Integer()
    credits = fields.Integer()
    unique_buyers = fields.Integer()
    refunds = fields.Integer()
    refunded_credits = fields.Integer()
    net_credits = fields.Integer()


class Day(Schema):
    day = fields.String()
    purchases = fields.Integer()
    credits = fields.Integer()
    refunds = fields.Integer()
    refunded_credits = fields.Integer()


class Item(Schema):
    item = fields.String(allow_none=True, metadata={"description": "metadata.sku, else the "
                                                    "description; null for the rest"})
    other_items = fields.Integer()
    purchases = fields.Integer()
    credits = fields.Integer()


class Heatmap(Schema):
    weekdays = fields.List(fields.String())
    hours = fields.List(fields.Integer())
    timezone = fields.String()
    purchases = fields.List(fields.List(fields.Integer()))
    credits = fields.List(fields.List(fields.Integer()))


class Size(Schema):
    bucket = fields.String()
    min = fields.Integer()
    max = fields.Integer(allow_none=True)
    purchases = fields.Integer()
    credits = fields.Integer()


class Cohort(Schema):
    month = fields.String()
    buyers = fields.Integer()
    active = fields.List(fields.Integer())
    retention = fields.List(fields.Float())


class Vouchers(Schema):
    redemptions = fields.Integer()
    redeemed_credits = fields.Integer()
    voids = fields.Integer()
    voided_credits = fields.Integer()
    net_redeemed_credits = fields.Integer()


class Subscriptions(Schema):
    new = fields.Integer(metadata={"description": "subscriptions started in the window"})
    churned = fields.Integer(metadata={"description": "subscriptions that ended in it"})
    active = fields.Integer(metadata={"description": "live at the window's end (trialing, "
                                      "active or past due)"})


class InsightsOut(Schema):
    object = fields.String()
    merchant_id = fields.String()
    app_id = fields.String(allow_none=True)
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    rolled_up_through = fields.String(allow_none=True)
    totals = fields.Nested(Totals)
    repeat_buyers = fields.Integer()
    repeat_buyer_rate = fields.Float()
    average_credits_per_buyer = fields.Float()
    by_day = fields.List(fields.Nested(Day))
    by_item = fields.List(fields.Nested(Item))
    by_hour_weekday = fields.Nested(Heatmap)
    purchase_sizes = fields.List(fields.Nested(Size))
    cohorts = fields.List(fields.Nested(Cohort))
    vouchers = fields.Nested(Vouchers)
    subscriptions = fields.Nested(Subscriptions)


def merchant_scope(merchant_id: str | None, app_id: str | None = None) -> str:
    """The caller's own merchant, or the operator's ``merchant_id`` (required then)."""
    session = db.session()
    caller = principal()
    if caller.kind == "merchant":
        assert caller.merchant_id is not None
        merchant_id = caller.merchant_id
    elif merchant_id is None:
        raise Unprocessable("The operator names the merchant: 'merchant_id'.",
                            code="parameter_missing", param="merchant_id")
    else:
        get_merchant(session, merchant_id)
    if app_id is not None:
        app = session.get(App, app_id)
        if app is None or app.merchant_id != merchant_id:
            raise NotFound("No such app.", code="app_not_found", param="app_id")
    return merchant_id


@blp.route("/insights")
class Insights(MethodView):
    @requires("merchant", "admin")
    @blp.arguments(InsightsArgs, location="query")
    @blp.response(200, InsightsOut)
    @blp.alt_response(422, description="A window that cannot be (`invalid_window`: 'from' "
                      "after 'to', or too long), or the operator named no merchant "
                      "(`parameter_missing`).")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Totals, by day, item, hour x weekday, sizes, repeat buyers, cohorts, vouchers."""
        merchant_id = merchant_scope(args["merchant_id"], args["app_id"])
        session = db.session()
        window = service.window(session, merchant_id, args["app_id"], args["from_"],
                                args["to"])
        return service.insights(session, window)


def register(app: Flask, api: Api) -> None:
    api.register_blueprint(blp)
