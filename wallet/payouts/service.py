"""Payouts: settings, KYC, eligibility, runs, manual requests, lifecycle, status imports.

Plain Python over a session: no Flask, no commit. Ledger for one payout of ``credits``
(gross value ``gross_minor`` = ``amount_minor`` transferred + ``fee_minor`` kept):

* created (run or request): available → in transit, ``credits``;
* paid: in transit → platform payouts (credits of ``amount_minor``) and
  in transit → platform fees (credits of ``fee_minor``);
* failed or canceled: in transit → available, ``credits`` (the value returns).

Every merchant-side step locks the merchant's ``payout_accounts`` row first, so runs,
requests, lifecycle changes, releases and refunds of one merchant never interleave.
Only ``merchant_available`` accounts are ever debited for a payout: people's credits
(``user_paid``, ``user_promo``) have no path to a bank.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, and_, literal, or_, select
from sqlalchemy.orm import Session

from wallet.db import is_postgres, utcnow
from wallet.errors import Conflict, InvalidRequest, NotFound, Unprocessable
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, post
from wallet.ledger.models import Account, AccountBalance
from wallet.merchants.models import Merchant
from wallet.merchants.service import get_merchant
from wallet.money import credits_to_money, money_to_credits, round_down_to_step
from wallet.payouts import run, sepa
from wallet.payouts.bank_status import BankStatusError, parse_bank_status
from wallet.payouts.config import PayoutConfig
from wallet.payouts.earnings import (
    earnings,
    lock_payout_account,
    open_merchant_accounts,
)
from wallet.payouts.iban import InvalidBic, InvalidIban, bic_for, validate_bic, validate_iban
from wallet.payouts.models import SCHEDULES, Payout, PayoutAccount, PayoutBatch
from wallet.risk import service as risk
from wallet.risk.reviews import hold_concentrated
from wallet.webhooks.events import emit

payouts_t = cast(Table, Payout.__table__)
payout_accounts_t = cast(Table, PayoutAccount.__table__)
merchants_t = cast(Table, Merchant.__table__)
accounts_t = cast(Table, Account.__table__)
balances_t = cast(Table, AccountBalance.__table__)

FINAL = ("paid", "failed", "canceled")


def new_payout_id() -> str:
    """``pay_`` + 24 hex digits: only characters a SEPA end-to-end id allows."""
    return f"pay_{secrets.token_hex(12)}"


def new_batch_id() -> str:
    return f"bat_{secrets.token_hex(12)}"


# --- amounts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """What a payout of ``available`` credits would be."""

    available: int
    value: int  # money value of the available credits
    gross: int  # value rounded down to the step
    fee: int
    amount: int  # transferred: gross - fee
    credits: int  # credits that leave available earnings
    remainder: int  # credits that stay

    @property
    def reaches_minimum(self) -> bool:
        return self.amount > 0 and self.gross > 0


def quote(config: PayoutConfig, available: int) -> Quote:
    value, _ = credits_to_money(available, config.rate)
    gross = round_down_to_step(value, config.step)
    credits = config.money_to_credits_exact(gross)
    return Quote(available, value, gross, config.fee, max(gross - config.fee, 0), credits,
                 available - credits)


def minimum_credits(config: PayoutConfig) -> int:
    """Fewest credits whose value reaches the minimum (exact: the minimum is whole chunks)."""
    return money_to_credits(config.minimum, config.rate)


# --- settings and KYC -------------------------------------------------------------------------


def settings_view(session: Session, merchant_id: str) -> dict[str, Any]:
    row = session.get(PayoutAccount, merchant_id)
    merchant = session.get(Merchant, merchant_id)
    return {
        "object": "payout_settings",
        "merchant_id": merchant_id,
        "iban": row.iban if row else None,
        "bic": row.bic if row else None,
        "holder_name": row.holder_name if row else None,
        "schedule": row.schedule if row else "weekly",
        "kyc_status": merchant.kyc_status if merchant else None,
    }


def update_settings(
    session: Session, config: PayoutConfig, merchant_id: str, *, iban: str, holder_name: str,
    schedule: str, bic: str | None = None,
) -> dict[str, Any]:
    """Validate and store bank details and schedule; nothing is stored when one is bad."""
    sepa_only = config.currency == "EUR"
    try:
        compact = validate_iban(iban, require_sepa=sepa_only)
    except InvalidIban as exc:
        raise Unprocessable(f"The IBAN is not valid: {exc}.", code="invalid_iban",
                             param="iban") from None
    try:
        bic_value = validate_bic(bic) if bic else bic_for(compact)
    except InvalidBic as exc:
        raise InvalidRequest(f"The BIC is not valid: {exc}.", code="invalid_bic",
                             param="bic") from None
    name = " ".join(holder_name.split())
    if not name or not sepa._sepa_text(name, sepa.MAX_NAME, "holder_name"):
        raise InvalidRequest("holder_name must name the account holder.",
                             code="invalid_holder_name", param="holder_name")
    if schedule not in SCHEDULES:
        raise InvalidRequest("schedule is weekly, monthly or manual.",
                             code="invalid_schedule", param="schedule")
    row = lock_payout_account(session, merchant_id)
    risk.record_bank_change(session, config.risk, merchant_id, old=(row.iban, row.holder_name),
                            new=(compact, name[:70]))
    row.iban, row.bic, row.holder_name, row.schedule = compact, bic_value, name[:70], schedule
    row.updated_at = utcnow()
    session.flush()
    return settings_view(session, merchant_id)


# --- eligibility ------------------------------------------------------------------------------


@dataclass
class Eligibility:
    quote: Quote
    reasons: list[dict[str, str]] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons


def eligibility(session: Session, config: PayoutConfig, merchant_id: str,
                now: datetime | None = None) -> Eligibility:
    """Whether a payout can be made now, and every reason why not (risk holds first)."""
    merchant = get_merchant(session, merchant_id)
    row = session.get(PayoutAccount, merchant_id)
    result = Eligibility(quote(config, earnings(session, merchant_id).available))
    result.reasons.extend(risk.payout_holds(session, config.risk, merchant_id, now))
    if merchant.kyc_status != "verified":
        result.reasons.append({
            "code": "kyc_not_verified",
            "message": f"Payouts need a verified identity (KYC status: {merchant.kyc_status}).",
        })
    if row is None or not row.iban or not row.holder_name:
        result.reasons.append({
            "code": "no_bank_account",
            "message": "Add a valid IBAN and account holder with PUT /v1/payout_settings.",
        })
    missing = config.minimum - result.quote.value
    if missing > 0:
        result.reasons.append({
            "code": "below_minimum",
            "message": f"Available earnings are worth {config.display(result.quote.value)}; "
                       f"the minimum payout is {config.display(config.minimum)}: "
                       f"{config.display(missing)} missing.",
        })
    return result


def eligibility_view(config: PayoutConfig, result: Eligibility) -> dict[str, Any]:
    q = result.quote
    return {
        "object": "payout_eligibility",
        "eligible": result.eligible,
        "reasons": result.reasons,
        "currency": config.currency,
        "available_value": q.value,
        "available_value_display": config.display(q.value),
        "minimum": config.minimum,
        "minimum_display": config.display(config.minimum),
        "missing": max(config.minimum - q.value, 0),
        "missing_display": config.display(max(config.minimum - q.value, 0)),
        "next_payout": {
            "credits": q.credits, "gross": q.gross, "fee": q.fee, "amount": q.amount,
            "amount_display": config.display(q.amount), "remainder_credits": q.remainder,
        } if result.eligible else None,
    }


# --- payouts ----------------------------------------------------------------------------------


def request_payout(
    session: Session, config: PayoutConfig, merchant_id: str, *, now: datetime | None = None,
    hold_release: bool = True,
) -> Payout:
    """A merchant's own payout request, under the rules of a run (KYC, IBAN, minimum)."""
    from wallet.payouts.earnings import release

    now = now or utcnow()
    row = lock_payout_account(session, merchant_id)
    if hold_release:
        release(session, config.hold_days, now=now, merchant_ids=[merchant_id])
        session.refresh(row)
    hold_concentrated(session, config.risk, [merchant_id], now)
    result = eligibility(session, config, merchant_id, now)
    risk.raise_for_holds(result.reasons)
    for reason in result.reasons:
        if reason["code"] == "below_minimum":
            raise Unprocessable(reason["message"], code="below_minimum")
        raise Unprocessable(reason["message"], code=reason["code"])
    q = result.quote
    accounts = {
        kind: chart.merchant_account(session, merchant_id, kind).id
        for kind in (Kind.MERCHANT_AVAILABLE, Kind.MERCHANT_IN_TRANSIT)
    }
    payout_id = new_payout_id()
    post(session, reference=f"payout:{payout_id}", kind="payout",
         moves=[Move(accounts[Kind.MERCHANT_AVAILABLE], accounts[Kind.MERCHANT_IN_TRANSIT],
                     q.credits)],
         metadata={"payout_id": payout_id, "merchant_id": merchant_id})
    row.payout_seq += 1
    assert row.iban and row.holder_name
    payout = Payout(
        id=payout_id, merchant_id=merchant_id, seq=row.payout_seq, status="pending",
        origin="request", credits=q.credits, gross_minor=q.gross, fee_minor=q.fee,
        amount_minor=q.amount, currency=config.currency, iban=row.iban, bic=row.bic,
        holder_name=row.holder_name, created_at=now,
    )
    session.add(payout)
    session.flush()
    emit(session, "payout.created", payout_view(config, payout), merchant_id)
    return payout


