"""Plans, subscribing, renewals and plan changes; every charge is a ledger purchase.

A charge is ``wallet.credits.service.debit_for_purchase``: promotional credits first,
then paid credits, to the merchant's pending earnings, at no fee, kind ``purchase``,
with the reference ``subscription:<id>:period:<k>`` for period ``k``. The ledger's
unique reference and the unique ``(subscription_id, period)`` of
``subscription_charges`` make a second charge for one period impossible, in Python
and in the database.

The renewal job (``renew_due``) claims a batch of due subscriptions with
``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite serialises writers), then ``hold``s
every balance row the batch will touch in the ledger's one lock order (docs/ledger.md),
in one statement, before posting: two jobs never claim one subscription and never
deadlock on a merchant's shards. See docs/subscriptions.md for the state machine.

Plain Python over a session: no Flask, no commit.
"""

from __future__ import annotations

import calendar
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, and_, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wallet.credits import service as credits
from wallet.credits.service import LiveLot, Spendable
from wallet.db import is_postgres, one_of, utcnow
from wallet.errors import Conflict, InvalidRequest, NotFound, PermissionDenied
from wallet.ids import looks_like_id, new_id
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import (
    AccountInfo,
    DriverCursor,
    Entry,
    Held,
    Move,
    Posted,
    hold,
    post_many,
    remember_accounts,
)
from wallet.merchants.models import Merchant
from wallet.subscriptions.models import INTERVALS, LIVE, Plan, Subscription, SubscriptionCharge
from wallet.webhooks.events import emit, emit_many

MAX_TRIAL_DAYS = 730


# --- periods --------------------------------------------------------------------------

def add_interval(anchor: datetime, interval: str, count: int) -> datetime:
    """``anchor`` plus ``count`` intervals; months keep the anchor's day, clamped to the
    month's last day (Jan 31 -> Feb 28 -> Mar 31), so periods never drift."""
    if interval == "week":
        return anchor + timedelta(weeks=count)
    months = count * (12 if interval == "year" else 1)
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}")
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return anchor.replace(year=year, month=month, day=day)


def period_bounds(anchor: datetime, interval: str, period: int) -> tuple[datetime, datetime]:
    """``[start, end)`` of period ``period`` counted from ``anchor``."""
    return add_interval(anchor, interval, period), add_interval(anchor, interval, period + 1)


def period_reference(subscription_id: str, period: int) -> str:
    return f"subscription:{subscription_id}:period:{period}"


# --- plans ------------------------------------------------------------------------------

def plan_dict(plan: Plan) -> dict[str, Any]:
    return {"object": "plan", "id": plan.id, "merchant_id": plan.merchant_id,
            "name": plan.name, "description": plan.description, "amount": plan.amount,
            "interval": plan.interval, "trial_days": plan.trial_days,
            "archived": plan.archived_at is not None, "archived_at": plan.archived_at,
            "created_at": plan.created_at}


def create_plan(session: Session, merchant_id: str, *, name: str, amount: int, interval: str,
                trial_days: int = 0, description: str | None = None,
                now: datetime | None = None) -> Plan:
    """A new plan of this merchant (amount in credits per interval)."""
    if interval not in INTERVALS:
        raise InvalidRequest("interval must be week, month or year.", param="interval")
    if not 0 <= trial_days <= MAX_TRIAL_DAYS:
        raise InvalidRequest(f"trial_days must be 0 to {MAX_TRIAL_DAYS}.", param="trial_days")
    if session.get(Merchant, merchant_id) is None:
        raise NotFound("No such merchant.", code="merchant_not_found")
    plan = Plan(id=new_id("pln"), merchant_id=merchant_id, name=name, description=description,
                amount=amount, interval=interval, trial_days=trial_days,
                created_at=now or utcnow())
    session.add(plan)
    session.flush()
    return plan


def get_plan(session: Session, plan_id: str, *, merchant_id: str | None = None) -> Plan:
    """A plan (of this merchant, when given), else 404."""
    plan = session.get(Plan, plan_id) if looks_like_id(plan_id) else None
    if plan is None or (merchant_id is not None and plan.merchant_id != merchant_id):
        raise NotFound("No such plan.", code="plan_not_found", param="plan_id")
    return plan


def plans_query(merchant_id: str, *, include_archived: bool) -> Select[Any]:
    query = select(Plan).where(Plan.merchant_id == merchant_id)
    return query if include_archived else query.where(Plan.archived_at.is_(None))


