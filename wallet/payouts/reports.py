"""Fee report: payout fees actually paid beside what card charges would have cost.

Per month (UTC): every purchase credited to a merchant's pending earnings, valued at
the payout rate (floor, in minor units), would have been one card charge costing
``card_fee(value, percent_bp, fixed)`` (percent rounded half up per charge, as in
``wallet.money.card_fee``); the merchant instead paid the flat fee of each paid payout.
Everything is summed in SQL with integer arithmetic.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Integer, Table, and_, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from wallet.db import is_postgres
from wallet.ledger.models import Account, LedgerTransaction, Posting
from wallet.payouts.config import PayoutConfig
from wallet.payouts.models import Payout

accounts_t = cast(Table, Account.__table__)
transactions_t = cast(Table, LedgerTransaction.__table__)
postings_t = cast(Table, Posting.__table__)
payouts_t = cast(Table, Payout.__table__)


def _month(session: Session, column: Any) -> ColumnElement[str]:
    if is_postgres(session):
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _purchases_by_month(
    session: Session, config: PayoutConfig, merchant_id: str | None
) -> dict[str, dict[str, int]]:
    p, t, a = postings_t, transactions_t, accounts_t
    value = (p.c.amount * literal(config.rate.money_minor, Integer)) // literal(
        config.rate.credits, Integer)
    percent = (value * literal(config.card_fee_bp, Integer) + literal(5000, Integer)) // literal(
        10000, Integer)
    month = _month(session, t.c.created_at).label("month")
    query = (
        select(month, func.count(), func.sum(p.c.amount), func.sum(value), func.sum(percent))
        .select_from(p.join(t, t.c.id == p.c.transaction_id)
                     .join(a, a.c.id == p.c.credit_account_id))
        .where(t.c.kind == "purchase", a.c.kind == "merchant_pending")
        .group_by(month)
    )
    if merchant_id is not None:
        query = query.where(a.c.code == f"merchant:{merchant_id}:pending")
    out = {}
    for m, count, credits, money, percent_part in session.execute(query):
        out[m] = {"purchases": int(count), "purchase_credits": int(credits or 0),
                  "purchase_value": int(money or 0),
                  "card_fees": int(percent_part or 0) + int(count) * config.card_fee_fixed}
    return out


def _payouts_by_month(session: Session, merchant_id: str | None) -> dict[str, dict[str, int]]:
    month = _month(session, payouts_t.c.settled_at).label("month")
    query = (
        select(month, payouts_t.c.currency, func.count(), func.sum(payouts_t.c.amount_minor),
               func.sum(payouts_t.c.fee_minor))
        .where(and_(payouts_t.c.status == "paid"))
        .group_by(month, payouts_t.c.currency)
    )
    if merchant_id is not None:
        query = query.where(payouts_t.c.merchant_id == merchant_id)
    out: dict[str, dict[str, int]] = {}
    for m, _currency, count, amount, fees in session.execute(query):
        row = out.setdefault(m, {"payouts": 0, "payouts_amount": 0, "payout_fees": 0})
        row["payouts"] += int(count)
        row["payouts_amount"] += int(amount or 0)
        row["payout_fees"] += int(fees or 0)
    return out


def fee_report(
    session: Session, config: PayoutConfig, merchant_id: str | None = None
) -> dict[str, Any]:
    purchases = _purchases_by_month(session, config, merchant_id)
    payouts = _payouts_by_month(session, merchant_id)
    empty_p = {"purchases": 0, "purchase_credits": 0, "purchase_value": 0, "card_fees": 0}
    empty_o = {"payouts": 0, "payouts_amount": 0, "payout_fees": 0}
    months = []
    totals: dict[str, int] = {**empty_p, **empty_o, "saving": 0}
    for month in sorted(set(purchases) | set(payouts)):
        row: dict[str, Any] = {"month": month, **purchases.get(month, empty_p),
                               **payouts.get(month, empty_o)}
        row["saving"] = row["card_fees"] - row["payout_fees"]
        for key in totals:
            totals[key] += row[key]
        for key in ("purchase_value", "card_fees", "payouts_amount", "payout_fees", "saving"):
            row[f"{key}_display"] = config.display(row[key])
        months.append(row)
    for key in ("purchase_value", "card_fees", "payouts_amount", "payout_fees", "saving"):
        totals[f"{key}_display"] = config.display(totals[key])  # type: ignore[assignment]
    return {
        "object": "fee_report",
        "merchant_id": merchant_id,
        "currency": config.currency,
        "card_fee": {"percent_bp": config.card_fee_bp, "fixed": config.card_fee_fixed},
        "payout_fee": config.fee,
        "months": months,
        "totals": totals,
    }