@dataclass
class RunResult:
    batch_id: str | None
    payouts: list[dict[str, Any]]
    files: dict[str, str | None]
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"batch_id": self.batch_id, "payouts": self.payouts, "files": self.files}


def _due_clause(now: datetime) -> Any:
    pa = payout_accounts_t
    week_ago = now - timedelta(days=7)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return or_(
        and_(pa.c.schedule == "weekly",
             or_(pa.c.last_scheduled_at.is_(None), pa.c.last_scheduled_at <= week_ago)),
        and_(pa.c.schedule == "monthly",
             or_(pa.c.last_scheduled_at.is_(None), pa.c.last_scheduled_at < month_start)),
    )


def _claim_query(session: Session, config: PayoutConfig, now: datetime) -> Any:
    """Due, verified merchants with bank details and enough available, locked."""
    pa, m, a, b = payout_accounts_t, merchants_t, accounts_t, balances_t
    t = accounts_t.alias("in_transit")
    query = (
        select(pa.c.merchant_id, pa.c.iban, pa.c.bic, pa.c.holder_name, pa.c.payout_seq,
               a.c.id.label("available_id"), b.c.balance, t.c.id.label("in_transit_id"))
        .select_from(
            pa.join(m, m.c.id == pa.c.merchant_id)
            .join(a, a.c.code == literal("merchant:") + pa.c.merchant_id
                  + literal(":available"))
            .join(b, and_(b.c.account_id == a.c.id, b.c.shard == 0))
            .outerjoin(t, t.c.code == literal("merchant:") + pa.c.merchant_id
                       + literal(":in_transit"))
        )
        .where(m.c.kyc_status == "verified", pa.c.iban.is_not(None),
               pa.c.holder_name.is_not(None), b.c.balance >= minimum_credits(config),
               _due_clause(now),
               risk.runnable_clause(config.risk, now, pa.c.merchant_id, m.c.created_at))
        .order_by(pa.c.merchant_id)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=[pa, b])
    return query