def archive_plan(session: Session, plan_id: str, *, merchant_id: str,
                 now: datetime | None = None) -> Plan:
    """No new subscriptions to this plan; existing ones keep renewing (cancel them apart)."""
    plan = get_plan(session, plan_id, merchant_id=merchant_id)
    if plan.archived_at is None:
        plan.archived_at = now or utcnow()
        session.flush()
    return plan


# --- subscriptions ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Caller:
    """Who acts on subscriptions: a person (through an app or the wallet page) or a merchant.

    A person through an app sees the subscriptions with that app's merchant only.
    """

    user_id: str | None = None
    merchant_id: str | None = None


def subscription_dict(sub: Subscription, plan: Plan | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "object": "subscription", "id": sub.id, "plan_id": sub.plan_id, "status": sub.status,
        "current_period_start": sub.current_period_start,
        "current_period_end": sub.current_period_end,
        "cancel_at_period_end": sub.cancel_at_period_end,
        "user_id": sub.user_id, "merchant_id": sub.merchant_id, "app_id": sub.app_id,
        "canceled_at": sub.canceled_at, "created_at": sub.created_at,
    }
    if plan is not None:
        out.update(plan_name=plan.name, amount=plan.amount, interval=plan.interval)
    return out


def subscribe(session: Session, *, user_id: str, plan_id: str, merchant_id: str | None,
              app_id: str | None, now: datetime | None = None) -> Subscription:
    """Subscribe the person; the first period is charged at once unless the plan has a trial.

    ``merchant_id``: an app's caller may only subscribe to its merchant's plans.
    Raises 404 plan_not_found, 409 plan_archived / already_subscribed, 402
    insufficient_credits, 403 wallet_frozen.
    """
    now = now or utcnow()
    plan = get_plan(session, plan_id, merchant_id=merchant_id)
    if plan.archived_at is not None:
        raise Conflict("This plan is archived: it takes no new subscribers.",
                       code="plan_archived", param="plan_id")
    live = session.scalar(select(Subscription.id).where(
        Subscription.user_id == user_id, Subscription.plan_id == plan.id,
        Subscription.status.in_(LIVE)))
    if live is not None:
        raise Conflict(f"You already subscribe to this plan ({live}).",
                       code="already_subscribed", param="plan_id")
    trial = timedelta(days=plan.trial_days)
    anchor = now + trial
    sub = Subscription(
        id=new_id("sub"), user_id=user_id, plan_id=plan.id, merchant_id=plan.merchant_id,
        app_id=app_id, status="trialing" if trial else "active", anchor=anchor,
        paid_through=-1, current_period_start=now, current_period_end=anchor if trial else
        add_interval(anchor, plan.interval, 1), cancel_at_period_end=False,
        created_at=now, updated_at=now)
    try:
        with session.begin_nested():  # two subscribe calls at once: one waits, then meets
            session.add(sub)          # the other's row in the unique index
            session.flush()
    except IntegrityError:
        raise Conflict("You already subscribe to this plan.", code="already_subscribed",
                       param="plan_id") from None
    if not trial:
        spendable = _spendable(session, user_id, plan.merchant_id, now)
        _charge_period(session, sub, plan, spendable, 0, now)
    emit(session, "subscription.created", subscription_dict(sub, plan), plan.merchant_id)
    return sub


def _spendable(session: Session, user_id: str, merchant_id: str, now: datetime) -> Spendable:
    spendable = credits.load_spendable(session, user_id, merchant_id=merchant_id, now=now,
                                       lock=True)
    if spendable is None:
        raise NotFound("No such user.", code="user_not_found")
    if spendable.frozen:
        raise PermissionDenied("This wallet is frozen; charges are refused until the "
                               "operator resolves it.", code="wallet_frozen")
    return spendable


def _charge_period(session: Session, sub: Subscription, plan: Plan, spendable: Spendable,
                   period: int, now: datetime) -> credits.Debit:
    """Charge period ``period`` (once: its reference is unique) and move the period on."""
    debit = _charge(session, sub, plan, spendable, amount=plan.amount, kind="period",
                    reference=period_reference(sub.id, period), period=period, now=now,
                    description=f"Subscription: {plan.name}")
    start, end = period_bounds(sub.anchor, plan.interval, period)
    sub.paid_through, sub.current_period_start, sub.current_period_end = period, start, end
    sub.status, sub.past_due_since, sub.updated_at = "active", None, now
    return debit


