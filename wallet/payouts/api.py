"""Merchant earnings and payouts.

Merchant key: ``GET /v1/balance``, ``GET|PUT /v1/payout_settings``,
``GET /v1/payouts/eligibility``, ``GET|POST /v1/payouts``, ``GET /v1/payouts/{id}``,
``POST /v1/payouts/{id}/cancel``, ``GET /v1/reports/fees``.
Operator key: ``GET /v1/payout_config``,
``POST /v1/payout_runs``, ``GET /v1/payout_batches/{id}`` (+ ``/pain001``, ``/csv``,
``POST …/submit``), ``POST /v1/payouts/{id}/status``, ``POST /v1/payout_status_imports``,
``GET /v1/payouts`` and ``GET /v1/reports/fees`` for every merchant.
People (user tokens, web sessions) get 403 ``closed_loop`` on every one of them.
Page: ``GET /merchant`` (static earnings page).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, current_app, request, send_from_directory
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from wallet.db import db
from wallet.errors import InvalidRequest, NotFound
from wallet.merchants.service import get_merchant
from wallet.payouts import schemas, service
from wallet.payouts.config import PayoutConfig, load_payout_config
from wallet.payouts.models import SCHEDULES, Payout, PayoutBatch
from wallet.payouts.reports import fee_report
from wallet.risk.service import PayoutHeld
from wallet.web.auth import closed_loop, principal
from wallet.web.fields import Text
from wallet.web.idempotency import idempotent
from wallet.web.json_body import Blueprint
from wallet.web.paging import ListArgs, page
from wallet.web.requests import keep_writes_on_error

blp = Blueprint("payouts", __name__, url_prefix="/v1",
                description="Merchant earnings, payout settings, payouts and fee reports")
pages = FlaskBlueprint("merchant_pages", __name__)

F = TypeVar("F", bound=Callable[..., Any])
EXTENSION_KEY = "wallet.payouts.config"


def payout_config() -> PayoutConfig:
    """The operator's payout configuration (checked once per app, then cached)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cached = app.extensions.get(EXTENSION_KEY)
    if cached is None or cached[0] != _config_key(app.config):
        cached = (_config_key(app.config), load_payout_config(app.config))
        app.extensions[EXTENSION_KEY] = cached
    return cast(PayoutConfig, cached[1])


def _config_key(config: Any) -> tuple[Any, ...]:
    return tuple(sorted((k, str(v)) for k, v in config.items()
                        if k.startswith(("PAYOUT_", "RISK_"))))


def payout_dir() -> Path:
    return Path(current_app.instance_path) / "payouts"


def _merchant_scope(merchant_id: str | None = None) -> str | None:
    """A merchant's own id; the operator's chosen ``merchant_id`` (or None for all)."""
    caller = principal()
    if caller.kind == "merchant":
        return caller.merchant_id
    if merchant_id is not None:
        get_merchant(db.session(), merchant_id)
    return merchant_id


# --- schemas ----------------------------------------------------------------------------------


class SettingsIn(Schema):
    iban = Text(required=True, max_length=64, min_length=1)
    holder_name = Text(required=True, max_length=70, min_length=1)
    schedule = fields.String(required=True, validate=validate.OneOf(SCHEDULES))
    bic = Text(max_length=20, load_default=None, allow_none=True)


class StatusIn(Schema):
    status = fields.String(required=True,
                           validate=validate.OneOf(["submitted", "paid", "failed", "canceled"]))
    reason = Text(max_length=500, load_default=None, allow_none=True)


class PayoutListArgs(ListArgs):
    merchant_id = fields.String(validate=validate.Length(min=1, max=40))
    status = fields.String(validate=validate.OneOf(["pending", "submitted", "paid", "failed",
                                                    "canceled"]))


class ReportArgs(Schema):
    merchant_id = fields.String(validate=validate.Length(min=1, max=40))


class EmptyIn(Schema):
    pass


# --- merchant ---------------------------------------------------------------------------------


@blp.route("/balance")
class Balance(MethodView):
    @closed_loop("merchant")
    @blp.response(200, schemas.BalanceOut)
    def get(self) -> dict[str, Any]:
        """Earnings (credits) pending, available and in transit, and their money value."""
        merchant_id = principal().merchant_id
        assert merchant_id is not None
        return service.balance_view(db.session(), payout_config(), merchant_id)