def _claim_requested(session: Session) -> list[Payout]:
    """Pending payouts that merchants requested and no batch carries yet, locked."""
    query = (select(Payout).where(Payout.status == "pending", Payout.batch_id.is_(None))
             .order_by(Payout.created_at, Payout.id))
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query.execution_options(populate_existing=True)))


def run_payouts(
    session: Session, config: PayoutConfig, *, out_dir: Path, now: datetime | None = None,
    write_files: bool = True,
) -> RunResult:
    """One payout run: one batch paying every eligible merchant once, plus requests.

    The per-payout data stays on the server (``wallet.payouts.run``): one statement per
    step whatever the number of merchants. ``write_files=False`` leaves the bank files to
    ``build_batch_files`` (e.g. after the commit, so the locks are held shorter).
    """
    clock = time.perf_counter
    timings: dict[str, float] = {}
    started = clock()
    now = now or utcnow()
    requested = _claim_requested(session)
    with run.run_table(session):
        run.claim_into_table(session, config, _claim_query(session, config, now))
        run.drop_merchants(session, hold_concentrated(session, config.risk,
                                                      run.merchant_ids(session), now))
        timings["claim"] = clock() - started

        mark = clock()
        count, payout_ids, event_ids = run.new_ids(session)
        if not count and not requested:
            return RunResult(None, [], {"pain001": None, "csv": None}, timings)
        first_payouts = run.merchant_ids(session, without_in_transit=True)
        if first_payouts:  # a merchant's first payout opens its in-transit account
            run.set_in_transit(session, open_merchant_accounts(session, first_payouts,
                                                               Kind.MERCHANT_IN_TRANSIT))
        columns = ["n", "merchant_id", "available_id", "in_transit_id", "credits", "gross"]
        if write_files:
            columns += ["iban", "bic", "holder_name"]
        new_rows = run.rows(session, *columns)
        timings["plan"] = clock() - mark

        mark = clock()
        batch_id = new_batch_id()
        if new_rows:
            run.post_batch_entry(session, batch_id, [
                (r.available_id, r.in_transit_id, r.credits) for r in new_rows], now)
        timings["ledger"] = clock() - mark

        mark = clock()
        fee, currency = config.fee, config.currency
        summary = [{"id": payout_ids[r.n - 1], "merchant_id": r.merchant_id,
                    "amount": r.gross - fee, "currency": currency, "fee": fee}
                   for r in new_rows]
        summary += [{"id": p.id, "merchant_id": p.merchant_id, "amount": p.amount_minor,
                     "currency": p.currency, "fee": p.fee_minor} for p in requested]
        session.add(PayoutBatch(
            id=batch_id, currency=currency, payout_count=len(summary),
            total_minor=sum(p["amount"] for p in summary),
            fee_minor=sum(p["fee"] for p in summary), csv="", created_at=now,
        ))
        session.flush()
        if new_rows:
            run.insert_payouts(session, config, batch_id, now, payout_ids)
            run.advance_accounts(session, now)
            run.insert_events(session, config, batch_id, now, utcnow(), payout_ids, event_ids)
        for p in requested:
            p.batch_id = batch_id
        session.flush()
        timings["rows"] = clock() - mark

    files: dict[str, str | None] = {"pain001": None, "csv": None}
    if write_files:
        mark = clock()
        lines = [_line({"id": payout_ids[r.n - 1], "merchant_id": r.merchant_id,
                        "holder_name": r.holder_name, "iban": r.iban, "bic": r.bic,
                        "amount_minor": r.gross - fee, "currency": currency,
                        "fee_minor": fee}) for r in new_rows]
        lines += [_line(_payout_dict(p)) for p in requested]
        files = _store_files(session, config, batch_id, lines, out_dir, now)
        timings["files"] = clock() - mark
    timings["total"] = clock() - started
    return RunResult(batch_id, summary, files, timings)


