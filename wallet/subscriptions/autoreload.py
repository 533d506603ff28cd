"""Auto-reload: a saved card tops the wallet up, off-session, when the balance falls
below a threshold. Plain Python over a session: no Flask, no commit.

The rule's state machine (docs/subscriptions.md, "Auto-reload"):

- ``armed``: the next scan that finds ``balance < threshold`` opens ONE top-up (a
  ``TopUp`` row, status ``created``) and disarms the rule, in the same transaction that
  claimed the rule with ``FOR UPDATE SKIP LOCKED``: two scans never start two top-ups
  for one crossing. ``settle``, in a later transaction, sends the provider charge
  (idempotency key: the top-up id) and applies its answer through the webhook handler.
- ``in flight`` (``topup_id`` set): nothing else starts; the scan settles it once the
  top-up is paid (``failures`` back to 0) or failed (``failures + 1``, the person is
  notified, the rule turns off at ``max_failures``).
- ``disarmed``: only a balance back at or above the threshold re-arms it (usually the
  top-up landing). A failed top-up does not re-arm: one attempt per crossing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wallet.credits import service as credits
from wallet.db import is_postgres, utcnow
from wallet.errors import Conflict, InvalidRequest, NotFound, Unprocessable
from wallet.ids import new_id
from wallet.people.models import User
from wallet.subscriptions.models import AutoReloadRule
from wallet.topups import service as topups
from wallet.topups.models import TopUp
from wallet.topups.pricing import Pack, PriceList
from wallet.topups.providers.base import (
    OffSessionProvider,
    PaymentProvider,
    ProviderError,
    SavedCard,
)
from wallet.webhooks.events import emit

PAID = ("succeeded", "held", "refunded", "charged_back")
MAX_THRESHOLD = 1_000_000_000


@dataclass
class ReloadResult:
    """What one scan did, by user id."""

    started: list[str] = field(default_factory=list)
    succeeded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    rearmed: list[str] = field(default_factory=list)

    def add(self, other: ReloadResult) -> None:
        for name in ("started", "succeeded", "failed", "disabled", "rearmed"):
            getattr(self, name).extend(getattr(other, name))

    def as_dict(self) -> dict[str, list[str]]:
        return {"started": self.started, "succeeded": self.succeeded, "failed": self.failed,
                "disabled": self.disabled, "rearmed": self.rearmed}


@dataclass(frozen=True)
class Context:
    """What the scan needs from the app: providers, prices, limits, settings."""

    provider: Callable[[str], PaymentProvider]
    prices: PriceList
    limits: topups.RiskLimits
    max_failures: int
    base_url: str = ""
    notify: Callable[[str, str, str], object] | None = None  # (email, subject, text)


# --------------------------------------------------------------------------- settings


def get_rule(session: Session, user_id: str) -> AutoReloadRule | None:
    return session.get(AutoReloadRule, user_id)


def _rule_for_update(session: Session, user_id: str) -> AutoReloadRule | None:
    return session.scalar(select(AutoReloadRule).where(AutoReloadRule.user_id == user_id)
                          .with_for_update().execution_options(populate_existing=True))


def _rule_to_write(session: Session, user_id: str, provider: str,
                   now: datetime) -> AutoReloadRule:
    """The person's rule, locked; a new (off) one when there is none.

    Two first saves at once both find no rule and both insert: the second insert waits
    on the first's row in the primary key, then meets it. That insert runs under a
    SAVEPOINT (as two subscribe calls at once do), so its failure leaves the request's
    transaction usable: the row the other request committed is read, locked, and
    written over (a save replaces the card), and both answer 200."""
    rule = _rule_for_update(session, user_id)
    if rule is not None:
        return rule
    rule = AutoReloadRule(user_id=user_id, provider=provider, threshold=100, enabled=False,
                          armed=True, failures=0, created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(rule)
            session.flush()
    except IntegrityError:
        existing = _rule_for_update(session, user_id)
        if existing is None:  # not the primary key (a user that does not exist): re-raise
            raise
        return existing
    return rule


def save_card(session: Session, user_id: str, card: SavedCard, provider: str,
              now: datetime | None = None) -> AutoReloadRule:
    """Store a card saved at the provider (replacing the previous one)."""
    now = now or utcnow()
    rule = _rule_to_write(session, user_id, provider, now)
    rule.provider = provider
    rule.customer_ref = card.customer_ref
    rule.payment_method_ref = card.payment_method_ref
    rule.card_last4 = card.last4
    rule.updated_at = now
    session.flush()
    return rule


def remember_setup(session: Session, user_id: str, provider: str, customer_ref: str,
                   setup_ref: str, now: datetime | None = None) -> AutoReloadRule:
    """Keep the provider's customer and the card setup in progress (Stripe SetupIntent)."""
    now = now or utcnow()
    rule = _rule_to_write(session, user_id, provider, now)
    rule.customer_ref, rule.setup_ref, rule.updated_at = customer_ref, setup_ref, now
    session.flush()
    return rule