@blp.route("/payout_settings")
class PayoutSettings(MethodView):
    @closed_loop("merchant")
    @blp.response(200, schemas.SettingsOut)
    def get(self) -> dict[str, Any]:
        merchant_id = principal().merchant_id
        assert merchant_id is not None
        return service.settings_view(db.session(), merchant_id)

    @closed_loop("merchant")
    @blp.arguments(SettingsIn)
    @blp.response(200, schemas.SettingsOut)
    def put(self, data: dict[str, Any]) -> dict[str, Any]:
        """Bank account (IBAN checked with schwifty), holder name and schedule."""
        merchant_id = principal().merchant_id
        assert merchant_id is not None
        return service.update_settings(
            db.session(), payout_config(), merchant_id, iban=data["iban"],
            holder_name=data["holder_name"], schedule=data["schedule"], bic=data.get("bic"),
        )


@blp.route("/payouts/eligibility")
class Eligibility(MethodView):
    @closed_loop("merchant")
    @blp.response(200, schemas.EligibilityOut)
    def get(self) -> dict[str, Any]:
        """Whether a payout can be made now, and every reason why not."""
        merchant_id = principal().merchant_id
        assert merchant_id is not None
        config = payout_config()
        return service.eligibility_view(
            config, service.eligibility(db.session(), config, merchant_id))