def build_batch_files(session: Session, config: PayoutConfig, batch_id: str, *,
                      out_dir: Path, now: datetime | None = None) -> dict[str, str | None]:
    """(Re)build a batch's pain.001 and CSV from its payout rows, store and write them."""
    batch = session.get(PayoutBatch, batch_id)
    if batch is None:
        raise NotFound("No such payout batch.", code="batch_not_found", param="id")
    payouts = session.scalars(
        select(Payout).where(Payout.batch_id == batch_id).order_by(Payout.merchant_id)
    ).all()
    lines = [_line(_payout_dict(p)) for p in payouts]
    return _store_files(session, config, batch_id, lines, out_dir, now or batch.created_at)


def _store_files(session: Session, config: PayoutConfig, batch_id: str,
                 lines: Sequence[sepa.PayoutLine], out_dir: Path,
                 now: datetime) -> dict[str, str | None]:
    files = _write_files(config, batch_id, lines, out_dir, now)
    batch = session.get(PayoutBatch, batch_id)
    assert batch is not None
    batch.pain001 = files.pop("_pain001_bytes", None)
    batch.csv = files.pop("_csv_text")
    batch.pain001_path, batch.csv_path = files["pain001"], files["csv"]
    session.flush()
    return files


def _payout_dict(p: Payout) -> dict[str, Any]:
    return {"id": p.id, "merchant_id": p.merchant_id, "holder_name": p.holder_name,
            "iban": p.iban, "bic": p.bic, "amount_minor": p.amount_minor,
            "currency": p.currency, "fee_minor": p.fee_minor}


def _line(r: dict[str, Any]) -> sepa.PayoutLine:
    return sepa.PayoutLine(
        payout_id=r["id"], merchant_id=r["merchant_id"], holder_name=r["holder_name"],
        iban=r["iban"], bic=r["bic"], amount_minor=r["amount_minor"], currency=r["currency"],
        fee_minor=r["fee_minor"], description=f"Earnings payout {r['id']}",
    )