def set_rule(session: Session, user_id: str, *, threshold: int, pack: Pack, enabled: bool,
             now: datetime | None = None) -> AutoReloadRule:
    """Set ``{threshold, pack}`` and on/off. Turning it on (again) arms it and clears
    the failure count; a rule is armed when saved, so a balance already below the
    threshold reloads once on the next scan."""
    now = now or utcnow()
    if not 0 < threshold <= MAX_THRESHOLD:
        raise InvalidRequest("threshold must be a positive number of credits.", param="threshold")
    rule = _rule_for_update(session, user_id)
    if rule is None or rule.payment_method_ref is None:
        raise Conflict("Save a card first.", code="no_saved_card")
    if enabled and (not rule.enabled or rule.threshold != threshold):
        if rule.topup_id is None:
            rule.armed = True
        rule.failures = 0
        rule.disabled_reason = None
    if not enabled:
        rule.disabled_reason = "turned_off"
    rule.threshold, rule.pack_id, rule.currency = threshold, pack.id, pack.currency
    rule.enabled = enabled
    rule.updated_at = now
    session.flush()
    return rule


def rule_view(rule: AutoReloadRule | None) -> dict[str, Any]:
    if rule is None:
        return {"object": "autoreload", "card": None, "enabled": False, "threshold": None,
                "pack_id": None, "currency": None, "state": "off", "failures": 0,
                "last_failure_message": None, "last_failure_at": None, "topup_id": None,
                "disabled_reason": None}
    return {
        "object": "autoreload",
        "card": ({"last4": rule.card_last4, "provider": rule.provider}
                 if rule.payment_method_ref else None),
        "enabled": rule.enabled, "threshold": rule.threshold, "pack_id": rule.pack_id,
        "currency": rule.currency, "state": state_of(rule), "failures": rule.failures,
        "last_failure_message": rule.last_failure_message,
        "last_failure_at": rule.last_failure_at,
        "topup_id": rule.topup_id, "disabled_reason": rule.disabled_reason,
    }


def state_of(rule: AutoReloadRule) -> str:
    if not rule.enabled:
        return "off"
    if rule.topup_id is not None:
        return "in_flight"
    return "armed" if rule.armed else "waiting"


# --------------------------------------------------------------------------- the scan


def _claim(session: Session, limit: int, in_flight: bool,
           after: str = "") -> list[AutoReloadRule]:
    """Enabled rules (with or without a top-up in flight), locked; others' locks skipped."""
    query = select(AutoReloadRule).where(AutoReloadRule.enabled.is_(True),
                                         AutoReloadRule.user_id > after)
    query = query.where(AutoReloadRule.topup_id.is_not(None) if in_flight
                        else AutoReloadRule.topup_id.is_(None))
    query = query.order_by(AutoReloadRule.user_id).limit(limit)
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query.execution_options(populate_existing=True)))


def scan(session: Session, ctx: Context, *, now: datetime | None = None, limit: int = 200,
         after: str = "") -> tuple[ReloadResult, int, str]:
    """One transaction's worth: settle top-ups in flight, re-arm, start new top-ups.

    Returns the result, how many rules were claimed, and the last user id (the caller
    loops with ``after`` until nothing is claimed)."""
    now = now or utcnow()
    result = ReloadResult()
    rules = _claim(session, limit, in_flight=False, after=after)
    balances = credits.wallet_totals(session, [rule.user_id for rule in rules], now)
    for rule in rules:
        _consider(session, rule, balances[rule.user_id], ctx, now, result)
    session.flush()
    return result, len(rules), rules[-1].user_id if rules else after


def settle(session: Session, ctx: Context, *, now: datetime | None = None, limit: int = 200,
           after: str = "") -> tuple[ReloadResult, int, str]:
    """One transaction's worth of rules with a top-up in flight: send the charge of a
    top-up still ``created`` (same idempotency key if it was sent before), then count a
    paid one as a success and a failed one as a failure."""
    now = now or utcnow()
    result = ReloadResult()
    rules = _claim(session, limit, in_flight=True, after=after)
    for rule in rules:
        _settle(session, rule, ctx, now, result)
    session.flush()
    return result, len(rules), rules[-1].user_id if rules else after


def _consider(session: Session, rule: AutoReloadRule, balance: int, ctx: Context,
              now: datetime, result: ReloadResult) -> None:
    if balance >= rule.threshold:
        if not rule.armed:
            rule.armed = True
            rule.updated_at = now
            result.rearmed.append(rule.user_id)
        return
    if not rule.armed:
        return  # this crossing already had its one top-up (or its one failure)
    rule.armed = False
    rule.updated_at = now
    _start(session, rule, ctx, now, result)


