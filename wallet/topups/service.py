"""Top-ups: checkout, provider events, claw-backs and freezes.

Plain Python over a session: no Flask, no commit (the request's commit point
commits, or rolls everything back on an error).

How events are applied
----------------------
Every verified provider event is recorded once under ``(provider, event_id)``;
a replay finds the record and changes nothing. An event only *adds facts* to
its top-up (paid, the cumulative amount refunded, the amount disputed, a
failure message), and facts never shrink. After each event the ledger is moved
from what it did so far to what the facts ask for (``_reconcile``), so the
result does not depend on the order in which events arrive:

- success lands ``credits`` once (reference ``topup:<id>``, TOPUP_CLEARING →
  the user's paid account), unless a risk limit holds it (status ``held``,
  operator releases or refunds);
- a failure after a success is ignored (an earlier declined attempt reported
  late); a success after a failure credits (the person retried with another
  card on the same checkout, and the money was taken);
- a refund or chargeback that arrives before the success is kept and applied
  right after the credit;
- refunds carry the cumulative refunded amount: the credits due back are
  ``credits * min(price, refunded + disputed) // price`` (exact integers,
  rounded down, so a full refund takes everything and partial refunds never
  take more than their share); only the difference to what was already
  clawed back moves (reference ``topup:<id>:clawback:<target>``);
- what the paid balance no longer holds becomes a ``Shortfall`` and freezes
  the wallet (``User.frozen``) until the operator collects or writes it off.

Amounts and currencies in events are checked against the top-up: a success for
another amount, or a refund above the price, is recorded with its outcome and
moves nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urljoin

from sqlalchemy import ColumnElement, Table, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from wallet.credits import service as credits
from wallet.db import is_postgres, utcnow
from wallet.errors import Conflict, InsufficientCredits, InvalidRequest, NotFound, Unprocessable
from wallet.ids import new_id
from wallet.ledger import chart
from wallet.ledger.core import Move, hold, post
from wallet.money import format_money
from wallet.people.models import User
from wallet.risk.config import DEFAULTS as RISK_DEFAULTS
from wallet.topups.models import ProviderEventRecord, Shortfall, TopUp
from wallet.topups.pricing import Pack
from wallet.topups.providers.base import PaymentProvider, ProviderEvent
from wallet.webhooks.events import emit

GIFT_SETTLE_DAYS = RISK_DEFAULTS["RISK_GIFT_SETTLE_DAYS"]

events_t = cast(Table, ProviderEventRecord.__table__)

DEFAULT_WINDOW = timedelta(hours=24)
DEFAULT_CHECKOUT_HOLD = timedelta(hours=1)
MAX_PAGE = 100


class TopUpLimitExceeded(Unprocessable):
    """A risk limit refuses this top-up; ``code`` says which."""

    code = "topup_limit_exceeded"
    default_message = "This top-up is over a limit."


class WalletFrozen(Unprocessable):
    code = "wallet_frozen"
    default_message = (
        "This wallet is frozen while a refund or chargeback is reviewed; "
        "top-ups are paused until it is resolved."
    )


@dataclass(frozen=True)
class RiskLimits:
    """Per-person top-up limits; ``None`` means no limit.

    ``daily_credits`` and ``daily_money`` (minor units per currency) count the
    top-ups paid in the last ``window`` plus checkouts opened in the last
    ``checkout_hold`` that are not paid yet (so one cannot open many at once).
    ``max_wallet_credits`` caps paid + promotional credits after the top-up.
    """

    daily_credits: int | None = None
    daily_money: Mapping[str, int] = field(default_factory=dict)
    max_wallet_credits: int | None = None
    window: timedelta = DEFAULT_WINDOW
    checkout_hold: timedelta = DEFAULT_CHECKOUT_HOLD
    # the gift rule's settlement window (``RISK_GIFT_SETTLE_DAYS``): a claw-back follows
    # the money the way the rule let gifts take credits (wallet.risk.disputes)
    settle_days: int = GIFT_SETTLE_DAYS


@dataclass(frozen=True)
class EventOutcome:
    """What processing one webhook event did."""

    event_id: str
    type: str
    outcome: str
    topup_id: str | None = None
    duplicate: bool = False


# --------------------------------------------------------------------------- reading


def plain_id(value: object, max_length: int = 40) -> bool:
    """Whether ``value`` can be an id of ours (so odd input is a 404, never a 500)."""
    return (isinstance(value, str) and 0 < len(value) <= max_length and value.isascii()
            and value.isprintable())


def get_topup(session: Session, topup_id: str, user_id: str | None = None) -> TopUp:
    """The top-up ``topup_id`` (of ``user_id`` when given); raises ``NotFound``."""
    topup = session.get(TopUp, topup_id) if plain_id(topup_id) else None
    if topup is None or (user_id is not None and topup.user_id != user_id):
        raise NotFound("No such top-up.", code="topup_not_found", param="id")
    return topup


def topup_by_provider_ref(session: Session, provider: str, provider_ref: str) -> TopUp:
    """The top-up behind a hosted checkout; raises ``NotFound``."""
    topup = session.scalar(
        select(TopUp).where(TopUp.provider == provider, TopUp.provider_ref == provider_ref)
    ) if plain_id(provider_ref, 255) else None
    if topup is None:
        raise NotFound("No such checkout.", code="checkout_not_found")
    return topup


def list_topups(
    session: Session, user_id: str, *, limit: int = 20, starting_after: str | None = None
) -> tuple[list[TopUp], bool]:
    """A page of the user's top-ups, newest first, and whether more follow."""
    query = select(TopUp).where(TopUp.user_id == user_id)
    if starting_after:
        anchor = session.get(TopUp, starting_after) if plain_id(starting_after) else None
        if anchor is None or anchor.user_id != user_id:
            raise NotFound("starting_after is not an id from this list.",
                                 code="invalid_cursor", param="starting_after")
        query = query.where(
            or_(
                TopUp.created_at < anchor.created_at,
                (TopUp.created_at == anchor.created_at) & (TopUp.id < anchor.id),
            )
        )
    rows = list(
        session.scalars(query.order_by(TopUp.created_at.desc(), TopUp.id.desc()).limit(limit + 1))
    )
    return rows[:limit], len(rows) > limit


