"""What the person's wallet and history look like over HTTP, shared by the person's API
(``GET /v1/wallet``, ``GET /v1/wallet/transactions``, wallet/credits/api.py) and the
operator's view of a person (``/v1/admin/users/{id}/wallet`` and ``/transactions``,
wallet/console/api.py): the response schemas, the body builders and the history cursor."""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, fields, validate

from wallet.credits import service as credits
from wallet.db import db
from wallet.errors import NotFound

TXN_PREFIX = "txn_"
DEFAULT_LOW_BALANCE = 100


class CreditsOut(Schema):
    total = fields.Integer(required=True)
    paid = fields.Integer(required=True)
    promotional = fields.Integer(required=True)


class ExpiryOut(Schema):
    credits = fields.Integer(required=True)
    expires_at = fields.DateTime(required=True)


class ExpiringSoonOut(Schema):
    credits = fields.Integer(required=True)
    days = fields.Integer(required=True)


class WalletOut(Schema):
    object = fields.String(required=True)
    user_id = fields.String(required=True)
    credits = fields.Nested(CreditsOut, required=True)
    frozen = fields.Boolean(required=True)
    next_expiry = fields.Nested(ExpiryOut, allow_none=True, required=True)
    expiring_soon = fields.Nested(ExpiringSoonOut, required=True, metadata={
        "description": "promotional credits that expire within the next days"})
    low_balance = fields.Boolean(required=True, metadata={
        "description": "total below WALLET_LOW_BALANCE_CREDITS (default 100)"})


class HistoryArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    starting_after = fields.String(validate=validate.Length(min=1, max=64))


class EntryOut(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    amount = fields.Integer(required=True, metadata={
        "description": "Credits, signed from the person's point of view."})
    description = fields.String(allow_none=True, required=True)
    purchase_id = fields.String(allow_none=True)
    object_type = fields.String(allow_none=True, required=True, metadata={
        "description": "what the entry is about", "enum": ["topup", "purchase", "voucher",
                                                          "grant", None]})
    object_id = fields.String(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)


class HistoryOut(Schema):
    data = fields.List(fields.Nested(EntryOut), required=True)
    has_more = fields.Boolean(required=True)


def wallet_body(user_id: str) -> dict[str, Any]:
    """The wallet as ``GET /v1/wallet`` answers it (the operator's view reuses it)."""
    found = credits.summary(db.session(), user_id)
    expiry = None
    if found.next_expiry_at is not None:
        expiry = {"credits": found.next_expiry_credits, "expires_at": found.next_expiry_at}
    return {"object": "wallet", "user_id": user_id,
            "credits": {"total": found.total, "paid": found.paid,
                        "promotional": found.promotional},
            "frozen": found.frozen, "next_expiry": expiry,
            "expiring_soon": {"credits": found.expiring_soon,
                              "days": credits.EXPIRING_SOON.days},
            "low_balance": found.total < int(current_app.config.get(
                "LOW_BALANCE_CREDITS", DEFAULT_LOW_BALANCE))}


def parse_txn_id(value: str) -> int:
    digits = value.removeprefix(TXN_PREFIX)
    if not value.startswith(TXN_PREFIX) or not digits.isdigit() or len(digits) > 18:
        raise NotFound("starting_after is not an id from this list.",
                       code="invalid_cursor", param="starting_after")
    return int(digits)


def history_entry(e: credits.HistoryEntry) -> dict[str, Any]:
    object_type, object_id = credits.linked_object(e.metadata)
    return {"id": f"{TXN_PREFIX}{e.txn_id}", "kind": e.kind, "amount": e.amount,
            "description": e.description, "purchase_id": e.metadata.get("purchase_id"),
            "object_type": object_type, "object_id": object_id, "created_at": e.created_at}