def _charge(session: Session, sub: Subscription, plan: Plan, spendable: Spendable, *,
            amount: int, kind: str, reference: str, period: int | None, now: datetime,
            description: str) -> credits.Debit:
    debit = credits.debit_for_purchase(
        session, spendable, merchant_id=sub.merchant_id, amount=amount, reference=reference,
        metadata={"subscription_id": sub.id, "plan_id": plan.id, "user_id": sub.user_id,
                  "period": period, "description": description})
    if debit.posted.created:
        session.add(SubscriptionCharge(
            reference=reference, subscription_id=sub.id, merchant_id=sub.merchant_id,
            kind=kind, period=period, amount=amount, txn_id=debit.posted.id, created_at=now))
        session.flush()
    return debit


def _visible(query: Select[Any], caller: Caller) -> Select[Any]:
    if caller.user_id is not None:
        query = query.where(Subscription.user_id == caller.user_id)
    if caller.merchant_id is not None:
        query = query.where(Subscription.merchant_id == caller.merchant_id)
    return query


def get_subscription(session: Session, subscription_id: str, caller: Caller, *,
                     lock: bool = False) -> Subscription:
    """A subscription this caller may see, else 404; ``lock``: FOR UPDATE (PostgreSQL)."""
    if not looks_like_id(subscription_id):
        raise NotFound("No such subscription.", code="subscription_not_found", param="id")
    query = _visible(select(Subscription).where(Subscription.id == subscription_id), caller)
    if lock:
        query = query.execution_options(populate_existing=True)
        if is_postgres(session):
            query = query.with_for_update()
    sub = session.scalar(query)
    if sub is None:
        raise NotFound("No such subscription.", code="subscription_not_found", param="id")
    return sub


ENTITLED = ("trialing", "active", "past_due")


def subscriptions_query(caller: Caller, *, status: str | None,
                        user_id: str | None = None) -> Select[Any]:
    """The caller's subscriptions; ``status=active`` means "gives access now" (trialing,
    active, or past_due within its grace period)."""
    query = _visible(select(Subscription), caller)
    if user_id is not None:
        query = query.where(Subscription.user_id == user_id)
    if status == "active":
        query = query.where(Subscription.status.in_(ENTITLED))
    elif status is not None:
        query = query.where(Subscription.status == status)
    return query


def plans_by_id(session: Session, plan_ids: Sequence[str]) -> dict[str, Plan]:
    if not plan_ids:
        return {}
    return {p.id: p for p in session.scalars(select(Plan).where(Plan.id.in_(set(plan_ids))))}


# --- cancel, resume ---------------------------------------------------------------------

def cancel(session: Session, subscription_id: str, caller: Caller, *, at_period_end: bool,
           now: datetime | None = None) -> Subscription:
    """Cancel now (access ends now; the period already paid is not refunded) or at the
    end of the current period (no further charge; ``resume`` undoes it before then)."""
    now = now or utcnow()
    sub = get_subscription(session, subscription_id, caller, lock=True)
    if sub.status == "canceled":
        raise Conflict("This subscription is already canceled.", code="subscription_canceled")
    if at_period_end:
        sub.cancel_at_period_end, sub.updated_at = True, now
    else:
        _end(session, sub, now)
    session.flush()
    return sub


def _end(session: Session, sub: Subscription, now: datetime) -> None:
    sub.status, sub.canceled_at, sub.past_due_since, sub.updated_at = "canceled", now, None, now
    session.flush()
    emit(session, "subscription.canceled", subscription_dict(sub, session.get(Plan, sub.plan_id)),
         sub.merchant_id)


def resume(session: Session, subscription_id: str, caller: Caller,
           now: datetime | None = None) -> Subscription:
    """Undo a cancel at period end, before the period ends."""
    sub = get_subscription(session, subscription_id, caller, lock=True)
    if sub.status == "canceled" or not sub.cancel_at_period_end:
        raise Conflict("Only a subscription set to cancel at period end can be resumed.",
                       code="not_canceling")
    sub.cancel_at_period_end, sub.updated_at = False, now or utcnow()
    session.flush()
    return sub


# --- plan changes and proration ------------------------------------------------------------