def wallet_credits(session: Session, user_id: str) -> int:
    """Paid + live promotional credits of a user (the wallet's total)."""
    return credits.summary(session, user_id).total


# --------------------------------------------------------------------------- risk limits


def _recent_sum(
    session: Session, user_id: str, column: Any, now: datetime, limits: RiskLimits,
    *, currency: str | None = None, exclude: str | None = None, with_open: bool = True,
) -> int:
    """Sum of ``column`` over paid top-ups in the window (and open checkouts if ``with_open``)."""
    counted: ColumnElement[bool] = TopUp.paid.is_(True) & (TopUp.paid_at >= now - limits.window)
    if with_open:
        counted = or_(counted, (
            TopUp.paid.is_(False)
            & TopUp.status.in_(("created", "pending"))
            & (TopUp.created_at >= now - limits.checkout_hold)
        ))
    query = select(func.coalesce(func.sum(column), 0)).where(TopUp.user_id == user_id, counted)
    if currency is not None:
        query = query.where(TopUp.currency == currency)
    if exclude is not None:
        query = query.where(TopUp.id != exclude)
    return int(session.scalar(query) or 0)


def _open_checkout_credits(session: Session, user_id: str, now: datetime,
                           limits: RiskLimits) -> int:
    return int(session.scalar(
        select(func.coalesce(func.sum(TopUp.credits), 0)).where(
            TopUp.user_id == user_id, TopUp.paid.is_(False),
            TopUp.status.in_(("created", "pending")),
            TopUp.created_at >= now - limits.checkout_hold,
        )
    ) or 0)


