"""The rollup job: ``flask --app wallet insights rollup``.

Rolls up every whole UTC day after the watermark that ended at least ``grace`` ago
(purchases in flight at midnight have committed by then), one month of days per
transaction: the days' rows are deleted and inserted again from the journal, the buyers
new to the merchant are numbered, the month's buyer bitmaps are merged again from the
day ones, and the watermark moves on. The watermark row
is locked first (``FOR UPDATE``; SQLite serialises writers), so the job may run on
several nodes at once: the second waits, then finds the days done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.orm import Session

from wallet.db import is_postgres, utcnow
from wallet.insights import buyers, sql
from wallet.insights.models import InsightsBuyerSet, InsightsWatermark

WATERMARK = "rollup"
DEFAULT_GRACE = timedelta(minutes=10)
sets_t = cast(Table, InsightsBuyerSet.__table__)


@dataclass(frozen=True)
class RollupResult:
    days: int
    through: date | None


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def watermark(session: Session) -> date | None:
    """The last day rolled up (None before the first run)."""
    found = session.get(InsightsWatermark, WATERMARK)
    return found.day if found is not None else None


def last_closed_day(now: datetime, grace: timedelta = DEFAULT_GRACE) -> date:
    """The last UTC day that ended at least ``grace`` before ``now``."""
    return (now - grace).date() - timedelta(days=1)


def rollup(session: Session, *, now: datetime | None = None,
           grace: timedelta = DEFAULT_GRACE, rebuild_from: date | None = None,
           commit: bool = True) -> RollupResult:
    """Roll up the closed days after the watermark (or from ``rebuild_from``), in chunks."""
    now = now or utcnow()
    through = last_closed_day(now, grace)
    rolled = 0
    cursor = rebuild_from
    while True:
        mark = _lock_watermark(session)
        first = cursor if cursor is not None else (
            mark + timedelta(days=1) if mark is not None else _first_day(session))
        if first is None or first > through:
            if commit:
                session.rollback()
            return RollupResult(rolled, mark)
        last = min(through, next_month(first) - timedelta(days=1))
        _roll_days(session, first, last)
        _set_watermark(session, max(last, mark) if mark is not None else last, now)
        rolled += (last - first).days + 1
        if commit:
            session.commit()
        else:
            session.flush()
        # a rebuild goes on up to the old watermark, then the job carries on as usual
        cursor = last + timedelta(days=1) if mark is not None and last < mark else None


def _lock_watermark(session: Session) -> date | None:
    query = select(InsightsWatermark).where(InsightsWatermark.name == WATERMARK)
    if is_postgres(session):
        query = query.with_for_update()
    found = session.scalar(query.execution_options(populate_existing=True))
    return found.day if found is not None else None


def _set_watermark(session: Session, day: date, now: datetime) -> None:
    found = session.get(InsightsWatermark, WATERMARK)
    if found is None:
        session.add(InsightsWatermark(name=WATERMARK, day=day, updated_at=now))
    else:
        found.day, found.updated_at = day, now
    session.flush()


def _first_day(session: Session) -> date | None:
    """The first day anything happened (before the first run)."""
    first = session.execute(text(
        "SELECT MIN(t) FROM (SELECT MIN(created_at) AS t FROM purchases UNION ALL "
        "SELECT MIN(created_at) FROM voucher_redemptions) AS firsts")).scalar()
    if first is None:
        return None
    if isinstance(first, str):
        return date.fromisoformat(first[:10])
    return first.astimezone(UTC).date()


def _roll_days(session: Session, first: date, last: date) -> None:
    """Delete and insert the rows of days ``first``..``last`` (one month at most)."""
    dialect = session.get_bind().dialect.name
    window = sql.params(dialect, {"start": day_start(first),
                                  "end": day_start(last + timedelta(days=1)),
                                  "first": first, "last": last,
                                  "month": month_start(first),
                                  "next": next_month(first)})
    statements = [
        "DELETE FROM insights_daily WHERE day >= :first AND day <= :last",
        "INSERT INTO insights_daily (merchant_id, app_id, day, purchases, credits, refunds,"
        " refunded_credits, redemptions, redeemed_credits, voids, voided_credits)"
        + sql.daily_select(dialect),
        "DELETE FROM insights_facets WHERE day >= :first AND day <= :last"
        f" AND facet IN {sql.DAY_FACETS}",
        *("INSERT INTO insights_facets (merchant_id, app_id, day, facet, key, purchases,"
          " credits)" + sql.facet_select(dialect, facet) for facet in sql.FACETS),
        # the month's facets again from its days (a year's window reads 12 months of them)
        f"DELETE FROM insights_facets WHERE day = :month AND facet IN {sql.MONTH_FACETS}",
        "INSERT INTO insights_facets (merchant_id, app_id, day, facet, key, purchases, credits)"
        " SELECT merchant_id, app_id, :month, facet || '_m', key, SUM(purchases), SUM(credits)"
        f" FROM insights_facets WHERE facet IN {sql.DAY_FACETS} AND day >= :month"
        " AND day < :next GROUP BY merchant_id, app_id, facet, key",
    ]
    for statement in statements:
        session.execute(text(statement), window)
    _roll_buyers(session, dialect, window, first, last)


def _roll_buyers(session: Session, dialect: str, window: dict[str, Any], first: date,
                 last: date) -> None:
    """Number the new buyers, then write the days' and the month's buyer bitmaps."""
    session.execute(text(sql.NUMBER_BUYERS), window)
    days = buyers.period_sets(session.execute(text(sql.buyers_select(dialect)), window))
    session.execute(delete(sets_t).where(sets_t.c.grain == "D", sets_t.c.period >= first,
                                         sets_t.c.period <= last))
    session.execute(delete(sets_t).where(sets_t.c.grain == "M",
                                         sets_t.c.period == month_start(first)))
    rows = [{"merchant_id": m, "app_id": a, "grain": "D", "period": sql.as_date(d),
             **found.stored()} for (m, a, d), found in days.items()]
    if rows:
        session.execute(insert(sets_t), rows)
    month: dict[tuple[str, str], buyers.Buyers] = {}
    stored = session.execute(
        select(sets_t.c.merchant_id, sets_t.c.app_id, sets_t.c.buyers, sets_t.c.repeaters)
        .where(sets_t.c.grain == "D", sets_t.c.period >= month_start(first),
               sets_t.c.period < next_month(first)))
    for merchant_id, app_id, day_buyers, day_repeaters in stored:
        month.setdefault((merchant_id, app_id), buyers.Buyers()).add_stored(
            day_buyers, day_repeaters)
    if month:
        session.execute(insert(sets_t), [
            {"merchant_id": m, "app_id": a, "grain": "M", "period": month_start(first),
             **found.stored()} for (m, a), found in month.items()])
