"""The operator's API (``ak_…`` or a console session) and the ``/admin`` page.

People: search, a wallet with its history and purchases, freeze and unfreeze with a
reason. Merchants: search, KYC review. Payout batches: the list (runs and their bank
files are in ``wallet.payouts``). The audit of operator actions and the liability
report. Console sign-in: an operator key, or an operator account with a TOTP code.

Every operator request that changes something is an audit record: the actions here
write a detailed one (reason, object); ``audit_operator_writes`` records every other
successful unsafe request of an operator (payout runs, shortfall resolutions, grants,
keys, ...) in the same transaction, before the request's one commit point.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, current_app, g, request, send_from_directory, session
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from wallet.console import service
from wallet.console.liability import liability_report
from wallet.credits import service as credits
from wallet.credits import views as credits_views
from wallet.db import db
from wallet.ids import secret_digest
from wallet.merchants.models import ApiKey
from wallet.payouts.models import PayoutBatch
from wallet.payouts.schemas import BatchOut as PayoutBatchOut
from wallet.payouts.service import batch_view
from wallet.people import csrf
from wallet.people import service as people
from wallet.web.auth import SESSION_FIELD, current_principal, principal, requires
from wallet.web.docs import security
from wallet.web.fields import NO_CONTROLS, PlainText, Text
from wallet.web.json_body import Blueprint
from wallet.web.paging import ListArgs, page
from wallet.web.requests import raise_if_transient

blp = Blueprint("console", __name__, url_prefix="/v1",
                description="The operator console: people, wallets, merchants, KYC, audit, "
                            "liability report, console sign-in.")
pages = FlaskBlueprint("console_pages", __name__)
ADMIN = security("admin", session=False)


def totp_kek() -> bytes:
    """The key that seals TOTP secrets, derived from ``WALLET_SECRET_KEY``."""
    secret = current_app.config["SECRET_KEY"]
    return service.totp_kek(secret if isinstance(secret, bytes) else str(secret).encode())


def actor() -> service.Actor:
    """The operator of this request, with a readable label (account email or key hint)."""
    found = service.actor_for(principal())
    if found.type == "key" and not found.label:
        key = db.session.get(ApiKey, found.id) if found.id.startswith("key_") else None
        found = service.Actor("key", found.id, f"key …{key.hint}" if key else "")
    return found


def recorded() -> dict[str, Any]:
    """Arguments for ``service`` calls that write an audit record (and mark it written)."""
    g.console_audited = True
    return {"actor": actor(), "request_id": g.get("request_id")}


# --- schemas --------------------------------------------------------------------------------

class SearchArgs(Schema):
    q = fields.String(validate=[validate.Length(max=320), NO_CONTROLS], metadata={
        "description": "An exact id, or part of the email (people) or name (merchants)."})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class UserSearchArgs(SearchArgs):
    frozen = fields.Boolean()


class MerchantSearchArgs(SearchArgs):
    kyc_status = fields.String(validate=validate.OneOf(["pending", "verified", "rejected"]))


class OperatorPersonOut(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    frozen = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)


class PersonList(Schema):
    data = fields.List(fields.Nested(OperatorPersonOut), required=True)
    has_more = fields.Boolean(required=True)


class OperatorMerchantOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kyc_status = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class MerchantList(Schema):
    data = fields.List(fields.Nested(OperatorMerchantOut), required=True)
    has_more = fields.Boolean(required=True)


class FreezeOut(Schema):
    frozen = fields.Boolean(required=True)
    reason = fields.String(allow_none=True, required=True)
    frozen_at = fields.DateTime(allow_none=True, required=True)
    frozen_by = fields.String(allow_none=True, required=True)
    open_shortfalls = fields.Integer(required=True)


class OperatorWalletOut(credits_views.WalletOut):
    email = fields.String(required=True)
    freeze = fields.Nested(FreezeOut, required=True)


class ReasonIn(Schema):
    reason = PlainText(500, required=True)


class KycReviewIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = Text(load_default="", max_length=500)


class ActionOut(Schema):
    object = fields.Constant("operator_action", required=True)
    id = fields.String(required=True)
    actor_type = fields.String(required=True)
    actor_id = fields.String(required=True)
    actor_label = fields.String(required=True)
    action = fields.String(required=True)
    target_type = fields.String(allow_none=True, required=True)
    target_id = fields.String(allow_none=True, required=True)
    reason = fields.String(required=True)
    detail = fields.Dict(required=True)
    request_id = fields.String(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)


class ActionList(Schema):
    data = fields.List(fields.Nested(ActionOut), required=True)
    has_more = fields.Boolean(required=True)


class ActionArgs(Schema):
    target_type = Text(max_length=40)
    target_id = Text(max_length=64)
    action = Text(max_length=120)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    starting_after = Text(min_length=1, max_length=64)


class PayoutBatchList(Schema):
    data = fields.List(fields.Nested(PayoutBatchOut), required=True)
    has_more = fields.Boolean(required=True)


class CreditsOutstandingOut(Schema):
    credits_paid = fields.Integer(required=True)
    credits_promotional = fields.Integer(required=True)
    total = fields.Integer(required=True)


class EarningsPayableOut(Schema):
    pending = fields.Integer(required=True)
    available = fields.Integer(required=True)
    in_transit = fields.Integer(required=True)
    reserved = fields.Integer(required=True, metadata={
        "description": "held by merchants' rolling reserves (docs/risk.md)"})
    debt = fields.Integer(required=True, metadata={
        "description": "what merchants owe, as a balance <= 0 (docs/risk.md)"})
    total = fields.Integer(required=True)


class FundingOut(Schema):
    credits_sold = fields.Integer(required=True)
    promotions_issued = fields.Integer(required=True)
    gift_cards_sold = fields.Integer(required=True)
    paid_out = fields.Integer(required=True)


class ShortfallTotalsOut(Schema):
    open = fields.Integer(required=True)
    written_off = fields.Integer(required=True)
    collected = fields.Integer(required=True)


class MismatchOut(Schema):
    kind = fields.String(required=True)
    balances = fields.Integer(required=True)
    postings = fields.Integer(required=True)


class ReconciliationOut(Schema):
    ok = fields.Boolean(required=True)
    books_balance = fields.Integer(required=True, metadata={
        "description": "the sum of every balance: 0 when the books balance"})
    identity = fields.String(required=True)
    mismatched_kinds = fields.List(fields.Nested(MismatchOut), required=True)
    vouchers_table = fields.Integer(required=True)
    vouchers_match = fields.Boolean(required=True)


class LiabilityReportOut(Schema):
    object = fields.String(required=True)
    asset = fields.String(required=True)
    as_of = fields.DateTime(required=True)
    credits_outstanding = fields.Nested(CreditsOutstandingOut, required=True)
    vouchers_outstanding = fields.Integer(required=True)
    merchant_earnings_payable = fields.Nested(EarningsPayableOut, required=True)
    total_owed = fields.Integer(required=True)
    breakage = fields.Integer(required=True)
    fees = fields.Integer(required=True)
    platform_losses = fields.Integer(allow_none=True, required=True, metadata={
        "description": "null until a platform_losses account exists"})
    funding = fields.Nested(FundingOut, required=True)
    other_accounts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    shortfalls = fields.Nested(ShortfallTotalsOut, required=True)
    reconciliation = fields.Nested(ReconciliationOut, required=True)


class ConsoleSignIn(Schema):
    key = Text(min_length=1, max_length=200, metadata={
        "description": "An operator key ak_…; or email, password and code."})
    email = Text(min_length=1, max_length=320)
    password = fields.String(validate=validate.Length(min=1, max=1024))
    code = Text(min_length=1, max_length=10,
                         metadata={"description": "The 6-digit TOTP code."})


class ConsoleSessionOut(Schema):
    operator = fields.Dict(allow_none=True, required=True)
    csrf_token = fields.String(required=True)


# --- people ---------------------------------------------------------------------------------

@blp.route("/users")
class UserSearch(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(UserSearchArgs, location="query")
    @blp.response(200, PersonList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search people by id or part of their email (newest first)."""
        rows = service.search_users(db.session(), args.get("q"), frozen=args.get("frozen"),
                                    limit=args["limit"] + 1)
        return {"data": rows[:args["limit"]], "has_more": len(rows) > args["limit"]}


