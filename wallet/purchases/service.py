"""Purchases in apps (the hot path) and merchant refunds.

A purchase is, in one database transaction: one query for the person's wallet
(frozen flag, paid balance, live promotional lots, the merchant's pending
account), one ledger transaction (INSERT transaction, UPDATE each debited
balance row, UPDATE one merchant shard, INSERT postings), one upsert of the
risk counters, one INSERT of the purchase row and one INSERT of its
``purchase.created`` event (the outbox row; the delivery worker sends webhooks later).

Idempotency lives in that same transaction: the ledger reference is derived
from (person, app, Idempotency-Key), so a retry finds the first transaction
(the ledger's ``INSERT … ON CONFLICT DO NOTHING``) and answers the stored
purchase; the same key with another body answers 409. Two concurrent requests
with one key: on PostgreSQL the first takes a transaction-scoped advisory lock
on the reference and the second, failing to get it, answers 409
``idempotency_request_in_progress`` at once (no extra commit on the hot path);
on SQLite writers are serialised by BEGIN IMMEDIATE, so the second one only
starts after the first committed and replays its answer.

Plain Python over a session: no Flask, no commit.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from wallet.credits import service as credits
from wallet.db import is_postgres, utcnow
from wallet.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    WalletError,
)
from wallet.ids import new_id
from wallet.ledger.errors import ReferenceConflict
from wallet.merchants.models import App, Merchant
from wallet.purchases.models import Purchase, Refund, SpendCounter
from wallet.webhooks.events import emit

purchases_t = cast(Table, Purchase.__table__)
counters_t = cast(Table, SpendCounter.__table__)
refunds_t = cast(Table, Refund.__table__)

ALL_APPS = "*"
PURCHASE_ID = re.compile(r"^pur_[A-Za-z0-9_-]{1,60}$")


@dataclass(frozen=True, slots=True)
class Limits:
    """Platform risk limits (``WALLET_PURCHASE_VELOCITY``, ``WALLET_DAILY_SPEND_PER_APP``)."""

    velocity_per_minute: int | None = 60
    daily_per_app: int | None = None


@dataclass(frozen=True, slots=True)
class Buyer:
    """The person buying through one app, with the caps they approved for it."""

    user_id: str
    app_id: str
    merchant_id: str
    per_purchase_cap: int | None = None
    daily_cap: int | None = None


def request_fingerprint(amount: int, description: str, metadata: dict[str, Any]) -> str:
    canonical = json.dumps([amount, description, metadata], sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def ledger_reference(buyer: Buyer, idempotency_key: str) -> str:
    digest = hashlib.sha256(
        f"{buyer.user_id}\n{buyer.app_id}\n{idempotency_key}".encode()).hexdigest()
    return f"purchase:{digest[:48]}"


def create_purchase(
    session: Session,
    buyer: Buyer,
    *,
    amount: int,
    description: str,
    metadata: dict[str, Any] | None,
    idempotency_key: str,
    limits: Limits,
    now: datetime | None = None,
) -> tuple[dict[str, Any], bool]:
    """Buy ``amount`` credits' worth from the app's merchant; returns (purchase, created).

    Raises 402 insufficient_credits, 403 wallet_frozen / per_purchase_cap_exceeded /
    daily_cap_exceeded / daily_spend_limit_exceeded, 429 purchase_velocity_exceeded,
    409 idempotency_key_reused.
    """
    now = now or utcnow()
    metadata = metadata or {}
    fingerprint = request_fingerprint(amount, description, metadata)
    purchase_id = new_id("pur")
    reference = ledger_reference(buyer, idempotency_key)
    _claim_reference(session, reference)
    try:
        if buyer.per_purchase_cap is not None and amount > buyer.per_purchase_cap:
            raise refusal("per_purchase_cap_exceeded", amount, buyer, limits)
        spendable = credits.load_spendable(session, buyer.user_id,
                                           merchant_id=buyer.merchant_id, now=now, lock=True)
        if spendable is None:
            raise refusal("user_not_found", amount, buyer, limits)
        if spendable.frozen:
            raise refusal("wallet_frozen", amount, buyer, limits)
        try:
            debit = credits.debit_for_purchase(
                session, spendable, merchant_id=buyer.merchant_id, amount=amount,
                reference=reference,
                metadata={"purchase_id": purchase_id, "app_id": buyer.app_id,
                          "user_id": buyer.user_id, "description": description},
            )
        except ReferenceConflict:
            debit = None
    except WalletError:
        replayed = _existing(session, buyer, idempotency_key, fingerprint)
        if replayed is not None:
            return replayed, False
        raise
    if debit is None or not debit.posted.created:
        replayed = _existing(session, buyer, idempotency_key, fingerprint)
        if replayed is None:  # pragma: no cover - the ledger row exists, so must this
            raise Conflict("Another request with this Idempotency-Key is in progress.",
                           code="idempotency_request_in_progress")
        return replayed, False
    row = {
        "id": purchase_id, "user_id": buyer.user_id, "app_id": buyer.app_id,
        "merchant_id": buyer.merchant_id, "amount": amount, "refunded": 0,
        "description": description, "metadata": metadata,
        "idempotency_key": idempotency_key, "fingerprint": fingerprint,
        "balance_after": debit.balance_after, "txn_id": debit.posted.id, "created_at": now,
    }
    _record_and_check(session, buyer, row, limits, now)
    purchase = _public(row)
    emit(session, "purchase.created", purchase, buyer.merchant_id)
    return purchase, True


def _claim_reference(session: Session, reference: str) -> None:
    """409 while another transaction works on this reference (PostgreSQL only)."""
    if not is_postgres(session):
        return
    claimed = session.execute(
        text("SELECT pg_try_advisory_xact_lock(hashtextextended(:reference, 0))"),
        {"reference": reference},
    ).scalar()
    if not claimed:
        raise in_progress()


def _existing(session: Session, buyer: Buyer, key: str, fingerprint: str
              ) -> dict[str, Any] | None:
    row = session.execute(
        select(purchases_t).where(purchases_t.c.user_id == buyer.user_id,
                                  purchases_t.c.app_id == buyer.app_id,
                                  purchases_t.c.idempotency_key == key)
    ).mappings().first()
    if row is None:
        return None
    if row["fingerprint"] != fingerprint:
        raise key_reused()
    # A replay is the first answer, byte for byte: refunds made since do not show.
    return _public({**row, "refunded": 0})


def _public(row: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "amount", "refunded", "merchant_id", "app_id", "user_id", "description",
            "metadata", "balance_after", "created_at")
    return {"object": "purchase", **{k: row[k] for k in keep}}


COUNTERS_SQL = """
INSERT INTO spend_counters (user_id, app_id, day, day_total, minute, minute_count)
VALUES ({user_id}, {all_apps}, {day}, {amount}, {minute}, 1),
       ({user_id}, {app_id}, {day}, {amount}, {minute}, 1)