def check_limits(
    session: Session, user_id: str, *, credits: int, price_minor: int, currency: str,
    limits: RiskLimits, now: datetime, exclude: str | None = None, at_checkout: bool = True,
) -> None:
    """Raise ``TopUpLimitExceeded`` when this top-up would pass a risk limit.

    At checkout, open checkouts count too; when crediting (``at_checkout=False``)
    only what was actually paid counts.
    """
    if limits.daily_credits is not None:
        used = _recent_sum(session, user_id, TopUp.credits, now, limits, exclude=exclude,
                           with_open=at_checkout)
        if used + credits > limits.daily_credits:
            left = max(limits.daily_credits - used, 0)
            raise TopUpLimitExceeded(
                f"Top-ups are limited to {limits.daily_credits:,} credits per 24 hours; "
                f"you can add {left:,} more credits now.",
                code="daily_topup_limit_exceeded", param="pack_id",
            )
    money_limit = limits.daily_money.get(currency)
    if money_limit is not None:
        used = _recent_sum(session, user_id, TopUp.price_minor, now, limits,
                           currency=currency, exclude=exclude, with_open=at_checkout)
        if used + price_minor > money_limit:
            raise TopUpLimitExceeded(
                f"Top-ups are limited to {money_limit:,} {currency} minor units per 24 hours.",
                code="daily_topup_limit_exceeded", param="pack_id",
            )
    if limits.max_wallet_credits is not None:
        pending = _open_checkout_credits(session, user_id, now, limits) if at_checkout else 0
        after = wallet_credits(session, user_id) + pending + credits
        if after > limits.max_wallet_credits:
            raise TopUpLimitExceeded(
                f"A wallet may hold at most {limits.max_wallet_credits:,} credits; "
                f"this top-up would bring yours to {after:,}.",
                code="max_wallet_balance_exceeded", param="pack_id",
            )


# --------------------------------------------------------------------------- checkout


def _lock_user(session: Session, user_id: str) -> User:
    user = session.scalar(select(User).where(User.id == user_id).with_for_update()
                          .execution_options(populate_existing=True))
    if user is None:
        raise NotFound("No such user.", code="user_not_found")
    return user


def start_checkout(
    session: Session,
    *,
    user_id: str,
    pack: Pack,
    provider: PaymentProvider,
    limits: RiskLimits,
    urls: Callable[[str], tuple[str, str]],
    now: datetime | None = None,
) -> TopUp:
    """Open a hosted checkout for ``pack``; ``urls(topup_id)`` gives (success, cancel) URLs."""
    now = now or utcnow()
    user = _lock_user(session, user_id)  # serialises one person's checkouts: limits hold
    if user.frozen:
        raise WalletFrozen()
    check_limits(session, user_id, credits=pack.total_credits, price_minor=pack.price_minor,
                 currency=pack.currency, limits=limits, now=now)
    topup = TopUp(
        id=new_id("top"), user_id=user_id, pack_id=pack.id, currency=pack.currency,
        price_minor=pack.price_minor, credits=pack.total_credits, provider=provider.name,
        status="created", created_at=now, updated_at=now,
    )
    session.add(topup)
    session.flush()
    success_url, cancel_url = urls(topup.id)
    checkout = provider.create_checkout(
        topup_id=topup.id, amount_minor=pack.price_minor, currency=pack.currency,
        description=f"{pack.total_credits:,} credits", success_url=success_url,
        cancel_url=cancel_url,
    )
    topup.provider_ref = checkout.provider_ref
    topup.checkout_url = checkout.checkout_url
    topup.status = "pending"
    session.flush()
    return topup


# --------------------------------------------------------------------------- webhooks


def process_webhook(
    session: Session,
    provider: PaymentProvider,
    raw_body: bytes,
    headers: Mapping[str, str],
    limits: RiskLimits,
    now: int | None = None,
    *,
    base_url: str = "",
) -> EventOutcome:
    """Verify a webhook on its raw body, then apply it once.

    Forged, unsigned, stale or malformed webhooks raise a ``WebhookError`` (400)
    before anything is written.
    """
    event = provider.parse_webhook(raw_body, headers, now)
    return handle_event(session, provider.name, event, limits, base_url=base_url)