def proration(old_amount: int, new_amount: int, remaining: timedelta,
              length: timedelta) -> int:
    """Credits to charge (> 0) or give back (< 0) for switching plans with ``remaining``
    of a period of ``length`` left: ``(new - old) * remaining / length`` in whole credits,
    rounded in the person's favour (a charge rounds down, a credit back rounds up)."""
    micro = timedelta(microseconds=1)
    rem, total = remaining // micro, length // micro
    if not 0 <= rem <= total or total <= 0:
        raise ValueError("remaining must be within the period")
    diff = new_amount - old_amount
    if diff >= 0:
        return diff * rem // total  # floor: charge no more than the exact share
    return -((-diff * rem + total - 1) // total)  # ceiling: give back at least the share


def change_plan(session: Session, subscription_id: str, caller: Caller, plan_id: str, *,
                now: datetime | None = None) -> tuple[Subscription, int]:
    """Move to another plan of the same merchant and interval, now; returns (subscription,
    credits charged (> 0) or given back (< 0)). The period keeps its dates."""
    now = now or utcnow()
    sub = get_subscription(session, subscription_id, caller, lock=True)
    if sub.status not in ("active", "trialing"):
        raise Conflict("Only an active or trialing subscription can change plans.",
                       code="subscription_not_active")
    old = session.get(Plan, sub.plan_id)
    assert old is not None
    new = get_plan(session, plan_id, merchant_id=sub.merchant_id)
    if new.id == old.id:
        raise Conflict("This subscription is already on that plan.", code="same_plan",
                       param="plan_id")
    if new.archived_at is not None:
        raise Conflict("This plan is archived: it takes no new subscribers.",
                       code="plan_archived", param="plan_id")
    if new.interval != old.interval:
        raise Conflict("Plans can change within one interval (week, month or year) only; "
                       "cancel and subscribe to change the interval.",
                       code="interval_mismatch", param="plan_id")
    if sub.status == "active" and sub.current_period_end <= now:
        raise Conflict("This subscription's period has ended and its renewal is due; "
                       "change plans once it renewed.", code="renewal_due")
    delta = 0
    if sub.status == "active":
        delta = proration(old.amount, new.amount, sub.current_period_end - now,
                          sub.current_period_end - sub.current_period_start)
    reference = f"subscription:{sub.id}:change:{secrets.token_hex(8)}"
    if delta > 0:
        spendable = _spendable(session, sub.user_id, sub.merchant_id, now)
        _charge(session, sub, new, spendable, amount=delta, kind="proration",
                reference=reference, period=None, now=now,
                description=f"Subscription: {old.name} -> {new.name} (prorated)")
    elif delta < 0:
        delta = -_give_back(session, sub, -delta, reference, now, f"{old.name} -> {new.name}")
    sub.plan_id, sub.updated_at = new.id, now
    session.flush()
    return sub, delta


def _give_back(session: Session, sub: Subscription, amount: int, reference: str,
               now: datetime, what: str) -> int:
    """Refund up to ``amount`` of this period's charges (newest first) to the kinds they
    came from; returns what was given back. What a chargeback of the top-up behind a
    charge already took back from the merchant is not given again (docs/risk.md)."""
    this_period = or_(
        and_(SubscriptionCharge.kind == "period", SubscriptionCharge.period == sub.paid_through),
        and_(SubscriptionCharge.kind == "proration",
             SubscriptionCharge.created_at >= sub.current_period_start))
    charges = list(session.scalars(
        select(SubscriptionCharge).where(SubscriptionCharge.subscription_id == sub.id,
                                         this_period)
        .order_by(SubscriptionCharge.seq.desc())))
    left = amount
    for number, charge in enumerate(charges):
        if left == 0:
            break
        already = credits.returned(session, charge.txn_id)  # read once: here and below
        refundable = charge.amount - sum(already.by_source.values())
        take = min(left, refundable)
        if take <= 0:
            continue
        part = f"{reference}:{number}"
        posted = credits.credit_refund(
            session, purchase_txn_id=charge.txn_id, merchant_id=sub.merchant_id, amount=take,
            reference=part, now=now, already=already,
            metadata={"subscription_id": sub.id, "description": f"Subscription: {what} "
                      "(prorated credit)"})
        session.add(SubscriptionCharge(
            reference=part, subscription_id=sub.id, merchant_id=sub.merchant_id,
            kind="proration_refund", period=None, amount=take, txn_id=posted.id,
            created_at=now))
        left -= take
    session.flush()
    return amount - left


# --- the renewal job ---------------------------------------------------------------------

@dataclass
class RenewResult:
    renewed: list[str] = field(default_factory=list)
    past_due: list[str] = field(default_factory=list)
    canceled: list[str] = field(default_factory=list)
    charged: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per phase, summed over batches (for benchmarks/subscriptions.py)."""

    def add(self, other: RenewResult) -> None:
        self.renewed += other.renewed
        self.past_due += other.past_due
        self.canceled += other.canceled
        self.charged += other.charged
        for phase, seconds in other.timings.items():
            self.timings[phase] = self.timings.get(phase, 0.0) + seconds

    def as_dict(self) -> dict[str, Any]:
        return {"renewed": self.renewed, "past_due": self.past_due,
                "canceled": self.canceled}

    @property
    def handled(self) -> int:
        return len(self.renewed) + len(self.past_due) + len(self.canceled)


def renew_due(session: Session, *, now: datetime | None = None, grace: timedelta,
              limit: int = 500, skip: Sequence[str] = ()) -> tuple[RenewResult, int]:
    """Renew up to ``limit`` due subscriptions (period ended, not canceled); returns the
    outcome and how many were claimed (0: nothing left that nobody else holds).

    Every claimed subscription is settled in this transaction: renewed (one charge per
    period it is behind), past_due (too few credits, retried by the next runs), or
    canceled (its grace ran out, or it was set to cancel at period end). The batch's
    writes are set-based: one ``post_many`` for every charge, one INSERT of the charge
    rows, one of the events of each type, one UPDATE of the renewed subscriptions and
    the ORM's executemany of the few that fell behind or ended; each row is written
    once (nothing flushes mid-batch: a cancel does not).
    """
    now = now or utcnow()
    result = RenewResult()
    clock = _Clock(result.timings)
    query = (select(Subscription)
             .where(Subscription.status != "canceled", Subscription.current_period_end <= now)
             .order_by(Subscription.current_period_end, Subscription.id).limit(limit)
             .execution_options(populate_existing=True))
    if skip:  # what this run already left past_due stays so until its next run
        query = query.where(Subscription.id.not_in(list(skip)))
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    subs = list(session.scalars(query))
    clock.lap("claim")
    if not subs:
        return result, 0
    plans = plans_by_id(session, [s.plan_id for s in subs])
    batch = _hold_wallets(session, subs, now)
    clock.lap("hold")
    for sub in subs:
        _settle(session, sub, plans[sub.plan_id], batch, now, grace, result)
    clock.lap("settle")
    posted = post_many(session, [c.entry for c in batch.charges], held=batch.held)
    clock.lap("ledger")
    with session.no_autoflush:
        _insert_period_charges(session, [c for c, p in zip(batch.charges, posted, strict=True)
                                         if p.created], posted, now)
        clock.lap("charges")
        emit_many(session, "subscription.renewed",
                  [(obj, merchant) for obj, merchant in batch.renewed_events])
        emit_many(session, "subscription.canceled", batch.canceled_events)
        clock.lap("events")
        renewed = set(result.renewed)
        _move_periods_on(session, [s for s in subs if s.id in renewed and s.status == "active"])
    session.flush()  # the few that fell behind or ended, once: nothing flushed them before
    clock.lap("subscriptions")
    return result, len(subs)


# On PostgreSQL the batch's rows go as one array per column (unnest): a short statement,
# parsed and planned once, whatever the batch's size (benchmarks/README.md, "Renewal job").
_PG_INSERT_CHARGES = (
    "INSERT INTO subscription_charges "
    "(reference, subscription_id, merchant_id, kind, period, amount, txn_id, created_at) "
    "SELECT r, s, m, 'period', p, a, t, %s FROM unnest(CAST(%s AS TEXT[]), "
    "CAST(%s AS TEXT[]), CAST(%s AS TEXT[]), CAST(%s AS INTEGER[]), CAST(%s AS BIGINT[]), "
    "CAST(%s AS BIGINT[])) AS u(r, s, m, p, a, t)"
)
_PG_MOVE_PERIODS = (
    "UPDATE subscriptions SET paid_through = v.paid_through, "
    "current_period_start = v.period_start, current_period_end = v.period_end, "
    "status = 'active', past_due_since = NULL, updated_at = v.updated_at "
    "FROM unnest(CAST(%s AS TEXT[]), CAST(%s AS INTEGER[]), CAST(%s AS TIMESTAMPTZ[]), "
    "CAST(%s AS TIMESTAMPTZ[]), CAST(%s AS TIMESTAMPTZ[])) "
    "AS v(id, paid_through, period_start, period_end, updated_at) "
    "WHERE subscriptions.id = v.id"
)


def _insert_period_charges(session: Session, charges: Sequence[_Charge],
                           posted: Sequence[Posted], now: datetime) -> None:
    """One INSERT of the charge rows of the periods this batch posted."""
    if not charges:
        return
    txn_ids = {p.reference: p.id for p in posted}
    if is_postgres(session):
        DriverCursor(session.connection()).run(_PG_INSERT_CHARGES, (
            now, [c.entry.reference for c in charges], [c.sub.id for c in charges],
            [c.sub.merchant_id for c in charges], [c.period for c in charges],
            [c.amount for c in charges], [txn_ids[c.entry.reference] for c in charges]))
        return
    session.execute(insert(cast(Table, SubscriptionCharge.__table__)), [
        {"reference": c.entry.reference, "subscription_id": c.sub.id,
         "merchant_id": c.sub.merchant_id, "kind": "period", "period": c.period,
         "amount": c.amount, "txn_id": txn_ids[c.entry.reference], "created_at": now}
        for c in charges])


PERIODS_PER_UPDATE = 6_000  # 5 parameters each: under SQLite's 32,766 (the batch may be 10,000)


def _move_periods_on(session: Session, subs: Sequence[Subscription]) -> None:
    """Write the renewed subscriptions' new periods in one UPDATE (on SQLite one per
    ``PERIODS_PER_UPDATE``), then expire them (the session's flush does not write them
    again; a later read reloads them)."""
    if not subs:
        return
    if is_postgres(session):
        DriverCursor(session.connection()).run(_PG_MOVE_PERIODS, (
            [s.id for s in subs], [s.paid_through for s in subs],
            [s.current_period_start for s in subs], [s.current_period_end for s in subs],
            [s.updated_at for s in subs]))
    else:
        for start in range(0, len(subs), PERIODS_PER_UPDATE):
            _update_periods_sqlite(session, subs[start:start + PERIODS_PER_UPDATE])
    for sub in subs:
        session.expire(sub)  # its pending changes are written: drop them, reload on use


def _update_periods_sqlite(session: Session, subs: Sequence[Subscription]) -> None:
    sql = (
        "WITH v(id, paid_through, period_start, period_end, updated_at) AS "  # noqa: S608
        f"(VALUES {', '.join('(?, ?, ?, ?, ?)' for _ in subs)}) "
        "UPDATE subscriptions SET paid_through = v.paid_through, "
        "current_period_start = v.period_start, current_period_end = v.period_end, "
        "status = 'active', past_due_since = NULL, updated_at = v.updated_at "
        "FROM v WHERE subscriptions.id = v.id"
    )
    params = [x for sub in subs for x in (
        sub.id, sub.paid_through, credits.driver_time(sub.current_period_start, "sqlite"),
        credits.driver_time(sub.current_period_end, "sqlite"),
        credits.driver_time(sub.updated_at, "sqlite"))]
    session.connection().exec_driver_sql(sql, tuple(params))


class _Clock:
    """Adds the seconds since the last lap to ``timings[phase]``."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings, self.last = timings, time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - self.last
        self.last = now


