"""``GET /v1/statements/{YYYY-MM}.csv``: a month's statement, streamed as CSV.

Merchant key: the merchant's accounts. A person signed in to the wallet (web session;
not an app's access token): their wallet. Operator key: ``merchant_id`` or ``user_id``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate

from wallet.db import db
from wallet.errors import NotFound, PermissionDenied, Unprocessable
from wallet.merchants.service import get_merchant
from wallet.people.models import User
from wallet.statements import service
from wallet.web.auth import principal, requires
from wallet.web.json_body import Blueprint

blp = Blueprint("statements", __name__, url_prefix="/v1",
                description="Monthly statements (CSV) of merchants and people")

ID = validate.Length(min=1, max=40)


class StatementArgs(Schema):
    merchant_id = fields.String(validate=ID, load_default=None,
                                metadata={"description": "Operator key only."})
    user_id = fields.String(validate=ID, load_default=None,
                            metadata={"description": "Operator key only."})


def _owner(args: dict[str, Any]) -> tuple[str, str]:
    """(ledger code prefix, file name stem) of the caller's statement."""
    caller = principal()
    if caller.kind == "merchant":
        return service.owner_prefix(merchant_id=caller.merchant_id), str(caller.merchant_id)
    if caller.kind == "user":
        if not caller.via_session:
            raise PermissionDenied("A person's statement is theirs alone: sign in to the "
                                   "wallet; an app's access token cannot read it.",
                                   code="session_required")
        return service.owner_prefix(user_id=caller.user_id), str(caller.user_id)
    session = db.session()
    if args["merchant_id"] is not None:
        get_merchant(session, args["merchant_id"])
        return service.owner_prefix(merchant_id=args["merchant_id"]), args["merchant_id"]
    if args["user_id"] is not None:
        if session.get(User, args["user_id"]) is None:
            raise NotFound("No such user.", code="user_not_found", param="user_id")
        return service.owner_prefix(user_id=args["user_id"]), args["user_id"]
    raise Unprocessable("The operator names whose statement: 'merchant_id' or 'user_id'.",
                        code="parameter_missing", param="merchant_id")


MONTH = {"in": "path", "name": "month", "required": True,
         "description": "The month, `YYYY-MM` (UTC), e.g. `2026-11`.",
         "schema": {"type": "string", "pattern": service.MONTH_PATTERN}}


@blp.route("/statements/<string:month>.csv", parameters=[MONTH])
class Statement(MethodView):
    @requires("merchant", "user", "admin")
    @blp.arguments(StatementArgs, location="query")
    @blp.doc(responses={
        "200": {"description": "The month's statement as CSV (one posting a line).",
                "content": {"text/csv": {"schema": {"type": "string"}}}},
        "422": {"description": "A month with no statement (`invalid_month`), or the "
                       "operator named no owner (`parameter_missing`)."}})
    def get(self, args: dict[str, Any], month: str) -> Response:
        """The month's postings on the caller's accounts, oldest first (CSV, streamed)."""
        service.month_bounds(month)
        prefix, stem = _owner(args)
        rows = service.statement_rows(db.session(), prefix, month)
        return Response(stream_with_context(service.csv_chunks(rows)), mimetype="text/csv",
                        headers={"Content-Disposition":
                                 f'attachment; filename="{stem}-{month}.csv"'})


def register(app: Flask, api: Api) -> None:
    api.register_blueprint(blp)