def _start(session: Session, rule: AutoReloadRule, ctx: Context, now: datetime,
           result: ReloadResult) -> None:
    """Open the crossing's one top-up and charge the saved card off-session."""
    try:
        pack = ctx.prices.get(rule.pack_id or "", rule.currency or "")
        provider = ctx.provider(rule.provider)
        if not isinstance(provider, OffSessionProvider):
            raise InvalidRequest(f"{rule.provider} cannot charge a saved card.")
        user = session.scalar(  # locked as a checkout locks it: the limits hold
            select(User).where(User.id == rule.user_id).with_for_update()
            .execution_options(populate_existing=True))
        if user is None or user.frozen:
            raise topups.WalletFrozen()
        topups.check_limits(session, rule.user_id, credits=pack.total_credits,
                            price_minor=pack.price_minor, currency=pack.currency,
                            limits=ctx.limits, now=now)
    except (InvalidRequest, NotFound, Unprocessable) as exc:
        _failed(session, rule, ctx, now, result, exc.message, code=exc.code)
        return
    topup = TopUp(id=new_id("top"), user_id=rule.user_id, pack_id=pack.id,
                  currency=pack.currency, price_minor=pack.price_minor,
                  credits=pack.total_credits, provider=provider.name, status="created",
                  created_at=now, updated_at=now)
    session.add(topup)
    session.flush()
    rule.topup_id = topup.id
    result.started.append(rule.user_id)
    # The charge is sent by ``settle`` in the next transaction, after this one committed
    # the top-up: a charge is never sent for a top-up row that could still roll back.


def _charge(session: Session, rule: AutoReloadRule, topup: TopUp,
            provider: OffSessionProvider, ctx: Context, now: datetime) -> None:
    """Charge; a provider that cannot be reached leaves the top-up ``created``, and the
    next scan sends the same charge again (same idempotency key: one charge at most)."""
    try:
        _send_charge(session, rule, topup, provider, ctx, now)
    except ProviderError:
        return


def _send_charge(session: Session, rule: AutoReloadRule, topup: TopUp,
                 provider: OffSessionProvider, ctx: Context, now: datetime) -> None:
    """The provider charge (idempotent per top-up id), then its answer through the
    top-up flow: a signed webhook when the provider answers with one (sandbox)."""
    answer = provider.charge_off_session(
        topup_id=topup.id, customer_ref=rule.customer_ref or "",
        payment_method_ref=rule.payment_method_ref or "", amount_minor=topup.price_minor,
        currency=topup.currency, description=f"Auto-reload: {topup.credits:,} credits",
        now=int(now.timestamp()),
    )
    topup.provider_ref = topup.payment_ref = answer.payment_ref
    topup.status = "pending"
    if answer.status == "failed" and answer.webhook is None:
        topup.failure_code = "payment_failed"
        topup.failure_message = (answer.message or "The payment failed.")[:500]
        topup.status = "failed"
    session.flush()
    if answer.webhook is not None:
        body, headers = answer.webhook
        topups.process_webhook(session, provider, body, headers, ctx.limits,
                               int(now.timestamp()), base_url=ctx.base_url)


def _settle(session: Session, rule: AutoReloadRule, ctx: Context, now: datetime,
            result: ReloadResult) -> None:
    topup = session.get(TopUp, rule.topup_id) if rule.topup_id else None
    if topup is None:
        rule.topup_id = None
        return
    session.refresh(topup)
    if topup.status == "created":
        provider = ctx.provider(topup.provider)
        if isinstance(provider, OffSessionProvider):
            _charge(session, rule, topup, provider, ctx, now)
            session.refresh(topup)
    if topup.status in PAID:
        rule.topup_id = None
        rule.failures = 0
        rule.updated_at = now
        result.succeeded.append(rule.user_id)
    elif topup.status == "failed":
        rule.topup_id = None
        _failed(session, rule, ctx, now, result, topup.failure_message or "The payment failed.",
                code=topup.failure_code or "payment_failed", topup_id=topup.id)


def _failed(session: Session, rule: AutoReloadRule, ctx: Context, now: datetime,
            result: ReloadResult, message: str, *, code: str,
            topup_id: str | None = None) -> None:
    """Count a failure, tell the person (event + mail), turn the rule off after repeats."""
    rule.failures += 1
    rule.last_failure_message = message[:500]
    rule.last_failure_at = now
    rule.updated_at = now
    result.failed.append(rule.user_id)
    disabled = rule.failures >= ctx.max_failures
    if disabled:
        rule.enabled = False
        rule.disabled_reason = "too_many_failures"
        result.disabled.append(rule.user_id)
    session.flush()
    emit(session, "autoreload.failed", {
        "object": "autoreload_failure", "user_id": rule.user_id, "topup_id": topup_id,
        "code": code, "message": rule.last_failure_message, "failures": rule.failures,
        "disabled": disabled,
    })
    user = session.get(User, rule.user_id)
    if ctx.notify is not None and user is not None:
        text = (f"Your wallet could not be topped up automatically: {message}\n\n"
                + ("Auto-reload is now turned off after repeated failures; turn it on again "
                   "on your wallet page once the card is fixed.\n" if disabled else
                   "It will try once more the next time your balance falls below "
                   f"{rule.threshold:,} credits.\n"))
        ctx.notify(user.email, "Auto-reload failed", text)