@dataclass
class _Wallet:
    """A person's spendable credits under the batch's locks, kept current as we charge."""

    frozen: bool
    paid_account_id: int | None
    paid: int
    lots: list[LiveLot]


@dataclass
class _Charge:
    sub: Subscription
    period: int
    amount: int
    entry: Entry


@dataclass
class _Batch:
    """What one renewal batch holds and the writes it collects for the end."""

    people: dict[str, _Wallet]
    merchants: dict[str, int]
    held: Held
    charges: list[_Charge] = field(default_factory=list)
    renewed_events: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    canceled_events: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)


def _hold_wallets(session: Session, subs: Sequence[Subscription], now: datetime) -> _Batch:
    """Lock every balance row the batch may post to, in the ledger's one order and one
    statement (people's paid and live lot rows, one shard per merchant), then read them.

    Before the lock, two reads for the whole batch: the people (frozen, paid account and
    live lots, with the accounts' attributes, which prime the ledger's account cache) and
    the merchants' pending accounts (opened here when missing).
    """
    user_ids = sorted({s.user_id for s in subs})
    people: dict[str, tuple[bool, int | None, list[LiveLot]]] = {}
    infos: list[AccountInfo] = []
    for row in session.execute(_people_query(session, user_ids, now)):
        user_id, is_frozen, paid_id, lot_id, lot_account, expires_at = row[:6]
        _, _, found = people.setdefault(user_id, (bool(is_frozen), paid_id, []))
        if paid_id is not None:
            infos.append(AccountInfo(paid_id, *row[6:9]))
        if lot_id is not None:
            found.append(LiveLot(lot_id, lot_account, expires_at, 0))
            infos.append(AccountInfo(lot_account, *row[9:12]))
    merchants = _merchant_accounts(session, {s.merchant_id for s in subs}, infos)
    remember_accounts(session, infos)
    accounts = {info.id for info in infos} | set(merchants.values())
    held = hold(session, accounts)
    wallets = {}
    for user_id in user_ids:
        is_frozen, paid_id, lots = people.get(user_id, (False, None, []))
        wallets[user_id] = _Wallet(
            is_frozen, paid_id, held.balances[paid_id] if paid_id is not None else 0,
            [LiveLot(lot.id, lot.account_id, lot.expires_at, held.balances[lot.account_id])
             for lot in lots])
    return _Batch(wallets, merchants, held)


