"""``GET /healthz``: 200 when the database answers."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from wallet.db import db
from wallet.errors import WalletError

bp = Blueprint("health", __name__)


class DatabaseUnavailable(WalletError):
    type = "service_unavailable_error"
    code = "database_unavailable"
    default_message = "The database does not answer."


OPENAPI_PATH = {"get": {
    "operationId": "getHealthz", "tags": ["health"],
    "summary": "200 when the database answers (for load balancers and monitors).",
    "responses": {"200": {"description": "Healthy.", "content": {"application/json": {
        "schema": {"type": "object", "required": ["status", "database"], "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "database": {"type": "string"}}}}}}},
}}


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable() from exc
    return {"status": "ok", "database": db.engine.dialect.name}
