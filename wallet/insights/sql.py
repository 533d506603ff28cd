"""The SQL of the rollups, for PostgreSQL and SQLite.

One SELECT per rollup table reads the journal (purchases, refunds, voucher
redemptions) between two instants; the rollup job inserts its rows, and a request
reads the same SELECT live for the days after the watermark.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from typing import Any

# Purchase sizes in credits: (label, lowest, highest or None).
SIZE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 1), ("2-5", 2, 5), ("6-10", 6, 10), ("11-25", 11, 25), ("26-50", 26, 50),
    ("51-100", 51, 100), ("101-250", 101, 250), ("251-500", 251, 500),
    ("501-1000", 501, 1000), ("1001+", 1001, None),
)

FACETS = ("hour", "item", "size")
# day rows of each facet, and month rows (``day`` = the month's first day) summed from them
DAY_FACETS = "('hour', 'item', 'size')"
MONTH_FACETS = "('hour_m', 'item_m', 'size_m')"

_PG = {
    "day": "CAST((({col}) AT TIME ZONE 'UTC') AS DATE)",
    "month": "CAST(date_trunc('month', ({col}) AT TIME ZONE 'UTC') AS DATE)",
    "hour": "CAST(CAST(EXTRACT(ISODOW FROM ({col}) AT TIME ZONE 'UTC') AS INTEGER) - 1 AS VARCHAR)"
            " || '-' || CAST(CAST(EXTRACT(HOUR FROM ({col}) AT TIME ZONE 'UTC') AS INTEGER)"
            " AS VARCHAR)",
    "item": "SUBSTR(COALESCE(metadata ->> 'sku', description), 1, 500)",
}
_SQLITE = {
    "day": "date({col})",
    "month": "date({col}, 'start of month')",
    "hour": "CAST((CAST(strftime('%w', {col}) AS INTEGER) + 6) % 7 AS TEXT) || '-' ||"
            " CAST(CAST(strftime('%H', {col}) AS INTEGER) AS TEXT)",
    "item": "SUBSTR(COALESCE(CAST(json_extract(metadata, '$.sku') AS TEXT), description), 1, 500)",
}


def _expr(dialect: str, name: str, col: str = "created_at") -> str:
    return (_PG if dialect == "postgresql" else _SQLITE)[name].format(col=col)


def size_case(column: str = "amount") -> str:
    """The size bucket label of a purchase amount."""
    whens = " ".join(
        f"WHEN {column} <= {high} THEN '{label}'" for label, _, high in SIZE_BUCKETS if high)
    return f"CASE {whens} ELSE '{SIZE_BUCKETS[-1][0]}' END"


def params(dialect: str, values: dict[str, Any]) -> dict[str, Any]:
    """Dates and instants as the driver compares them (SQLite: SQLAlchemy's text forms)."""
    if dialect == "postgresql":
        return values
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, datetime):
            out[name] = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        elif isinstance(value, date):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out


def as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


# {scope} is "" for the job (every merchant) or a filter on one merchant (and app).
# Each SELECT reads rows created in [:start, :end).


@functools.cache
def daily_select(dialect: str, scope: str = "", refund_scope: str = "",
                 redemption_scope: str = "") -> str:
    day = functools.partial(_expr, dialect, "day")
    return f"""
SELECT merchant_id, app_id, day, SUM(p) AS purchases, SUM(c) AS credits,
       SUM(r) AS refunds, SUM(rc) AS refunded_credits, SUM(v) AS redemptions,
       SUM(vc) AS redeemed_credits, SUM(x) AS voids, SUM(xc) AS voided_credits
FROM (
  SELECT merchant_id, app_id, {day()} AS day, 1 AS p, amount AS c,
         0 AS r, 0 AS rc, 0 AS v, 0 AS vc, 0 AS x, 0 AS xc
    FROM purchases WHERE created_at >= :start AND created_at < :end {scope}
  UNION ALL
  SELECT rf.merchant_id, pu.app_id, {day('rf.created_at')}, 0, 0, 1, rf.amount, 0, 0, 0, 0
    FROM refunds rf JOIN purchases pu ON pu.id = rf.purchase_id
   WHERE rf.created_at >= :start AND rf.created_at < :end {refund_scope}
  UNION ALL
  SELECT merchant_id, '', {day()}, 0, 0, 0, 0, 1, amount, 0, 0
    FROM voucher_redemptions
   WHERE kind = 'redeem' AND created_at >= :start AND created_at < :end {redemption_scope}
  UNION ALL
  SELECT merchant_id, '', {day('voided_at')}, 0, 0, 0, 0, 0, 0, 1, amount
    FROM voucher_redemptions
   WHERE kind = 'redeem' AND voided_at >= :start AND voided_at < :end {redemption_scope}
) AS moves
GROUP BY merchant_id, app_id, day
"""


@functools.cache
def facet_select(dialect: str, facet: str, scope: str = "") -> str:
    """Purchases per (merchant, app, day, key) of one facet: ``hour`` ("weekday-hour",
    Monday 0), ``item`` or ``size``."""
    day = _expr(dialect, "day")
    key = {"hour": _expr(dialect, "hour"), "item": _expr(dialect, "item"),
           "size": size_case()}[facet]
    return f"""
SELECT merchant_id, app_id, {day} AS day, '{facet}' AS facet, {key} AS key,
       COUNT(*) AS purchases, SUM(amount) AS credits
  FROM purchases WHERE created_at >= :start AND created_at < :end {scope}
 GROUP BY merchant_id, app_id, {day}, {key}
"""


@functools.cache
def buyers_select(dialect: str, scope: str = "", grain: str = "day") -> str:
    """Purchases per (merchant, app, day or month, buyer) with the buyer's number (or
    NULL for a buyer the rollup has not numbered yet)."""
    period = _expr(dialect, grain)
    return f"""
SELECT x.merchant_id, x.app_id, x.period, x.user_id, bi.idx, x.purchases FROM (
  SELECT merchant_id, app_id, {period} AS period, user_id, COUNT(*) AS purchases
    FROM purchases WHERE created_at >= :start AND created_at < :end {scope}
   GROUP BY merchant_id, app_id, {period}, user_id
) AS x LEFT JOIN insights_buyer_index bi
  ON bi.merchant_id = x.merchant_id AND bi.user_id = x.user_id
"""


NUMBER_BUYERS = """
INSERT INTO insights_buyer_index (merchant_id, user_id, idx)
SELECT n.merchant_id, n.user_id,
       COALESCE((SELECT MAX(m.idx) FROM insights_buyer_index m
                  WHERE m.merchant_id = n.merchant_id), 0)
       + ROW_NUMBER() OVER (PARTITION BY n.merchant_id ORDER BY n.first_at, n.user_id)
  FROM (SELECT merchant_id, user_id, MIN(created_at) AS first_at FROM purchases p
         WHERE created_at >= :start AND created_at < :end AND NOT EXISTS (
               SELECT 1 FROM insights_buyer_index b
                WHERE b.merchant_id = p.merchant_id AND b.user_id = p.user_id)
         GROUP BY merchant_id, user_id) AS n
"""