def _people_query(session: Session, user_ids: Sequence[str], now: datetime) -> Select[Any]:
    """Per person, one row per live lot (or one row): id, frozen, paid account, lot id,
    lot account, expiry, then the paid and lot accounts' (asset, allow_negative, shards);
    lots in spend order."""
    users_t, accounts_t, lots_t = credits.users_t, credits.accounts_t, credits.lots_t
    paid, lot_account = accounts_t.alias("pa"), accounts_t.alias("la")
    live = (
        select(lots_t.c.id, lots_t.c.user_id, lots_t.c.account_id, lots_t.c.expires_at,
               lot_account.c.asset, lot_account.c.allow_negative, lot_account.c.shards)
        .join(credits.balances_t, and_(credits.balances_t.c.account_id == lots_t.c.account_id,
                                       credits.balances_t.c.shard == 0,
                                       credits.balances_t.c.balance > 0))
        .join(lot_account, lot_account.c.id == lots_t.c.account_id)
        .where(one_of(session, lots_t.c.user_id, user_ids),
               or_(lots_t.c.expires_at.is_(None), lots_t.c.expires_at > now))
        .subquery("live")
    )
    return (
        select(users_t.c.id, users_t.c.frozen, paid.c.id, live.c.id, live.c.account_id,
               live.c.expires_at, paid.c.asset, paid.c.allow_negative, paid.c.shards,
               live.c.asset, live.c.allow_negative, live.c.shards)
        .select_from(users_t.outerjoin(paid, paid.c.code == "user:" + users_t.c.id + ":paid")
                     .outerjoin(live, live.c.user_id == users_t.c.id))
        .where(one_of(session, users_t.c.id, user_ids))
        .order_by(users_t.c.id, live.c.expires_at.is_(None), live.c.expires_at, live.c.id)
    )