def _write_files(
    config: PayoutConfig, batch_id: str, lines: Sequence[sepa.PayoutLine], out_dir: Path,
    now: datetime,
) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_text = sepa.build_csv(lines)
    csv_path = out_dir / f"{batch_id}.csv"
    csv_path.write_text(csv_text, encoding="utf-8", newline="")
    files: dict[str, Any] = {"pain001": None, "csv": str(csv_path), "_csv_text": csv_text}
    if config.currency == "EUR":
        execution = (now + timedelta(days=config.execution_days)).date()
        document = sepa.build_pain001(batch_id, lines, config.debtor, execution, created_at=now)
        xml_path = out_dir / f"{batch_id}.pain001.xml"
        xml_path.write_bytes(document)
        files["pain001"] = str(xml_path)
        files["_pain001_bytes"] = document
    return files


# --- lifecycle --------------------------------------------------------------------------------


def get_payout(session: Session, payout_id: str, merchant_id: str | None = None) -> Payout:
    payout = session.get(Payout, payout_id)
    if payout is None or (merchant_id is not None and payout.merchant_id != merchant_id):
        raise NotFound("No such payout.", code="payout_not_found", param="id")
    return payout


def _locked_payout(session: Session, payout_id: str, merchant_id: str | None) -> Payout:
    payout = get_payout(session, payout_id, merchant_id)
    lock_payout_account(session, payout.merchant_id)
    query = select(Payout).where(Payout.id == payout_id)
    if is_postgres(session):
        query = query.with_for_update()
    return session.execute(query.execution_options(populate_existing=True)).scalar_one()


ALLOWED = {
    "submitted": ("pending",),
    "paid": ("pending", "submitted"),
    "failed": ("pending", "submitted"),
    "canceled": ("pending",),
}


def set_status(
    session: Session, config: PayoutConfig, payout_id: str, status: str, *,
    reason: str | None = None, merchant_id: str | None = None, now: datetime | None = None,
) -> Payout:
    """Move a payout along pending → submitted → paid | failed, or cancel a pending one.

    Setting the status a payout already has changes nothing (bank files get replayed).
    """
    if status not in ALLOWED:
        raise InvalidRequest("status is submitted, paid, failed or canceled.", param="status")
    now = now or utcnow()
    payout = _locked_payout(session, payout_id, merchant_id)
    if payout.status == status:
        return payout
    if payout.status not in ALLOWED[status]:
        raise Conflict(f"A {payout.status} payout cannot become {status}.",
                       code="invalid_payout_transition", param="status")
    if status == "canceled" and payout.batch_id is not None:
        batch = session.get(PayoutBatch, payout.batch_id)
        if batch is not None and batch.submitted_at is not None:
            raise Conflict("The payout's batch was submitted to the bank: mark it failed.",
                           code="invalid_payout_transition", param="status")
    if status == "failed" and not reason:
        reason = "failed"
    _post_settlement(session, config, payout, status)
    payout.status = status
    if status == "submitted":
        payout.submitted_at = now
    else:
        payout.settled_at = now
    if status in ("failed", "canceled"):
        payout.failure_reason = (reason or status)[:500]
    session.flush()
    if status != "submitted":
        emit(session, f"payout.{status}", payout_view(config, payout), payout.merchant_id)
    return payout


def _post_settlement(session: Session, config: PayoutConfig, payout: Payout, status: str) -> None:
    if status == "submitted":
        return
    in_transit = chart.merchant_account(session, payout.merchant_id, Kind.MERCHANT_IN_TRANSIT).id
    meta = {"payout_id": payout.id, "merchant_id": payout.merchant_id}
    if status == "paid":
        fee_credits = payout.credits * payout.fee_minor // payout.gross_minor
        moves = [Move(in_transit, chart.platform_account(session, Kind.PAYOUTS).id,
                      payout.credits - fee_credits)]
        if fee_credits:
            moves.append(Move(in_transit, chart.platform_account(session, Kind.FEES).id,
                              fee_credits))
        post(session, reference=f"payout:{payout.id}:paid", kind="payout_paid", moves=moves,
             metadata=meta)
        return
    available = chart.merchant_account(session, payout.merchant_id, Kind.MERCHANT_AVAILABLE).id
    post(session, reference=f"payout:{payout.id}:{status}", kind=f"payout_{status}",
         moves=[Move(in_transit, available, payout.credits)], metadata=meta)


