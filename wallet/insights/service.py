"""A merchant's insights over a window of UTC days: rollups up to the watermark, plus the
journal read live for the days after it, so every answer is current.

Plain Python over a session: no Flask, no commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from pyroaring import BitMap
from sqlalchemy import Table, and_, case, func, or_, select, text
from sqlalchemy.orm import Session

from wallet.db import utcnow
from wallet.errors import Unprocessable
from wallet.insights import buyers, sql
from wallet.insights.models import InsightsBuyerSet
from wallet.insights.rollup import day_start, month_start, next_month, watermark
from wallet.subscriptions.models import Subscription

MAX_DAYS = 3 * 366
DEFAULT_DAYS = 30
TOP_ITEMS = 20
sets_t = cast(Table, InsightsBuyerSet.__table__)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Window:
    """Days ``first``..``last`` of one merchant (and app): rolled up through ``rolled``."""

    merchant_id: str
    app_id: str | None
    first: date
    last: date
    rolled: date

    @property
    def live_start(self) -> datetime:
        return day_start(max(self.first, self.rolled + timedelta(days=1)))

    @property
    def end(self) -> datetime:
        return day_start(self.last + timedelta(days=1))


def window(session: Session, merchant_id: str, app_id: str | None, first: date | None,
           last: date | None, now: datetime | None = None) -> Window:
    """The window asked for (default: the last 30 days up to today), checked."""
    today = (now or utcnow()).date()
    last = last or today
    if any(day is not None and not 2 <= day.year <= 9998 for day in (first, last)):
        raise Unprocessable("'from' and 'to' are days of the years 2 to 9998.",
                            code="invalid_window", param="from")
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Unprocessable("'from' must not be after 'to'.", code="invalid_window",
                             param="from")
    if (last - first).days + 1 > MAX_DAYS:
        raise Unprocessable(f"A window is at most {MAX_DAYS} days.", code="invalid_window",
                             param="from")
    mark = watermark(session)
    rolled = mark if mark is not None else date.min
    return Window(merchant_id, app_id, first, last, rolled)


def insights(session: Session, win: Window) -> dict[str, Any]:
    """Totals, by day, by item, hour x weekday, sizes, buyers, cohorts and vouchers."""
    days = _by_day(session, win)
    facets = _facets(session, win)
    stored, live = _buyer_rows(session, win)
    buyers = _buyers(win, stored, live)
    totals = {key: sum(d[key] for d in days) for key in
              ("purchases", "credits", "refunds", "refunded_credits", "redemptions",
               "redeemed_credits", "voids", "voided_credits")}
    unique = buyers["unique_buyers"]
    return {
        "object": "insights",
        "merchant_id": win.merchant_id,
        "app_id": win.app_id,
        "from": win.first.isoformat(),
        "to": win.last.isoformat(),
        "rolled_up_through": None if win.rolled == date.min else win.rolled.isoformat(),
        "totals": {
            "purchases": totals["purchases"], "credits": totals["credits"],
            "unique_buyers": unique, "refunds": totals["refunds"],
            "refunded_credits": totals["refunded_credits"],
            "net_credits": totals["credits"] - totals["refunded_credits"],
        },
        "repeat_buyers": buyers["repeat_buyers"],
        "repeat_buyer_rate": round(buyers["repeat_buyers"] / unique, 4) if unique else 0.0,
        "average_credits_per_buyer": round(totals["credits"] / unique, 2) if unique else 0.0,
        "by_day": [{k: v for k, v in d.items() if k in
                    ("day", "purchases", "credits", "refunds", "refunded_credits")}
                   for d in days],
        "by_item": _by_item(facets["item"]),
        "by_hour_weekday": _heatmap(facets["hour"]),
        "purchase_sizes": _sizes(facets["size"]),
        "cohorts": _cohorts(win, stored, live),
        "vouchers": {"redemptions": totals["redemptions"],
                     "redeemed_credits": totals["redeemed_credits"],
                     "voids": totals["voids"], "voided_credits": totals["voided_credits"],
                     "net_redeemed_credits":
                         totals["redeemed_credits"] - totals["voided_credits"]},
        "subscriptions": _subscriptions(session, win),
    }


def _subscriptions(session: Session, win: Window) -> dict[str, int]:
    """Subscriptions started in the window, ended in it, and live at its end: one query,
    each number a conditional sum over the merchant's (and app's) subscriptions."""
    start, end = day_start(win.first), win.end
    mine = Subscription.merchant_id == win.merchant_id
    if win.app_id is not None:
        mine = and_(mine, Subscription.app_id == win.app_id)
    created, ended = Subscription.created_at, Subscription.canceled_at
    counts = {
        "new": and_(created >= start, created < end),
        "churned": and_(ended >= start, ended < end),
        "active": and_(created < end, or_(ended.is_(None), ended >= end)),
    }
    row = session.execute(select(*(
        func.coalesce(func.sum(case((where, 1), else_=0)), 0).label(name)
        for name, where in counts.items())).where(mine)).one()
    return {name: int(row._mapping[name]) for name in counts}


# --- the parts --------------------------------------------------------------------------------


def _scopes(win: Window, prefix: str = "") -> str:
    app = f" AND {prefix}app_id = :app_id" if win.app_id is not None else ""
    return f" AND {prefix}merchant_id = :merchant_id{app}"


def _run(session: Session, statement: str, win: Window, **extra: Any) -> list[Any]:
    dialect = session.get_bind().dialect.name
    values = {"merchant_id": win.merchant_id, "app_id": win.app_id, "first": win.first,
              "last": win.last, "rolled": win.rolled if win.rolled != date.min else
              win.first - timedelta(days=1), "start": win.live_start, "end": win.end,
              **extra}
    return list(session.execute(text(statement), sql.params(dialect, values)))


def _rolled_days(win: Window) -> str:
    return "day >= :first AND day <= :last AND day <= :rolled" + _scopes(win)


DAILY_COLUMNS = ("purchases", "credits", "refunds", "refunded_credits", "redemptions",
                 "redeemed_credits", "voids", "voided_credits")


def _by_day(session: Session, win: Window) -> list[dict[str, Any]]:
    dialect = session.get_bind().dialect.name
    sums = ", ".join(f"SUM({c})" for c in DAILY_COLUMNS)
    cols = ", ".join(DAILY_COLUMNS)
    refund_scope = " AND rf.merchant_id = :merchant_id" + (
        " AND pu.app_id = :app_id" if win.app_id is not None else "")
    live = sql.daily_select(dialect, _scopes(win), refund_scope,
                            " AND merchant_id = :merchant_id" if win.app_id is None
                            else " AND 1 = 0")
    statement = f"""