ON CONFLICT (user_id, app_id) DO UPDATE SET
  day_total = CASE WHEN spend_counters.day = excluded.day
                   THEN spend_counters.day_total + excluded.day_total
                   ELSE excluded.day_total END,
  day = excluded.day,
  minute_count = CASE WHEN spend_counters.minute = excluded.minute
                      THEN spend_counters.minute_count + 1 ELSE 1 END,
  minute = excluded.minute
RETURNING app_id, day_total, minute_count
"""

INSERT_PURCHASE_SQL = """
INSERT INTO purchases (id, user_id, app_id, merchant_id, amount, refunded, description,
                       metadata, idempotency_key, fingerprint, balance_after, txn_id, created_at)
VALUES ({id}, {user_id}, {app_id}, {merchant_id}, {amount}, 0, {description}, {metadata_json},
        {idempotency_key}, {fingerprint}, {balance_after}, {txn_id}, {created_at})
"""


@functools.cache
def _counters_sql(dialect: str) -> str:
    return credits.driver_sql(COUNTERS_SQL, dialect)


@functools.cache
def _record_sql(dialect: str) -> str:
    """PostgreSQL: the purchase INSERT and the counters upsert in one statement."""
    insert_purchase, counters = _insert_purchase_sql(dialect), _counters_sql(dialect)
    return (f"WITH p AS ({insert_purchase.strip()} RETURNING 1), "  # noqa: S608 (constants)
            f"c AS ({counters.strip()}) SELECT c.app_id, c.day_total, c.minute_count FROM c")


@functools.cache
def _insert_purchase_sql(dialect: str) -> str:
    sql = credits.driver_sql(INSERT_PURCHASE_SQL, dialect)
    if dialect == "postgresql":
        sql = sql.replace("%(metadata_json)s", "CAST(%(metadata_json)s AS JSON)")
    return sql


def _record_and_check(session: Session, buyer: Buyer, row: dict[str, Any], limits: Limits,
                      now: datetime) -> None:
    """INSERT the purchase and bump the (person) and (person, app) risk counters;
    raise past a limit (the caller's transaction then rolls back).

    On PostgreSQL both writes are one statement (data-modifying CTEs), so a purchase
    with limits costs one round trip here; SQLite runs the two statements.
    """
    conn = session.connection()
    dialect = conn.dialect.name
    epoch = now.timestamp()
    params = {
        **row, "metadata_json": json.dumps(row["metadata"], separators=(",", ":")),
        "created_at": credits.driver_time(now, dialect), "all_apps": ALL_APPS,
        "day": int(epoch // 86400), "minute": int(epoch // 60),
    }
    daily_limits = [x for x in (buyer.daily_cap, limits.daily_per_app) if x is not None]
    if limits.velocity_per_minute is None and not daily_limits:
        conn.exec_driver_sql(_insert_purchase_sql(dialect), params)
        return
    if dialect == "postgresql":
        result = conn.exec_driver_sql(_record_sql(dialect), params)
    else:
        conn.exec_driver_sql(_insert_purchase_sql(dialect), params)
        result = conn.exec_driver_sql(_counters_sql(dialect), params)
    rows = {r[0]: (int(r[1]), int(r[2])) for r in result}
    amount = int(row["amount"])
    if limits.velocity_per_minute is not None and rows[ALL_APPS][1] > limits.velocity_per_minute:
        raise refusal("purchase_velocity_exceeded", amount, buyer, limits)
    app_today = rows[buyer.app_id][0]
    if buyer.daily_cap is not None and app_today > buyer.daily_cap:
        raise refusal("daily_cap_exceeded", amount, buyer, limits, app_today)
    if limits.daily_per_app is not None and app_today > limits.daily_per_app:
        raise refusal("daily_spend_limit_exceeded", amount, buyer, limits, app_today)


def in_progress() -> Conflict:
    return Conflict("Another request with this Idempotency-Key is in progress.",
                    code="idempotency_request_in_progress", param="Idempotency-Key")


def key_reused() -> Conflict:
    return Conflict("This Idempotency-Key was used with different parameters.",
                    code="idempotency_key_reused", param="Idempotency-Key")


def refusal(code: str, amount: int, buyer: Buyer, limits: Limits,
            number: int | None = None) -> WalletError:
    """The error a purchase is refused with (both the Python and the SQL purchase):
    ``number`` is the wallet's available credits or today's spending in the app."""
    if code == "per_purchase_cap_exceeded":
        return PermissionDenied(
            f"This purchase of {amount} credits is above the {buyer.per_purchase_cap} "
            "credits per purchase you approved for this app.", code=code, param="amount")
    if code == "user_not_found":
        return NotFound("No such user.", code=code)
    if code == "wallet_frozen":
        return PermissionDenied("This wallet is frozen; purchases are refused until the "
                                "operator resolves it.", code=code)
    if code == "insufficient_credits":
        return credits.insufficient(amount, int(number or 0))
    if code == "purchase_velocity_exceeded":
        return RateLimited(
            f"Too many purchases: at most {limits.velocity_per_minute} per minute.", code=code)
    if code == "daily_cap_exceeded":
        return PermissionDenied(
            f"This purchase would take today's spending in this app to {number} credits, "
            f"above the {buyer.daily_cap} credits per day you approved.", code=code,
            param="amount")
    if code == "daily_spend_limit_exceeded":
        return PermissionDenied(
            f"This purchase would take today's spending in this app to {number} credits, "
            f"above the platform limit of {limits.daily_per_app} credits per app per day.",
            code=code, param="amount")
    if code == "idempotency_key_reused":
        return key_reused()
    if code == "idempotency_request_in_progress":
        return in_progress()
    raise ValueError(f"unknown purchase refusal {code!r}")


def _check_id(purchase_id: str) -> None:
    if not PURCHASE_ID.match(purchase_id):
        raise NotFound("No such purchase.", code="purchase_not_found", param="id")


# --- reading -----------------------------------------------------------------------

def purchase_dict(purchase: Purchase) -> dict[str, Any]:
    return _public({c: getattr(purchase, "meta" if c == "metadata" else c)
                    for c in ("id", "amount", "refunded", "merchant_id", "app_id", "user_id",
                              "description", "metadata", "balance_after", "created_at")})


def seller_names(session: Session, purchase: Purchase) -> dict[str, str]:
    """Who sold it, for a receipt: the merchant's and the app's names."""
    merchant = session.get(Merchant, purchase.merchant_id)
    app = session.get(App, purchase.app_id)
    return {"merchant_name": merchant.name if merchant else "",
            "app_name": app.name if app else ""}


def get_purchase(session: Session, purchase_id: str, *, user_id: str | None = None,
                 app_id: str | None = None, merchant_id: str | None = None) -> Purchase:
    """A purchase visible to this caller, else 404 (other people's look absent)."""
    _check_id(purchase_id)
    purchase = session.scalar(select(Purchase).where(Purchase.id == purchase_id))
    visible = purchase is not None and (
        (user_id is None or purchase.user_id == user_id)
        and (app_id is None or purchase.app_id == app_id)
        and (merchant_id is None or purchase.merchant_id == merchant_id)
    )
    if not visible:
        raise NotFound("No such purchase.", code="purchase_not_found", param="id")
    assert purchase is not None
    return purchase


def list_purchases(
    session: Session, *, user_id: str | None = None, app_id: str | None = None,
    merchant_id: str | None = None, limit: int = 20, starting_after: str | None = None,
) -> tuple[list[Purchase], bool]:
    """Newest first, filtered to what the caller may see; cursor = a purchase id."""
    query = select(Purchase).order_by(Purchase.seq.desc()).limit(limit + 1)
    if user_id is not None:
        query = query.where(Purchase.user_id == user_id)
    if app_id is not None:
        query = query.where(Purchase.app_id == app_id)
    if merchant_id is not None:
        query = query.where(Purchase.merchant_id == merchant_id)
    if starting_after:
        try:
            cursor = get_purchase(session, starting_after, user_id=user_id, app_id=app_id,
                                  merchant_id=merchant_id)
        except NotFound:
            raise NotFound("starting_after is not an id from this list.",
                                 code="invalid_cursor", param="starting_after") from None
        query = query.where(Purchase.seq < cursor.seq)
    rows = list(session.scalars(query))
    return rows[:limit], len(rows) > limit


# --- refunds ------------------------------------------------------------------------

def refund_purchase(
    session: Session, purchase_id: str, *, merchant_id: str, amount: int | None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Refund all that is left (``amount`` None) or part of a purchase, by its merchant.

    The purchase row is locked (``FOR UPDATE``; SQLite serialises writers), so
    concurrent refunds never return more than the purchase in total.
    """
    now = now or utcnow()
    _check_id(purchase_id)
    query = (select(Purchase).where(Purchase.id == purchase_id)
             .execution_options(populate_existing=True))
    if is_postgres(session):
        query = query.with_for_update()
    purchase = session.scalar(query)
    if purchase is None or purchase.merchant_id != merchant_id:
        raise NotFound("No such purchase.", code="purchase_not_found", param="id")
    # What a chargeback already took back from the merchant (docs/risk.md) went to the
    # card holder: refunding it again would make the merchant pay twice.
    already = credits.returned(session, purchase.txn_id)  # read once: check and sources
    recovered = already.recovered
    left = purchase.amount - purchase.refunded - recovered
    if left <= 0 and recovered:
        raise Conflict(
            f"{recovered} credits of this purchase were already taken back from your "
            "earnings by a chargeback of the buyer's top-up; nothing is left to refund.",
            code="purchase_recovered_by_dispute")
    if left <= 0:
        raise Conflict("This purchase has already been refunded in full.",
                       code="already_refunded")
    amount = left if amount is None else amount
    if amount > left:
        taken = (f" ({recovered} were taken back by a chargeback of the buyer's top-up)"
                 if recovered else "")
        raise Conflict(f"Only {left} credits of this purchase can still be refunded{taken}.",
                       code="refund_exceeds_purchase", param="amount")
    refund_id = new_id("ref")
    posted = credits.credit_refund(
        session, purchase_txn_id=purchase.txn_id, merchant_id=merchant_id, amount=amount,
        reference=f"refund:{refund_id}", now=now, already=already,
        metadata={"purchase_id": purchase.id, "refund_id": refund_id,
                  "description": f"Refund: {purchase.description}"},
    )
    purchase.refunded += amount
    session.execute(insert(refunds_t).values(
        id=refund_id, purchase_id=purchase.id, merchant_id=merchant_id, amount=amount,
        txn_id=posted.id, created_at=now))
    session.flush()
    refund = {"object": "refund", "id": refund_id, "purchase_id": purchase.id,
              "amount": amount, "purchase_refunded": purchase.refunded,
              "purchase_amount": purchase.amount, "created_at": now}
    emit(session, "refund.created", refund, merchant_id)
    return refund
