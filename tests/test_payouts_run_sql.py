"""The payout run keeps its per-payout data on the server (``wallet.payouts.run``, issue 12):
what it writes is what the Python run wrote (one journal entry with the same fingerprint,
a posting per payout, payout rows, events), and no statement binds a parameter per
merchant, so a run of any size fits PostgreSQL's 65,535 and SQLite's 32,766 parameters."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.payout_fixtures import available_directly, default_config, later, make_merchant
from tests.support.statements import most_parameters
from wallet.cli import ledger_signing_key
from wallet.ledger import audit, chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, fingerprint, post
from wallet.ledger.models import LedgerTransaction, Posting
from wallet.payouts import service
from wallet.payouts.models import Payout, PayoutAccount, PayoutBatch
from wallet.payouts.run import random_ids
from wallet.webhooks.models import Event


def _run_counting(session: Session, tmp_path: Path, now: Any) -> tuple[Any, int]:
    """A run, and the most parameters one of its statements bound."""
    with most_parameters(session) as most:
        result = service.run_payouts(session, default_config(), out_dir=tmp_path, now=now,
                                     write_files=False)
    return result, most[0]


def test_a_run_binds_no_parameter_per_merchant(session: Session, tmp_path: Path) -> None:
    few = [make_merchant(session, f"Few {n}") for n in range(2)]
    many = [make_merchant(session, f"Many {n}") for n in range(12)]
    for merchant_id in few + many:  # paid once before: in-transit accounts exist
        available_directly(session, merchant_id, 5000)
    for merchant_id in many:
        session.get(PayoutAccount, merchant_id).schedule = "monthly"  # type: ignore[union-attr]
    service.run_payouts(session, default_config(), out_dir=tmp_path, write_files=False)
    for merchant_id in few + many:
        available = chart.merchant_account(session, merchant_id, Kind.MERCHANT_AVAILABLE).id
        clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
        post(session, reference=f"more:{merchant_id}", kind="purchase",
             moves=[Move(clearing, available, 6000)])
    two, most_two = _run_counting(session, tmp_path, later(8))  # the weekly two
    assert sorted(p["merchant_id"] for p in two.payouts) == sorted(few)
    for merchant_id in many:
        session.get(PayoutAccount, merchant_id).schedule = "weekly"  # type: ignore[union-attr]
    for merchant_id in few:
        session.get(PayoutAccount, merchant_id).schedule = "manual"  # type: ignore[union-attr]
    twelve, most_twelve = _run_counting(session, tmp_path, later(8))
    assert sorted(p["merchant_id"] for p in twelve.payouts) == sorted(many)
    assert most_twelve == most_two  # twelve merchants bind what two do


def test_the_run_writes_what_the_python_run_wrote(
        app: Flask, session: Session, tmp_path: Path) -> None:
    config = default_config()
    shops = [make_merchant(session, f"Shop {n}") for n in range(3)]
    for n, merchant_id in enumerate(shops):
        available_directly(session, merchant_id, 4000 + 1234 * n)
    result = service.run_payouts(session, config, out_dir=tmp_path)
    assert len(result.payouts) == 3
    batch = session.get(PayoutBatch, result.batch_id)
    assert batch is not None and batch.payout_count == 3
    assert batch.total_minor == sum(p["amount"] for p in result.payouts)
    assert batch.fee_minor == 3 * config.fee
    entry = session.scalars(select(LedgerTransaction).where(
        LedgerTransaction.reference == f"payout_batch:{batch.id}")).one()
    postings = session.scalars(select(Posting).where(Posting.transaction_id == entry.id)
                               .order_by(Posting.id)).all()
    payouts = {p.id: p for p in session.scalars(select(Payout).where(
        Payout.batch_id == batch.id))}
    # a line per payout, in the batch's (merchant) order, available → in transit
    assert [p.credit_account_id for p in postings] == [
        chart.merchant_account(session, payouts[s["id"]].merchant_id,
                               Kind.MERCHANT_IN_TRANSIT).id for s in result.payouts]
    assert [p.amount for p in postings] == [payouts[s["id"]].credits for s in result.payouts]
    moves = [Move(p.debit_account_id, p.credit_account_id, p.amount) for p in postings]
    meta = {"batch_id": batch.id, "payouts": 3}
    assert entry.fingerprint == fingerprint("payout_batch", moves, meta, None)
    for payout in payouts.values():
        assert re.fullmatch(r"pay_[0-9a-f]{24}", payout.id)
        assert payout.amount_minor == payout.gross_minor - config.fee
        assert payout.gross_minor % config.step == 0 and payout.gross_minor >= config.minimum
        row = session.get(PayoutAccount, payout.merchant_id)
        assert row is not None and row.payout_seq == payout.seq == 1
        assert row.last_scheduled_at == payout.created_at
    events = session.scalars(select(Event).where(Event.type == "payout.created")).all()
    assert len(events) == 3 and len({e.id for e in events}) == 3
    assert all(re.fullmatch(r"evt_[A-Za-z0-9_-]{16}", e.id) for e in events)
    report = audit.verify(session, ledger_signing_key(app).public_key())
    assert report.ok, report.problems


def test_random_ids_are_distinct_and_well_formed() -> None:
    pay, evt = random_ids("pay", 500, 12), random_ids("evt", 500, 12)
    assert len(set(pay)) == len(set(evt)) == 500
    assert all(re.fullmatch(r"pay_[0-9a-f]{24}", i) for i in pay)
    assert all(re.fullmatch(r"evt_[A-Za-z0-9_-]{16}", i) for i in evt)


def test_event_payloads_escape_what_merchants_typed(session: Session, tmp_path: Path) -> None:
    """The ``payout.created`` JSON is spliced together by the database on PostgreSQL: a
    holder name with quotes, a backslash, a control character and non-ASCII letters comes
    back as typed, and the payload equals the API view of the stored payout."""
    config = default_config()
    odd = 'Zoë "The" \\ Bäckerei\t{ok}, née O\'Brien'
    merchant_id = make_merchant(session, "Odd")
    row = session.get(PayoutAccount, merchant_id)
    assert row is not None
    row.holder_name = odd
    available_directly(session, merchant_id, 5000)
    result = service.run_payouts(session, config, out_dir=tmp_path, write_files=False)
    (summary,) = result.payouts
    payout = session.get(Payout, summary["id"])
    assert payout is not None and payout.holder_name == odd
    event = session.scalars(select(Event).where(Event.type == "payout.created")).one()
    assert event.data == service.payout_view(config, payout)
    assert event.data["holder_name"] == odd