def _claim_event(session: Session, provider: str, event: ProviderEvent) -> int | None:
    dialect = postgresql if is_postgres(session) else sqlite
    stmt = dialect.insert(events_t).values(
        provider=provider, event_id=event.event_id, type=event.type, raw_type=event.raw_type,
        topup_id=None, outcome="received", event_created=event.created, received_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["provider", "event_id"]).returning(events_t.c.id)
    inserted = session.execute(stmt).scalar()
    return None if inserted is None else int(inserted)


def handle_event(
    session: Session, provider: str, event: ProviderEvent, limits: RiskLimits,
    now: datetime | None = None, *, base_url: str = "",
) -> EventOutcome:
    """Apply one verified event exactly once (a replay returns ``duplicate``)."""
    now = now or utcnow()
    record_id = _claim_event(session, provider, event)
    if record_id is None:
        previous = session.scalar(
            select(ProviderEventRecord).where(
                ProviderEventRecord.provider == provider,
                ProviderEventRecord.event_id == event.event_id,
            )
        )
        return EventOutcome(event.event_id, event.type, "duplicate",
                            previous.topup_id if previous else None, duplicate=True)
    topup = None if event.type == "ignored" else _find_topup(session, provider, event)
    if event.type == "ignored":
        outcome = "ignored"
    elif topup is None:
        outcome = "unknown_topup"
    else:
        outcome = _apply(session, topup, event, limits, now, base_url)
    session.execute(
        update(events_t).where(events_t.c.id == record_id)
        .values(outcome=outcome, topup_id=topup.id if topup else None)
    )
    return EventOutcome(event.event_id, event.type, outcome, topup.id if topup else None)


def _find_topup(session: Session, provider: str, event: ProviderEvent) -> TopUp | None:
    """The event's top-up, locked: by our id, else the checkout, else the payment."""
    base = (select(TopUp).where(TopUp.provider == provider).with_for_update()
            .execution_options(populate_existing=True))
    if event.topup_id:
        return session.scalar(base.where(TopUp.id == event.topup_id))
    if event.provider_ref:
        return session.scalar(base.where(TopUp.provider_ref == event.provider_ref))
    if event.payment_ref:
        return session.scalar(base.where(TopUp.payment_ref == event.payment_ref).limit(1))
    return None


def _apply(
    session: Session, topup: TopUp, event: ProviderEvent, limits: RiskLimits, now: datetime,
    base_url: str,
) -> str:
    if event.currency is not None and event.currency != topup.currency:
        return "currency_mismatch"
    amount = event.amount_minor
    if event.type == "payment_succeeded":
        if amount != topup.price_minor:
            return "amount_mismatch"
        outcome = "already_paid" if topup.paid else _mark_paid(session, topup, event, limits, now)
    elif event.type == "payment_failed":
        if topup.paid:
            return "ignored_after_success"
        topup.failure_code = "payment_failed"
        topup.failure_message = (event.failure_message or "The payment failed.")[:500]
        outcome = "failed"
    elif event.type == "dispute_won":
        if not topup.disputed_minor:
            return "no_dispute"
        topup.dispute_won_at = topup.dispute_won_at or now
        outcome = "dispute_won"
    elif event.type in ("refunded", "chargeback"):
        if amount is None or amount > topup.price_minor:
            return "amount_mismatch"
        if event.type == "refunded":
            topup.refunded_minor = max(topup.refunded_minor, amount)
        else:
            topup.disputed_minor = max(topup.disputed_minor, amount)
        outcome = "refund_recorded" if event.type == "refunded" else "chargeback_recorded"
    else:  # pragma: no cover - EventType is closed
        return "ignored"
    _reconcile(session, topup, now, base_url, limits.settle_days)
    return outcome