def _merchant_accounts(session: Session, merchant_ids: set[str],
                       infos: list[AccountInfo]) -> dict[str, int]:
    """The merchants' pending-earnings account ids (opened when missing); their
    attributes go to ``infos``."""
    codes = {credits.pending_code(m): m for m in merchant_ids}
    accounts_t = credits.accounts_t
    found: dict[str, int] = {}
    for account_id, code, *attributes in session.execute(
            select(accounts_t.c.id, accounts_t.c.code, accounts_t.c.asset,
                   accounts_t.c.allow_negative, accounts_t.c.shards)
            .where(one_of(session, accounts_t.c.code, codes))):
        found[codes[code]] = int(account_id)
        infos.append(AccountInfo(int(account_id), *attributes))
    for merchant_id in sorted(merchant_ids - set(found)):
        found[merchant_id] = chart.merchant_account(
            session, merchant_id, Kind.MERCHANT_PENDING).id
    return found


def _queue_charge(batch: _Batch, sub: Subscription, plan: Plan, period: int) -> bool:
    """Queue the charge of ``period`` (lots first, then paid credits) if the person's
    credits cover it, taking it off the batch's view of their wallet."""
    wallet = batch.people[sub.user_id]
    available = wallet.paid + sum(lot.balance for lot in wallet.lots)
    if wallet.frozen or available < plan.amount:
        return False
    merchant_account = batch.merchants[sub.merchant_id]
    remaining, moves, lots = plan.amount, [], []
    for lot in wallet.lots:
        take = min(lot.balance, remaining)
        if take:
            moves.append(Move(lot.account_id, merchant_account, take))
            remaining -= take
        lots.append(LiveLot(lot.id, lot.account_id, lot.expires_at, lot.balance - take))
    if remaining:
        assert wallet.paid_account_id is not None
        moves.append(Move(wallet.paid_account_id, merchant_account, remaining))
        wallet.paid -= remaining
    wallet.lots = lots
    reference = period_reference(sub.id, period)
    batch.charges.append(_Charge(sub, period, plan.amount, Entry(
        reference, "purchase", moves,
        {"subscription_id": sub.id, "plan_id": plan.id, "user_id": sub.user_id,
         "period": period, "description": f"Subscription: {plan.name}"})))
    return True