def wallet_body(user_id: str) -> dict[str, Any]:
    user = service.get_user(db.session(), user_id)
    return {**credits_views.wallet_body(user.id), "email": user.email,
            "freeze": service.freeze_state(db.session(), user)}


@blp.route("/users/<string:user_id>/wallet")
class UserWallet(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.response(200, OperatorWalletOut)
    def get(self, user_id: str) -> dict[str, Any]:
        """A person's wallet as they see it, with why it is frozen."""
        return wallet_body(user_id)


@blp.route("/users/<string:user_id>/transactions")
class UserHistory(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(credits_views.HistoryArgs, location="query")
    @blp.response(200, credits_views.HistoryOut)
    def get(self, args: dict[str, Any], user_id: str) -> dict[str, Any]:
        """A person's history, newest first (as ``GET /v1/wallet/transactions``)."""
        user = service.get_user(db.session(), user_id)
        before = args.get("starting_after")
        entries, has_more = credits.history(
            db.session(), user.id, limit=args["limit"],
            before_txn=credits_views.parse_txn_id(before) if before else None)
        return {"data": [credits_views.history_entry(e) for e in entries], "has_more": has_more}


@blp.route("/users/<string:user_id>/freeze")
class Freeze(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(ReasonIn)
    @blp.response(200, OperatorWalletOut)
    def post(self, data: dict[str, Any], user_id: str) -> dict[str, Any]:
        """Freeze a wallet (purchases and gifts refused) with a reason, audited."""
        service.set_frozen(db.session(), user_id, True, reason=data["reason"], **recorded())
        return wallet_body(user_id)


@blp.route("/users/<string:user_id>/unfreeze")
class Unfreeze(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(ReasonIn)
    @blp.response(200, OperatorWalletOut)
    def post(self, data: dict[str, Any], user_id: str) -> dict[str, Any]:
        """Unfreeze a wallet with a reason, audited (409 while a top-up shortfall is open)."""
        service.set_frozen(db.session(), user_id, False, reason=data["reason"], **recorded())
        return wallet_body(user_id)


# --- merchants and KYC ----------------------------------------------------------------------

@blp.route("/merchants/search")
class MerchantSearch(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(MerchantSearchArgs, location="query")
    @blp.response(200, MerchantList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search merchants by id or part of their name; ``kyc_status=pending`` is the KYC
        review queue."""
        rows = service.search_merchants(db.session(), args.get("q"),
                                        kyc_status=args.get("kyc_status"),
                                        limit=args["limit"] + 1)
        return {"data": rows[:args["limit"]], "has_more": len(rows) > args["limit"]}


@blp.route("/merchants/<string:merchant_id>/kyc_review")
class KycReview(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(KycReviewIn)
    @blp.response(200, OperatorMerchantOut)
    def post(self, data: dict[str, Any], merchant_id: str) -> Any:
        """Approve (``verified``) or reject (a reason is required) a merchant's KYC."""
        return service.review_kyc(db.session(), merchant_id, data["decision"],
                                  reason=data["reason"], **recorded())


# --- payout batches, audit, liability report ------------------------------------------------

@blp.route("/payout_batches")
class Batches(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, PayoutBatchList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Payout runs' batches, newest first; bank files at ``/v1/payout_batches/{id}/csv``
        and ``/pain001``."""
        found = page(db.session(), select(PayoutBatch), PayoutBatch, limit=args["limit"],
                     starting_after=args.get("starting_after"), newest_first=True)
        found["data"] = [batch_view(b) for b in found["data"]]
        return found


@blp.route("/operator_actions")
class Actions(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(ActionArgs, location="query")
    @blp.response(200, ActionList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The audit of operator actions, newest first (append-only)."""
        rows, has_more = service.list_actions(
            db.session(), target_type=args.get("target_type"), target_id=args.get("target_id"),
            action=args.get("action"), limit=args["limit"],
            starting_after=args.get("starting_after"))
        return {"data": rows, "has_more": has_more}


@blp.route("/reports/liabilities")
class Liabilities(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.response(200, LiabilityReportOut)
    def get(self) -> dict[str, Any]:
        """What the platform owes (credits, vouchers, merchant earnings), breakage, losses,
        reconciled against the ledger to the credit."""
        return liability_report(db.session())


# --- console sign-in ------------------------------------------------------------------------

def operator_body() -> dict[str, Any]:
    who = current_principal()
    if who is None or who.kind != "admin" or not who.via_session:
        return {"operator": None, "csrf_token": csrf.token()}
    label = actor()
    return {"operator": {"type": label.type, "id": label.id, "label": label.label},
            "csrf_token": csrf.token()}


@blp.route("/console/session")
class ConsoleSession(MethodView):
    @blp.response(200, ConsoleSessionOut)
    def get(self) -> dict[str, Any]:
        """The signed-in console operator (or null) and the CSRF token."""
        return operator_body()

    @blp.arguments(ConsoleSignIn)
    @blp.response(200, ConsoleSessionOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Sign in to the console: ``key`` (an operator key), or ``email``, ``password``
        and ``code`` (TOTP) of an operator account. Failures are rate limited."""
        from wallet.people.api import signin_attempt

        dbs = db.session()
        if data.get("key"):
            # failures count per client address (and per presented key, so guesses at
            # random keys cannot lock every operator out)
            with signin_attempt("console-key:" + secret_digest(data["key"])[:24]):
                key = service.sign_in_with_key(dbs, data["key"])
            credential: dict[str, str | None] = {"api_key_id": key.id, "operator_id": None}
        else:
            email = data.get("email") or ""
            with signin_attempt("console:" + email):
                operator = service.authenticate_operator(
                    dbs, email, data.get("password") or "", data.get("code") or "",
                    kek=totp_kek())
            credential = {"api_key_id": None, "operator_id": operator.id}
        _end_browser_session()
        _row, token = service.start_session(dbs, operator_id=credential["operator_id"],
                                            api_key_id=credential["api_key_id"])
        session[SESSION_FIELD] = token
        session.permanent = True
        csrf.rotate()
        g.pop("principal", None)
        g.console_audited = True
        found = service.principal_for_operator_session(dbs, token)
        assert found is not None
        service.record(dbs, service.actor_for(found), "console.sign_in",
                       request_id=g.get("request_id"))
        g.principal = found
        return operator_body()

    @blp.response(200, ConsoleSessionOut)
    def delete(self) -> dict[str, Any]:
        """Sign the console out (needs ``X-CSRF-Token``)."""
        g.console_audited = True
        _end_browser_session()
        g.principal = None
        return operator_body()


def _end_browser_session() -> None:
    token = session.get(SESSION_FIELD)
    if isinstance(token, str):
        service.end_session(db.session(), token)
        people.end_session(db.session(), token)
    session.clear()
    csrf.rotate()


# --- the page and the audit hook ------------------------------------------------------------

@pages.get("/admin")
def admin_page() -> Response:
    """The console: a static page whose script signs in and calls this API."""
    folder = Path(current_app.static_folder or "static") / "admin"
    return send_from_directory(folder, "index.html")


UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def audit_operator_writes(response: Response) -> Response:
    """``after_request`` (runs before the commit point): an audit record for every
    successful unsafe request of an operator that did not write its own.

    A transient database failure here (a lost connection) leaves as the commit point's
    would: the request's unit of work runs again (``wallet.web.requests``)."""
    try:
        if (request.method in UNSAFE and response.status_code < 400
                and not g.get("console_audited")):
            who = g.get("principal")
            if who is not None and who.kind == "admin":
                service.record(db.session(), actor(), f"{request.method} {request.path}"[:120],
                               request_id=g.get("request_id"),
                               detail={"status": response.status_code,
                                       "replayed": response.headers.get("Idempotent-Replayed")
                                       == "true"})
    except Exception as exc:
        raise_if_transient(exc)
        raise
    finally:
        g.pop("console_audited", None)
    return response


def register(app: Flask, api: Api) -> None:
    api.register_blueprint(blp)
    app.register_blueprint(pages)
    app.after_request(audit_operator_writes)