def _mark_paid(
    session: Session, topup: TopUp, event: ProviderEvent, limits: RiskLimits, now: datetime
) -> str:
    topup.paid = True
    topup.paid_at = now
    topup.payment_ref = event.payment_ref or topup.payment_ref
    topup.failure_code = topup.failure_message = None
    try:
        check_limits(session, topup.user_id, credits=topup.credits,
                     price_minor=topup.price_minor, currency=topup.currency, limits=limits,
                     now=now, exclude=topup.id, at_checkout=False)
    except TopUpLimitExceeded as exc:
        topup.hold_reason = exc.code
        return "held"
    return "paid"


# --------------------------------------------------------------------------- the ledger side


def clawback_target(credits: int, price_minor: int, returned_minor: int) -> int:
    """Credits due back when ``returned_minor`` of ``price_minor`` went back (rounded down)."""
    return credits * min(price_minor, returned_minor) // price_minor


def _held_paid_balance(session: Session, paid_id: int, clearing_id: int) -> int:
    """Hold the wallet's paid row and top-up clearing (the global lock order), and
    return the paid balance: what a claw-back can take."""
    return hold(session, [paid_id, clearing_id]).balances[paid_id]


def _reconcile(session: Session, topup: TopUp, now: datetime, base_url: str,
               settle_days: int) -> None:
    """Move the ledger to what the top-up's facts ask for; update its status.

    The credits landing is the ``topup.succeeded`` event (for the operator)."""
    paid = chart.user_account(session, topup.user_id, chart.Kind.USER_PAID)
    clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING)
    if topup.paid and topup.hold_reason is None and topup.credited == 0:
        post(
            session, reference=f"topup:{topup.id}", kind="topup",
            moves=[Move(debit=clearing.id, credit=paid.id, amount=topup.credits)],
            metadata={"description": f"Top-up: {topup.credits:,} credits for "
                                     f"{format_money(topup.price_minor, topup.currency)}",
                      "topup_id": topup.id, "pack_id": topup.pack_id,
                      "currency": topup.currency, "price_minor": topup.price_minor,
                      "provider": topup.provider},
        )
        topup.credited = topup.credits
        credited_now = True
    else:
        credited_now = False
    if topup.credited and topup.dispute_won_at is not None:
        _restore_won(session, topup, now)
    if topup.credited:
        _claw_back(session, topup, paid.id, clearing.id, now, settle_days)
    topup.status = _status(topup)
    topup.updated_at = now
    session.flush()
    if credited_now:
        emit(session, "topup.succeeded", topup_view(topup, base_url))


def _disputed(topup: TopUp) -> int:
    """The disputed amount that still counts: none once the platform won the dispute."""
    return 0 if topup.dispute_won_at is not None else topup.disputed_minor


def _restore_won(session: Session, topup: TopUp, now: datetime) -> None:
    """The platform won: give back what the dispute took (once), settle its shortfalls."""
    from wallet.risk.disputes import restore

    restored = restore(session, topup.id, topup.user_id)
    topup.clawed_back -= restored
    for shortfall in session.scalars(select(Shortfall).where(
            Shortfall.topup_id == topup.id, Shortfall.status == "open",
            Shortfall.reason == "chargeback")):
        shortfall.status, shortfall.note, shortfall.resolved_at = (
            "written_off", "dispute won: nothing is owed", now)
        topup.shortfall -= shortfall.credits
    session.flush()
    _unfreeze_if_clear(session, topup.user_id)