SELECT day, {sums} FROM (
  SELECT day, {cols} FROM insights_daily WHERE {_rolled_days(win)}
  UNION ALL SELECT day, {cols} FROM ({live}) AS live
) AS days GROUP BY day"""
    found = {sql.as_date(row[0]): row[1:] for row in _run(session, statement, win)}
    out = []
    day = win.first
    while day <= win.last:
        values = found.get(day, (0,) * len(DAILY_COLUMNS))
        out.append({"day": day.isoformat(),
                    **{c: int(v or 0) for c, v in zip(DAILY_COLUMNS, values, strict=True)}})
        day += timedelta(days=1)
    return out


def _whole_months(win: Window) -> tuple[date, date]:
    """[from, to) of the whole calendar months inside the window that are rolled up."""
    rolled = min(win.rolled, win.last)
    whole_from = win.first if win.first.day == 1 else next_month(win.first)
    whole_to = month_start(rolled + timedelta(days=1)) if rolled >= win.first else whole_from
    return whole_from, max(whole_to, whole_from)


def _facets(session: Session, win: Window) -> dict[str, list[Any]]:
    """Purchases and credits per key of every facet (month rows for whole rolled-up months,
    day rows for the other rolled-up days, the journal after the watermark), one query."""
    dialect = session.get_bind().dialect.name
    live = " UNION ALL ".join(
        f"SELECT facet, key, purchases, credits FROM ({sql.facet_select(dialect, f, _scopes(win))})"
        f" AS live_{f}" for f in sql.FACETS)
    statement = f"""