def _settle(session: Session, sub: Subscription, plan: Plan, batch: _Batch, now: datetime,
            grace: timedelta, result: RenewResult) -> None:
    renewed = False
    while sub.status != "canceled" and sub.current_period_end <= now:
        if sub.cancel_at_period_end:
            _end_in_batch(batch, sub, plan, sub.current_period_end)
            result.canceled.append(sub.id)
            return
        period = sub.paid_through + 1
        if not _queue_charge(batch, sub, plan, period):
            if renewed:  # caught up some periods, then ran short
                result.renewed.append(sub.id)
            _fall_behind(session, sub, plan, batch, period, now, grace, result)
            return
        start, end = period_bounds(sub.anchor, plan.interval, period)
        sub.paid_through, sub.current_period_start, sub.current_period_end = period, start, end
        sub.status, sub.past_due_since, sub.updated_at = "active", None, now
        result.charged += 1
        renewed = True
        batch.renewed_events.append((subscription_dict(sub, plan), sub.merchant_id))
    if renewed:
        result.renewed.append(sub.id)


def _end_in_batch(batch: _Batch, sub: Subscription, plan: Plan, at: datetime) -> None:
    """``_end`` for a renewal batch: the row and its event are written with the batch's
    (no flush here, which would write every change pending in the session)."""
    sub.status, sub.canceled_at, sub.past_due_since, sub.updated_at = "canceled", at, None, at
    batch.canceled_events.append((subscription_dict(sub, plan), sub.merchant_id))


def _fall_behind(session: Session, sub: Subscription, plan: Plan, batch: _Batch, period: int,
                 now: datetime, grace: timedelta, result: RenewResult) -> None:
    """Too few credits for ``period``: past_due from the period's start; canceled once
    the grace period has passed."""
    if sub.status != "past_due":
        sub.status = "past_due"
        sub.past_due_since = period_bounds(sub.anchor, plan.interval, period)[0]
        sub.updated_at = now
        emit(session, "subscription.past_due", subscription_dict(sub, plan), sub.merchant_id)
    assert sub.past_due_since is not None
    if now >= sub.past_due_since + grace:
        _end_in_batch(batch, sub, plan, now)
        result.canceled.append(sub.id)
        return
    sub.updated_at = now
    result.past_due.append(sub.id)


# --- the merchant's figures ----------------------------------------------------------------

MONTHS_PER_YEAR = 12
PER_YEAR = {"week": 52, "month": 12, "year": 1}
CHURN_WINDOW = timedelta(days=30)


def merchant_summary(session: Session, merchant_id: str,
                     now: datetime | None = None) -> dict[str, Any]:
    """Active subscribers, monthly recurring credits and the last 30 days' churn.

    Monthly recurring credits: what the subscriptions that will renew bring per month
    (weekly plans x 52 / 12, yearly / 12), rounded down once at the end. Churn: the
    subscriptions that ended in the last 30 days over those plus today's active ones.
    """
    now = now or utcnow()
    entitled = (Subscription.merchant_id == merchant_id) & Subscription.status.in_(ENTITLED)
    active = session.scalar(select(func.count()).select_from(Subscription).where(entitled)) or 0
    per_year = 0
    for interval, amount, count in session.execute(
            select(Plan.interval, Plan.amount, func.count())
            .join(Subscription, Subscription.plan_id == Plan.id)
            .where(entitled, Subscription.cancel_at_period_end.is_(False))
            .group_by(Plan.interval, Plan.amount)):
        per_year += PER_YEAR[interval] * int(amount) * int(count)
    ended = session.scalar(select(func.count()).select_from(Subscription).where(
        Subscription.merchant_id == merchant_id, Subscription.status == "canceled",
        Subscription.canceled_at > now - CHURN_WINDOW, Subscription.canceled_at <= now)) or 0
    base = active + ended
    return {"object": "subscription_summary", "active_subscribers": active,
            "monthly_recurring_credits": per_year // MONTHS_PER_YEAR,
            "churn_30d": {"ended": ended, "base": base,
                          "percent": round(100 * ended / base, 1) if base else 0.0}}