def _claw_back(
    session: Session, topup: TopUp, paid_id: int, clearing_id: int, now: datetime,
    settle_days: int,
) -> None:
    target = clawback_target(topup.credited, topup.price_minor,
                             topup.refunded_minor + _disputed(topup))
    due = target - topup.clawed_back - topup.shortfall
    if due <= 0:
        return
    reason = "chargeback" if _disputed(topup) else "refund"
    # Credits the wallet no longer holds are followed to the purchases they paid for: lock
    # those before any ledger row (the wallet's included), in the order refunds lock them.
    from wallet.risk.disputes import (
        lock_merchants,
        lock_purchases,
        newer_outflow,
        recover,
        where_it_went,
    )

    trail = None  # the journal's replay, once per claw-back (wallet.risk.disputes)
    if is_postgres(session):  # SQLite: one writer, nothing to lock
        trail = where_it_went(session, topup.id, topup.user_id, settle_days)
        lock_purchases(session, trail)
        lock_merchants(session, trail)  # payout rows before balance rows (docs/ledger.md)
    take = min(due, _held_paid_balance(session, paid_id, clearing_id))
    if take < due and (trail is None or newer_outflow(session, topup.user_id, trail)):
        # not replayed yet, or a purchase committed after the replay (the paid row is held
        # now, nothing leaves the wallet any more): replay (again)
        trail = where_it_went(session, topup.id, topup.user_id, settle_days)
    if take > 0:
        post(
            session, reference=f"topup:{topup.id}:clawback:{target}", kind=f"topup_{reason}",
            moves=[Move(debit=paid_id, credit=clearing_id, amount=take)],
            metadata={"description": f"Top-up {reason}: credits taken back",
                      "topup_id": topup.id, "reason": reason,
                      "refunded_minor": topup.refunded_minor,
                      "disputed_minor": topup.disputed_minor},
        )
        topup.clawed_back += take
    missing = due - take
    if missing > 0 and trail is not None:  # spent: follow the money where it went
        recovered = recover(session, topup_id=topup.id, user_id=topup.user_id, target=target,
                            due=missing, reason=reason, trail=trail)
        topup.clawed_back += recovered
        missing -= recovered
    if missing > 0:
        session.add(Shortfall(
            id=f"sfl_{secrets.token_urlsafe(12)}", user_id=topup.user_id, topup_id=topup.id,
            credits=missing, reason=reason, status="open", created_at=now,
        ))
        topup.shortfall += missing
        session.execute(update(User).where(User.id == topup.user_id).values(frozen=True))


def topup_view(topup: TopUp, base_url: str) -> dict[str, Any]:
    """The API form of a top-up: integer amounts with a display string beside money."""
    checkout = topup.checkout_url
    return {
        "id": topup.id,
        "object": "topup",
        "status": topup.status,
        "pack_id": topup.pack_id,
        "currency": topup.currency,
        "price_minor": topup.price_minor,
        "price_display": format_money(topup.price_minor, topup.currency),
        "credits": topup.credits,
        "credited": topup.credited - topup.clawed_back,
        "refunded_minor": topup.refunded_minor,
        "refunded_display": format_money(topup.refunded_minor, topup.currency),
        "provider": topup.provider,
        "checkout_url": urljoin(base_url.rstrip("/") + "/", checkout) if checkout else None,
        "failure_message": topup.failure_message,
        "hold_reason": topup.hold_reason,
        "created_at": topup.created_at.isoformat(),
        "paid_at": topup.paid_at.isoformat() if topup.paid_at else None,
    }


def _status(topup: TopUp) -> str:
    if topup.paid:
        if _disputed(topup):
            return "charged_back"
        if topup.refunded_minor >= topup.price_minor:
            return "refunded"
        return "held" if topup.hold_reason else "succeeded"
    if topup.failure_message:
        return "failed"
    return topup.status if topup.status in ("created", "pending") else "pending"


# --------------------------------------------------------------------------- operator


def release_topup(session: Session, topup_id: str, now: datetime | None = None, *,
                  base_url: str = "", settle_days: int = GIFT_SETTLE_DAYS) -> TopUp:
    """Credit a paid top-up that a risk limit held (the operator's decision)."""
    now = now or utcnow()
    topup = session.scalar(select(TopUp).where(TopUp.id == topup_id).with_for_update()
                           .execution_options(populate_existing=True)
                           ) if plain_id(topup_id) else None
    if topup is None:
        raise NotFound("No such top-up.", code="topup_not_found", param="id")
    if topup.hold_reason is None or not topup.paid:
        raise Conflict("Only a paid top-up that is held can be released.",
                       code="topup_not_held")
    topup.hold_reason = None
    _reconcile(session, topup, now, base_url, settle_days)
    return topup