SELECT facet, key, SUM(purchases), SUM(credits) FROM (
  SELECT facet, key, purchases, credits FROM insights_facets
   WHERE facet IN {sql.DAY_FACETS} AND {_rolled_days(win)}
     AND (day < :whole_from OR day >= :whole_to)
  UNION ALL
  SELECT facet, key, purchases, credits FROM insights_facets
   WHERE facet IN {sql.MONTH_FACETS} AND day >= :whole_from AND day < :whole_to {_scopes(win)}
  UNION ALL {live}
) AS facets GROUP BY facet, key"""
    whole_from, whole_to = _whole_months(win)
    sums: dict[str, dict[str, list[int]]] = {facet: {} for facet in sql.FACETS}
    for facet, key, purchases, credits in _run(session, statement, win, whole_from=whole_from,
                                               whole_to=whole_to):
        found = sums[facet.removesuffix("_m")].setdefault(key, [0, 0])
        found[0] += int(purchases)
        found[1] += int(credits)
    return {facet: [(key, p, c) for key, (p, c) in keys.items()]
            for facet, keys in sums.items()}


def _by_item(found: list[Any]) -> list[dict[str, Any]]:
    rows = sorted(found, key=lambda r: (-int(r[2]), -int(r[1]), r[0]))
    items = [{"item": r[0], "purchases": int(r[1]), "credits": int(r[2])}
             for r in rows[:TOP_ITEMS]]
    rest = rows[TOP_ITEMS:]
    if rest:
        items.append({"item": None, "other_items": len(rest),
                      "purchases": sum(int(r[1]) for r in rest),
                      "credits": sum(int(r[2]) for r in rest)})
    return items


def _heatmap(found: list[Any]) -> dict[str, Any]:
    purchases = [[0] * 24 for _ in WEEKDAYS]
    credits = [[0] * 24 for _ in WEEKDAYS]
    for key, count, amount in found:
        weekday, hour = (int(part) for part in key.split("-"))
        purchases[weekday][hour] += int(count)
        credits[weekday][hour] += int(amount)
    return {"weekdays": list(WEEKDAYS), "hours": list(range(24)), "timezone": "UTC",
            "purchases": purchases, "credits": credits}


def _sizes(rows: list[Any]) -> list[dict[str, Any]]:
    found = {r[0]: (int(r[1]), int(r[2])) for r in rows}
    return [{"bucket": label, "min": low, "max": high,
             "purchases": found.get(label, (0, 0))[0], "credits": found.get(label, (0, 0))[1]}
            for label, low, high in sql.SIZE_BUCKETS]


def _scope_app(win: Window) -> str:
    return win.app_id if win.app_id is not None else buyers.ALL_APPS


Stored = list[tuple[str, date, bytes, bytes]]  # grain, period, buyers, repeaters
Live = dict[date, buyers.Buyers]  # per day after the watermark


def _buyer_rows(session: Session, win: Window) -> tuple[Stored, Live]:
    """The stored buyer bitmaps the window and its cohorts need (one query), and the
    journal's buyers per day after the watermark up to the end of the last month (one)."""
    last_month = month_start(win.last)
    rolled = min(win.rolled, win.last)
    whole_from, whole_to = _whole_months(win)
    stored = [(grain, sql.as_date(period), found_buyers, repeaters)
              for grain, period, found_buyers, repeaters in session.execute(
        select(sets_t.c.grain, sets_t.c.period, sets_t.c.buyers, sets_t.c.repeaters).where(
            sets_t.c.merchant_id == win.merchant_id, sets_t.c.app_id == _scope_app(win),
            or_(and_(sets_t.c.grain == "M", sets_t.c.period <= min(last_month, win.rolled)),
                and_(sets_t.c.grain == "D", sets_t.c.period >= win.first,
                     sets_t.c.period <= rolled,
                     or_(sets_t.c.period < whole_from, sets_t.c.period >= whole_to)))))]
    dialect = session.get_bind().dialect.name
    start = (day_start(win.rolled + timedelta(days=1)) if win.rolled != date.min
             else day_start(date(1970, 1, 1)))
    rows = _run(session, sql.buyers_select(dialect, _scopes(win)), win, start=start,
                end=day_start(next_month(last_month)))
    live = {sql.as_date(day): sets for (_, app_id, day), sets in buyers.period_sets(rows).items()
            if app_id == _scope_app(win)}
    return stored, live


def _buyers(win: Window, stored: Stored, live: Live) -> dict[str, int]:
    """Distinct and repeat buyers: month bitmaps for whole rolled-up months, day bitmaps
    for the other rolled-up days, the journal after the watermark."""
    rolled = min(win.rolled, win.last)
    whole_from, whole_to = _whole_months(win)
    total = buyers.Buyers()
    for grain, period, stored_buyers, stored_repeaters in stored:
        whole = whole_from <= period < whole_to
        if (grain == "M" and whole) or (
                grain == "D" and not whole and win.first <= period <= rolled):
            total.add_stored(stored_buyers, stored_repeaters)
    tail: dict[int, int] = {}
    for day, sets in live.items():
        if win.first <= day <= win.last:
            for idx in sets.seen:
                tail[idx] = tail.get(idx, 0) + (2 if idx in sets.twice else 1)
    tail_sets = buyers.from_counts(tail)
    total.add(tail_sets.seen, tail_sets.twice)
    return {"unique_buyers": len(total.seen), "repeat_buyers": len(total.twice)}


def _cohorts(win: Window, stored: Stored, live: Live) -> list[dict[str, Any]]:
    """Buyers by the month of their first purchase here, and how many of them bought in
    each month since (whole calendar months of the window)."""
    first_month, last_month = month_start(win.first), month_start(win.last)
    active: dict[date, BitMap] = defaultdict(BitMap)
    for grain, period, month_buyers, _ in stored:
        if grain == "M":
            active[period] |= BitMap.deserialize(month_buyers)
    for day, sets in live.items():
        active[month_start(day)] |= sets.seen
    seen = BitMap()
    for earlier in sorted(m for m in active if m < first_month):
        seen |= active[earlier]
    out = []
    month = first_month
    while month <= last_month:
        new = active.get(month, BitMap()) - seen
        seen |= new
        if new:
            counts, later = [], month
            while later <= last_month:
                counts.append(len(new & active.get(later, BitMap())))
                later = next_month(later)
            out.append({"month": month.strftime("%Y-%m"), "buyers": len(new),
                        "active": counts,
                        "retention": [round(n / len(new), 4) for n in counts]})
        month = next_month(month)
    return out