@blp.route("/payouts")
class Payouts(MethodView):
    @closed_loop("merchant", "admin")
    @blp.arguments(PayoutListArgs, location="query")
    @blp.response(200, schemas.PayoutList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The merchant's payouts (operator: all, or ``?merchant_id=``), oldest first."""
        merchant_id = _merchant_scope(args.get("merchant_id"))
        stmt = select(Payout)
        if merchant_id is not None:
            stmt = stmt.where(Payout.merchant_id == merchant_id)
        if "status" in args:
            stmt = stmt.where(Payout.status == args["status"])
        result = page(db.session(), stmt, Payout, limit=args["limit"],
                      starting_after=args.get("starting_after"))
        config = payout_config()
        return {"data": [service.payout_view(config, p) for p in result["data"]],
                "has_more": result["has_more"]}

    @closed_loop("merchant")
    @idempotent
    @blp.arguments(EmptyIn)
    @blp.response(201, schemas.PayoutOut)
    def post(self, _data: dict[str, Any]) -> dict[str, Any]:
        """Request a payout of the available earnings now, under the rules of a run."""
        merchant_id = principal().merchant_id
        assert merchant_id is not None
        config = payout_config()
        try:
            payout = service.request_payout(db.session(), config, merchant_id)
        except PayoutHeld:
            # Refused by a risk rule: what the request wrote up to the refusal stays, above
            # all the concentration rule's review and its audit record (else the operator
            # never sees it and the next request finds none and opens it again).
            keep_writes_on_error()
            raise
        return service.payout_view(config, payout)


@blp.route("/payouts/<string:payout_id>")
class PayoutItem(MethodView):
    @closed_loop("merchant", "admin")
    @blp.response(200, schemas.PayoutOut)
    def get(self, payout_id: str) -> dict[str, Any]:
        caller = principal()
        payout = service.get_payout(
            db.session(), payout_id, caller.merchant_id if caller.kind == "merchant" else None)
        return service.payout_view(payout_config(), payout)


@blp.route("/payouts/<string:payout_id>/cancel")
class PayoutCancel(MethodView):
    @closed_loop("merchant", "admin")
    @idempotent
    @blp.arguments(EmptyIn)
    @blp.response(200, schemas.PayoutOut)
    def post(self, _data: dict[str, Any], payout_id: str) -> dict[str, Any]:
        """Cancel a pending payout (not yet sent to the bank): its value returns."""
        caller = principal()
        config = payout_config()
        payout = service.set_status(
            db.session(), config, payout_id, "canceled", reason="canceled",
            merchant_id=caller.merchant_id if caller.kind == "merchant" else None)
        return service.payout_view(config, payout)


@blp.route("/reports/fees")
class FeeReport(MethodView):
    @closed_loop("merchant", "admin")
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, schemas.FeeReportOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Per month: payout fees paid beside what card charges would have cost."""
        merchant_id = _merchant_scope(args.get("merchant_id"))
        return fee_report(db.session(), payout_config(), merchant_id)


# --- operator ---------------------------------------------------------------------------------


@blp.route("/payout_config")
class PayoutConfigView(MethodView):
    @closed_loop("admin")
    @blp.response(200, schemas.PayoutConfigOut)
    def get(self) -> dict[str, Any]:
        """The payout settings in force (``WALLET_PAYOUT_*``)."""
        return {"object": "payout_config", **payout_config().as_dict()}


@blp.route("/payout_runs")
class PayoutRuns(MethodView):
    @closed_loop("admin")
    @idempotent
    @blp.arguments(EmptyIn)
    @blp.response(201, schemas.PayoutRunOut)
    def post(self, _data: dict[str, Any]) -> dict[str, Any]:
        """Run one payout batch now (as ``flask payouts run``)."""
        result = service.run_payouts(db.session(), payout_config(), out_dir=payout_dir())
        return result.as_dict()


def _batch(batch_id: str) -> PayoutBatch:
    batch = db.session.get(PayoutBatch, batch_id)
    if batch is None:
        raise NotFound("No such payout batch.", code="batch_not_found", param="id")
    return batch


@blp.route("/payout_batches/<string:batch_id>")
class BatchItem(MethodView):
    @closed_loop("admin")
    @blp.response(200, schemas.BatchOut)
    def get(self, batch_id: str) -> dict[str, Any]:
        return service.batch_view(_batch(batch_id))


@blp.route("/payout_batches/<string:batch_id>/submit")
class BatchSubmit(MethodView):
    @closed_loop("admin")
    @blp.arguments(EmptyIn)
    @blp.response(200, schemas.BatchOut)
    def post(self, _data: dict[str, Any], batch_id: str) -> dict[str, Any]:
        """Mark the batch's pending payouts submitted (the file went to the bank)."""
        batch = service.submit_batch(db.session(), payout_config(), batch_id)
        return service.batch_view(batch)


@blp.route("/payout_batches/<string:batch_id>/pain001")
class BatchPain001(MethodView):
    @closed_loop("admin")
    @blp.doc(responses={"200": {"description": "The batch's SEPA credit transfer file "
                                "(pain.001.001.03).",
                                "content": {"application/xml": {"schema": {"type": "string"}}}}})
    def get(self, batch_id: str) -> Response:
        batch = _batch(batch_id)
        if batch.pain001 is None:
            raise NotFound("This batch has no SEPA file (not in EUR).", code="no_pain001")
        return Response(batch.pain001, mimetype="application/xml", headers={
            "Content-Disposition": f'attachment; filename="{batch.id}.pain001.xml"'})


@blp.route("/payout_batches/<string:batch_id>/csv")
class BatchCsv(MethodView):
    @closed_loop("admin")
    @blp.doc(responses={"200": {"description": "The batch as CSV (one payout a line).",
                                "content": {"text/csv": {"schema": {"type": "string"}}}}})
    def get(self, batch_id: str) -> Response:
        batch = _batch(batch_id)
        return Response(batch.csv, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{batch.id}.csv"'})


@blp.route("/payouts/<string:payout_id>/status")
class PayoutStatus(MethodView):
    @closed_loop("admin")
    @blp.arguments(StatusIn)
    @blp.response(200, schemas.PayoutOut)
    def post(self, data: dict[str, Any], payout_id: str) -> dict[str, Any]:
        """Operator: submitted, paid, failed (value returns, reason kept) or canceled."""
        config = payout_config()
        payout = service.set_status(db.session(), config, payout_id, data["status"],
                                    reason=data.get("reason"))
        return service.payout_view(config, payout)


@blp.route("/payout_status_imports")
class StatusImport(MethodView):
    @closed_loop("admin")
    @blp.doc(requestBody={"required": True, "content": {
        "text/csv": {"schema": {"type": "string", "minLength": 1}},
        "application/xml": {"schema": {"type": "string", "minLength": 1}}}})
    @blp.response(200, schemas.StatusImportOut)
    def post(self) -> dict[str, Any]:
        """A bank status file as the raw body: CSV (payout_id,status,reason) or camt.054."""
        data = request.get_data(cache=False)
        if not data:
            raise InvalidRequest("Send the status file as the request body.",
                                 code="invalid_status_file")
        return service.import_status(db.session(), payout_config(), data)


# --- page -------------------------------------------------------------------------------------


@pages.get("/merchant")
def merchant_page() -> Response:
    folder = Path(current_app.static_folder or "static") / "merchant"
    return send_from_directory(folder, "index.html")


def register(app: Flask, api: Api) -> None:
    api.register_blueprint(blp)
    app.register_blueprint(pages)