def list_shortfalls(
    session: Session, *, status: str | None = "open", user_id: str | None = None,
    limit: int = 20, starting_after: str | None = None,
) -> tuple[list[Shortfall], bool]:
    """A page of shortfalls, oldest first."""
    query = select(Shortfall)
    if status:
        query = query.where(Shortfall.status == status)
    if user_id:
        query = query.where(Shortfall.user_id == (user_id if plain_id(user_id) else ""))
    if starting_after:
        anchor = session.get(Shortfall, starting_after) if plain_id(starting_after) else None
        if anchor is None:
            raise NotFound("starting_after is not an id from this list.",
                                 code="invalid_cursor", param="starting_after")
        query = query.where(or_(
            Shortfall.created_at > anchor.created_at,
            (Shortfall.created_at == anchor.created_at) & (Shortfall.id > anchor.id),
        ))
    rows = list(session.scalars(
        query.order_by(Shortfall.created_at, Shortfall.id).limit(min(limit, MAX_PAGE) + 1)
    ))
    return rows[:limit], len(rows) > limit


def resolve_shortfall(
    session: Session, shortfall_id: str, *, action: str, note: str = "",
    now: datetime | None = None,
) -> Shortfall:
    """Collect a shortfall from the wallet's paid credits, or write it off.

    The wallet is unfrozen when it has no open shortfall left.
    """
    now = now or utcnow()
    shortfall = session.scalar(
        select(Shortfall).where(Shortfall.id == shortfall_id).with_for_update()
        .execution_options(populate_existing=True)
    ) if plain_id(shortfall_id) else None
    if shortfall is None:
        raise NotFound("No such shortfall.", code="shortfall_not_found", param="id")
    if shortfall.status != "open":
        raise Conflict("This shortfall is already resolved.", code="shortfall_resolved")
    if action == "collect":
        paid = chart.user_account(session, shortfall.user_id, chart.Kind.USER_PAID)
        clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING)
        if _held_paid_balance(session, paid.id, clearing.id) < shortfall.credits:
            raise InsufficientCredits(
                f"The wallet holds fewer than the {shortfall.credits:,} paid credits to collect.",
                code="shortfall_not_covered",
            )
        post(session, reference=f"shortfall:{shortfall.id}:collect", kind="topup_shortfall",
             moves=[Move(debit=paid.id, credit=clearing.id, amount=shortfall.credits)],
             metadata={"description": "Shortfall of a refunded top-up collected",
                       "topup_id": shortfall.topup_id, "shortfall_id": shortfall.id})
        shortfall.status = "collected"
    elif action == "write_off":
        from wallet.risk.disputes import write_off_loss

        write_off_loss(session, shortfall.id, shortfall.credits, shortfall.topup_id)
        shortfall.status = "written_off"
    else:
        raise InvalidRequest("action must be 'collect' or 'write_off'.", param="action")
    shortfall.note = note[:500]
    shortfall.resolved_at = now
    session.flush()
    _unfreeze_if_clear(session, shortfall.user_id)
    return shortfall


def _unfreeze_if_clear(session: Session, user_id: str) -> None:
    """Lift the shortfall freeze once nothing is open; a freeze the operator made (with a
    reason) stays until the operator lifts it."""
    from wallet.console.service import frozen_by_operator

    still_open = session.scalar(select(func.count()).select_from(Shortfall).where(
        Shortfall.user_id == user_id, Shortfall.status == "open"))
    if not still_open and not frozen_by_operator(session, user_id):
        session.execute(update(User).where(User.id == user_id).values(frozen=False))