def submit_batch(session: Session, config: PayoutConfig, batch_id: str,
                 now: datetime | None = None) -> PayoutBatch:
    now = now or utcnow()
    batch = session.get(PayoutBatch, batch_id)
    if batch is None:
        raise NotFound("No such payout batch.", code="batch_not_found", param="id")
    pending = session.scalars(
        select(Payout.id).where(Payout.batch_id == batch_id, Payout.status == "pending")
        .order_by(Payout.merchant_id, Payout.id)  # payout rows locked in merchant order
    ).all()
    for payout_id in pending:
        set_status(session, config, payout_id, "submitted", now=now)
    batch.submitted_at = batch.submitted_at or now
    session.flush()
    return batch


def import_status(session: Session, config: PayoutConfig, data: bytes,
                  now: datetime | None = None) -> dict[str, Any]:
    """Apply a bank status file (CSV or camt.054). Unknown ids and conflicts are reported."""
    try:
        lines = parse_bank_status(data)
    except BankStatusError as exc:
        raise Unprocessable(f"The status file cannot be read: {exc}",
                             code="invalid_status_file") from None
    summary: dict[str, Any] = {"paid": 0, "failed": 0, "unchanged": 0, "unknown": [],
                               "conflicts": []}
    # Every merchant's payout row up front, in merchant id order (the global lock
    # order), rather than file order half-way through the ledger work.
    merchants = session.scalars(select(Payout.merchant_id).where(
        Payout.id.in_([line.payout_id for line in lines])).distinct()).all()
    for merchant_id in sorted(merchants):
        lock_payout_account(session, merchant_id)
    for line in lines:
        payout = session.get(Payout, line.payout_id)
        if payout is None:
            summary["unknown"].append(line.payout_id)
            continue
        if payout.status == line.status:
            summary["unchanged"] += 1
            continue
        if payout.status not in ALLOWED[line.status]:
            summary["conflicts"].append({"id": payout.id, "status": payout.status,
                                         "reported": line.status})
            continue
        set_status(session, config, payout.id, line.status, reason=line.reason, now=now)
        summary[line.status] += 1
    return summary


# --- views ------------------------------------------------------------------------------------


def payout_view(config: PayoutConfig, payout: Payout,
                display: Callable[[int], str] | None = None) -> dict[str, Any]:
    """A payout as the API shows it; ``display``: ``config.display`` (e.g. memoised)."""
    if payout.currency != config.currency:
        display = str
    elif display is None:
        display = config.display
    return {
        "object": "payout", "id": payout.id, "merchant_id": payout.merchant_id,
        "status": payout.status, "origin": payout.origin, "batch_id": payout.batch_id,
        "credits": payout.credits, "currency": payout.currency,
        "gross": payout.gross_minor, "fee": payout.fee_minor, "amount": payout.amount_minor,
        "amount_display": display(payout.amount_minor), "fee_display": display(payout.fee_minor),
        "iban_last4": payout.iban[-4:], "holder_name": payout.holder_name,
        "failure_reason": payout.failure_reason, "created_at": payout.created_at.isoformat(),
        "submitted_at": payout.submitted_at.isoformat() if payout.submitted_at else None,
        "settled_at": payout.settled_at.isoformat() if payout.settled_at else None,
    }


def balance_view(session: Session, config: PayoutConfig, merchant_id: str) -> dict[str, Any]:
    e = earnings(session, merchant_id)
    values = {name: credits_to_money(getattr(e, name), config.rate)
              for name in ("pending", "available", "in_transit")}
    value: dict[str, Any] = {"currency": config.currency}
    for name, (money, leftover) in values.items():
        value[name] = money
        value[f"{name}_display"] = config.display(money)
        value[f"{name}_unconverted_credits"] = leftover
    result = eligibility(session, config, merchant_id)
    return {
        "object": "balance",
        "merchant_id": merchant_id,
        "earnings": {"pending": e.pending, "available": e.available,
                     "in_transit": e.in_transit, "reserved": e.reserved, "debt": e.debt},
        "value": value,
        "rate": {"credits": config.rate.credits, "money_minor": config.rate.money_minor,
                 "currency": config.currency},
        "hold_days": config.hold_days,
        "payouts": eligibility_view(config, result),
    }


def batch_view(batch: PayoutBatch) -> dict[str, Any]:
    return {
        "object": "payout_batch", "id": batch.id, "currency": batch.currency,
        "payout_count": batch.payout_count, "total": batch.total_minor, "fee": batch.fee_minor,
        "created_at": batch.created_at.isoformat(),
        "submitted_at": batch.submitted_at.isoformat() if batch.submitted_at else None,
        "has_pain001": batch.pain001 is not None,
    }
