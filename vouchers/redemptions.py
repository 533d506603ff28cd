"""A counter's own redemptions: the end-of-shift summary, and the void of a mistaken one.

Void (DESIGN §5, vouchers): for ``VOID_WINDOW`` after a redemption the counter that made it
may take it back. The value moves from the merchant's earnings (pending first, then
available, as for a purchase refund) back to ``VOUCHERS_OUTSTANDING`` and onto the voucher:
its ``remaining`` grows back and a voucher that this redemption closed is active again.

Exactly once: the redemption row is locked and read before anything moves, its ``voided_at``
and ``void_transaction_id`` are set together (a CHECK keeps them paired), and the ledger
reference is ``voucher:void:<redemption id>``. Voiding a voided redemption again moves
nothing and answers the voided redemption.

Lock order: redemption row, voucher row, the merchant's payout row, then the balance rows of
``VOUCHERS_OUTSTANDING`` and the merchant's earnings in account-id order, which is the
ledger's own order, so a void never deadlocks with a redemption or a payout.

Plain Python over a session: no Flask, no commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, case, func, select, update
from sqlalchemy.orm import Session

from vouchers.models import Voucher, VoucherRedemption
from vouchers.service import VoucherStateError
from wallet.db import is_postgres, utcnow
from wallet.errors import Conflict, NotFound
from wallet.ids import looks_like_id
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import post
from wallet.ledger.errors import InsufficientFunds
from wallet.ledger.models import AccountBalance
from wallet.payouts.earnings import lock_payout_account, refund_source_moves

vouchers_t = cast(Table, Voucher.__table__)
redemptions_t = cast(Table, VoucherRedemption.__table__)
balances_t = cast(Table, AccountBalance.__table__)

VOID_WINDOW = timedelta(minutes=10)


class RedemptionNotFound(NotFound):
    code = "redemption_not_found"
    default_message = "No such redemption at this counter."


class VoidWindowPassed(Conflict):
    code = "void_window_passed"


# --- the end-of-shift summary ------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftSummary:
    """Redemptions at one counter in ``[since, until)``; voided ones are counted apart."""

    since: datetime
    until: datetime
    count: int
    total: int
    voided_count: int
    voided_total: int

    @property
    def net_total(self) -> int:
        return self.total - self.voided_total


def counter_redemptions(counter_id: str, since: datetime, until: datetime) -> Select[Any]:
    """This counter's redemptions in ``[since, until)`` (page it with ``wallet.web.paging``)."""
    return select(VoucherRedemption).where(
        VoucherRedemption.counter_id == counter_id, VoucherRedemption.kind == "redeem",
        VoucherRedemption.created_at >= since, VoucherRedemption.created_at < until)


def shift_summary(session: Session, counter_id: str, since: datetime,
                  until: datetime) -> ShiftSummary:
    voided = VoucherRedemption.voided_at.is_not(None)
    row = session.execute(
        counter_redemptions(counter_id, since, until).with_only_columns(
            func.count(), func.coalesce(func.sum(VoucherRedemption.amount), 0),
            func.coalesce(func.sum(case((voided, 1), else_=0)), 0),
            func.coalesce(func.sum(case((voided, VoucherRedemption.amount), else_=0)), 0),
        )
    ).one()
    return ShiftSummary(since, until, *(int(value) for value in row))


# --- void --------------------------------------------------------------------------------------


def void_redemption(
    session: Session, *, counter_id: str, redemption_id: str,
    window: timedelta = VOID_WINDOW, now: datetime | None = None,
) -> VoucherRedemption:
    """Take back a redemption this counter made less than ``window`` ago (see module doc)."""
    now = now or utcnow()
    redemption = _locked_redemption(session, counter_id, redemption_id)
    if redemption.voided_at is not None:
        return redemption
    if now - redemption.created_at > window:
        minutes = int(window.total_seconds() // 60)
        raise VoidWindowPassed(f"A redemption can only be voided within {minutes} minutes.",
                               param="redemption_id")
    _put_back_on_voucher(session, redemption)
    outstanding = chart.platform_account(session, Kind.VOUCHERS_OUTSTANDING)
    merchant_id = str(redemption.merchant_id)
    _lock_accounts(session, merchant_id, outstanding.id)
    try:
        moves = refund_source_moves(session, merchant_id, [(outstanding.id, redemption.amount)])
        txn = post(session, reference=f"voucher:void:{redemption.id}", kind="voucher_void",
                   moves=moves, metadata={"voucher_id": redemption.voucher_id,
                                          "redemption_id": redemption.id,
                                          "counter_id": counter_id,
                                          "merchant_id": merchant_id})
    except InsufficientFunds:
        raise Conflict("The merchant's earnings no longer cover this redemption.",
                       code="earnings_insufficient", param="redemption_id") from None
    redemption.voided_at, redemption.void_transaction_id = now, txn.id
    session.flush()
    return redemption


def _locked_redemption(session: Session, counter_id: str,
                       redemption_id: str) -> VoucherRedemption:
    """The counter's own redemption, row-locked; anyone else's answers 404."""
    if not looks_like_id(redemption_id):
        raise RedemptionNotFound(param="redemption_id")
    query = select(VoucherRedemption).where(
        VoucherRedemption.id == redemption_id, VoucherRedemption.counter_id == counter_id,
        VoucherRedemption.kind == "redeem")
    if is_postgres(session):
        query = query.with_for_update()
    found = session.scalars(query.execution_options(populate_existing=True)).first()
    if found is None:
        raise RedemptionNotFound(param="redemption_id")
    return found


def _put_back_on_voucher(session: Session, redemption: VoucherRedemption) -> None:
    """Grow the voucher's ``remaining`` back; a voucher closed by redeeming is active again."""
    amount = redemption.amount
    done = session.execute(
        update(vouchers_t)
        .where(vouchers_t.c.id == redemption.voucher_id,
               vouchers_t.c.status.in_(("active", "redeemed")),
               vouchers_t.c.remaining + amount <= vouchers_t.c.value)
        .values(remaining=vouchers_t.c.remaining + amount, status="active", closed_at=None)
        .returning(vouchers_t.c.id)
    ).first()
    voucher = session.get(Voucher, redemption.voucher_id)
    if voucher is not None:
        session.expire(voucher)
    if done is None:
        raise VoucherStateError("The voucher was revoked, claimed or expired since; this "
                                "redemption can no longer be voided.",
                                code="voucher_unavailable", param="redemption_id")


def _lock_accounts(session: Session, merchant_id: str, outstanding_id: int) -> None:
    """The payout row, then every balance row the void touches, in the ledger's order."""
    lock_payout_account(session, merchant_id)
    if not is_postgres(session):
        return  # SQLite: one writer at a time (BEGIN IMMEDIATE)
    earnings = [chart.merchant_account(session, merchant_id, kind).id
                for kind in (Kind.MERCHANT_PENDING, Kind.MERCHANT_AVAILABLE)]
    session.execute(
        select(balances_t.c.account_id)
        .where(balances_t.c.account_id.in_([outstanding_id, *earnings]))
        .order_by(balances_t.c.account_id, balances_t.c.shard).with_for_update()
    ).all()
