"""Earnings → hold → release → run → batch files → paid / failed, on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.payout_fixtures import (
    available_directly,
    default_config,
    fund_user,
    later,
    make_merchant,
    odd_config,
    purchases,
)
from wallet.cli import ledger_signing_key
from wallet.ledger import audit, chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, balance, post
from wallet.payouts import service
from wallet.payouts.earnings import earnings, refund_source_moves, release
from wallet.payouts.models import Payout, PayoutBatch
from wallet.payouts.reports import fee_report
from wallet.payouts.sepa import validate_pain001
from wallet.webhooks.models import Event


def _verify(app: Flask, session: Session) -> None:
    report = audit.verify(session, ledger_signing_key(app).public_key())
    assert report.ok, report.problems


def test_worked_scenario_1000_purchases_of_7_credits(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    config = odd_config()
    merchant = make_merchant(session, "Kiosk")
    purchases(session, merchant, 1000, 7)
    assert earnings(session, merchant).pending == 7000

    # Before the hold has passed nothing is released and nothing is paid.
    assert release(session, config.hold_days, now=later(6)).credits == 0
    early = service.run_payouts(session, config, out_dir=tmp_path, now=later(6))
    assert early.batch_id is None and early.payouts == []

    released = release(session, config.hold_days, now=later(8))
    assert released.credits == 7000
    e = earnings(session, merchant)
    assert (e.pending, e.available, e.in_transit) == (0, 7000, 0)
    # A second release finds nothing new: the watermark moved past every purchase.
    assert release(session, config.hold_days, now=later(9)).credits == 0

    result = service.run_payouts(session, config, out_dir=tmp_path, now=later(8))
    assert result.batch_id is not None
    # 7,000 credits at 3 credits = 2 cents: 4,666 cents (1 credit left over);
    # rounded down to the 5.00 step: 45.00 = 6,750 credits; minus the 0.30 fee.
    assert result.payouts == [{"id": result.payouts[0]["id"], "merchant_id": merchant,
                               "amount": 4470, "currency": "EUR", "fee": 30}]
    e = earnings(session, merchant)
    assert (e.pending, e.available, e.in_transit) == (0, 250, 6750)
    payout = session.get(Payout, result.payouts[0]["id"])
    assert payout is not None
    assert (payout.credits, payout.gross_minor, payout.status) == (6750, 4500, "pending")

    pain001 = Path(str(result.files["pain001"])).read_bytes()
    validate_pain001(pain001)
    assert b"<InstdAmt Ccy=\"EUR\">44.70</InstdAmt>" in pain001
    assert "44.70" in Path(str(result.files["csv"])).read_text()
    batch = session.get(PayoutBatch, result.batch_id)
    assert batch is not None and batch.pain001 == pain001 and batch.total_minor == 4470

    # Nothing is paid twice: a second run finds 250 credits, below the minimum.
    again = service.run_payouts(session, config, out_dir=tmp_path, now=later(30))
    assert again.batch_id is None

    service.submit_batch(session, config, result.batch_id)
    service.set_status(session, config, payout.id, "paid")
    e = earnings(session, merchant)
    assert (e.available, e.in_transit) == (250, 0)
    fees = chart.platform_account(session, Kind.FEES).id
    assert balance(session, fees) == 45  # 0.30 EUR at 3 credits = 2 cents
    _verify(app, session)


def test_default_rate_and_cli_json(app: Flask, session: Session, risk_off: None,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    merchant = make_merchant(session, "Default")
    available_directly(session, merchant, 7003)
    result = app.test_cli_runner().invoke(args=["payouts", "run", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    # 100 credits = 0.80 EUR: 7,003 credits are 56.00 EUR and 3 credits; step 1.00, fee 0.20.
    mine = [p for p in out["payouts"] if p["merchant_id"] == merchant]
    assert mine == [{"id": mine[0]["id"], "merchant_id": merchant, "amount": 5580,
                     "currency": "EUR", "fee": 20}]
    assert out["batch_id"].startswith("bat_")
    assert Path(out["files"]["pain001"]).is_file() and Path(out["files"]["csv"]).is_file()
    assert Path(out["files"]["pain001"]).parent == Path(app.instance_path) / "payouts"
    assert earnings(session, merchant).available == 3
    _verify(app, session)


def test_failed_payout_returns_its_value(app: Flask, session: Session, tmp_path: Path) -> None:
    config = default_config()
    merchant = make_merchant(session, "Failing")
    available_directly(session, merchant, 5000)
    result = service.run_payouts(session, config, out_dir=tmp_path)
    payout_id = result.payouts[0]["id"]
    assert earnings(session, merchant).available == 0
    service.set_status(session, config, payout_id, "submitted")
    payout = service.set_status(session, config, payout_id, "failed", reason="AC04")
    assert (payout.status, payout.failure_reason) == ("failed", "AC04")
    e = earnings(session, merchant)
    assert (e.available, e.in_transit) == (5000, 0)
    # Settling again is a no-op; paying a failed payout is refused.
    service.set_status(session, config, payout_id, "failed", reason="AC04")
    with pytest.raises(Exception, match="cannot become paid"):
        service.set_status(session, config, payout_id, "paid")
    # The value is paid out again by the next weekly run (not by one the same week).
    assert service.run_payouts(session, config, out_dir=tmp_path).payouts == []
    rerun = service.run_payouts(session, config, out_dir=tmp_path, now=later(7))
    assert rerun.payouts[0]["amount"] == 3980
    _verify(app, session)


def test_cancel_returns_value(app: Flask, session: Session, tmp_path: Path) -> None:
    config = default_config()
    merchant = make_merchant(session, "Cancel", schedule="manual")
    available_directly(session, merchant, 2500)
    payout = service.request_payout(session, config, merchant)
    assert earnings(session, merchant).in_transit == 2500
    service.set_status(session, config, payout.id, "canceled")
    assert earnings(session, merchant).available == 2500
    _verify(app, session)


def test_status_import_csv_and_camt(app: Flask, session: Session, tmp_path: Path) -> None:
    config = default_config()
    first = make_merchant(session, "One")
    second = make_merchant(session, "Two")
    available_directly(session, first, 3000)
    available_directly(session, second, 4000)
    result = service.run_payouts(session, config, out_dir=tmp_path)
    ids = {p["merchant_id"]: p["id"] for p in result.payouts}
    csv_text = (f"payout_id,status,reason\n{ids[first]},paid,\n"
                f"{ids[second].replace('_', '-')},failed,AC04 account closed\npay_nope,paid,\n")
    path = tmp_path / "status.csv"
    path.write_text(csv_text)
    out = app.test_cli_runner().invoke(args=["payouts", "import-status", str(path)])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert (summary["paid"], summary["failed"], summary["unknown"]) == (1, 1, ["pay_nope"])
    assert session.get(Payout, ids[second]).failure_reason == "AC04 account closed"  # type: ignore[union-attr]
    assert earnings(session, second).available == 4000
    # Replaying the file changes nothing.
    replay = service.import_status(session, config, csv_text.encode())
    assert replay["unchanged"] == 2

    available_directly(session, make_merchant(session, "Three"), 2500)
    third = service.run_payouts(session, config, out_dir=tmp_path).payouts[0]["id"]
    camt = f"""<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>
<Ntfctn><Ntry><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><NtryDtls><TxDtls>
<Refs><EndToEndId>{third.replace('_', '-')}</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"""
    summary = service.import_status(session, config, camt.encode())
    assert summary["paid"] == 1
    assert session.get(Payout, third).status == "paid"  # type: ignore[union-attr]
    _verify(app, session)


def test_release_watermark_and_refunds_pending_first(app: Flask, session: Session) -> None:
    merchant = make_merchant(session, "Refunds")
    purchases(session, merchant, 10, 100, tag="old")
    # 10 purchases are 8 days old at release time; 5 more are fresh.
    release_at = later(8)
    purchases(session, merchant, 5, 100, tag="new")
    assert release(session, 7, now=release_at).credits == 1500  # all aged "now + 8 days"

    merchant2 = make_merchant(session, "Refunds2")
    purchases(session, merchant2, 10, 100, tag="r")
    pending = chart.merchant_account(session, merchant2, Kind.MERCHANT_PENDING).id
    available = chart.merchant_account(session, merchant2, Kind.MERCHANT_AVAILABLE).id
    buyer = chart.user_account(session, "usr_refund_target").id
    # A refund of 300 comes from pending while pending covers it.
    moves = refund_source_moves(session, merchant2, [(buyer, 300)])
    assert [(m.debit, m.credit, m.amount) for m in moves] == [(pending, buyer, 300)]
    post(session, reference="test-refund-1", kind="refund", moves=moves)
    # The release then moves only what is left: min(aged credits, pending balance).
    assert release(session, 7, now=later(8)).credits == 700
    e = earnings(session, merchant2)
    assert (e.pending, e.available) == (0, 700)
    # With pending empty, refunds come from available.
    moves = refund_source_moves(session, merchant2, [(buyer, 200)])
    assert [(m.debit, m.amount) for m in moves] == [(available, 200)]
    post(session, reference="test-refund-2", kind="refund", moves=moves)
    # Split across pending and available.
    purchases(session, merchant2, 1, 50, tag="s")
    moves = refund_source_moves(session, merchant2, [(buyer, 80)])
    assert [(m.debit, m.amount) for m in moves] == [(pending, 50), (available, 30)]
    _verify(app, session)


def test_young_purchases_stay_pending(app: Flask, session: Session) -> None:
    from datetime import timedelta

    from wallet.db import utcnow

    merchant = make_merchant(session, "Young")
    purchases(session, merchant, 3, 10, tag="a")
    # Cutoff between now and the purchases: nothing is old enough.
    assert release(session, 7, now=utcnow() + timedelta(days=6)).credits == 0
    assert earnings(session, merchant).pending == 30
    assert release(session, 0, now=utcnow() + timedelta(seconds=5)).credits == 30


def test_fee_report_compares_card_fees(app: Flask, session: Session, tmp_path: Path) -> None:
    config = default_config()
    merchant = make_merchant(session, "Report")
    purchases(session, merchant, 1000, 7)
    release(session, config.hold_days, now=later(8))
    result = service.run_payouts(session, config, out_dir=tmp_path, now=later(8))
    service.set_status(session, config, result.payouts[0]["id"], "paid")
    report = fee_report(session, config, merchant)
    totals = report["totals"]
    # Each purchase of 7 credits is worth 5 cents: a card charge would cost
    # round(5 * 2.9%) = 0 + 30 cents; 1,000 of them 300.00 EUR, against one 0.20 fee.
    assert (totals["purchases"], totals["purchase_credits"]) == (1000, 7000)
    assert totals["purchase_value"] == 5000
    assert totals["card_fees"] == 30000
    assert (totals["payouts"], totals["payout_fees"]) == (1, 20)
    assert totals["saving"] == 29980
    assert len(report["months"]) >= 1


def test_schedules_decide_who_a_run_pays(app: Flask, session: Session, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    config = default_config()
    weekly = make_merchant(session, "Weekly", schedule="weekly")
    monthly = make_merchant(session, "Monthly", schedule="monthly")
    manual = make_merchant(session, "Manual", schedule="manual")
    unverified = make_merchant(session, "Unverified", kyc="pending")
    no_iban = make_merchant(session, "NoIban", iban=None)
    for merchant in (weekly, monthly, manual, unverified, no_iban):
        available_directly(session, merchant, 3000)

    def paid_by_run(now: datetime) -> set[str]:
        result = service.run_payouts(session, config, out_dir=tmp_path, now=now)
        for payout in result.payouts:  # give each one earnings again for the next run
            service.set_status(session, config, payout["id"], "failed", reason="test")
        return {p["merchant_id"] for p in result.payouts}

    assert paid_by_run(datetime(2030, 3, 30, tzinfo=UTC)) == {weekly, monthly}
    assert paid_by_run(datetime(2030, 3, 31, tzinfo=UTC)) == set()
    assert paid_by_run(datetime(2030, 4, 1, tzinfo=UTC)) == {monthly}
    assert paid_by_run(datetime(2030, 4, 6, tzinfo=UTC)) == {weekly}
    assert {r["code"] for r in service.eligibility(session, config, unverified).reasons} == {
        "kyc_not_verified"}
    assert {r["code"] for r in service.eligibility(session, config, no_iban).reasons} == {
        "no_bank_account"}
    _verify(app, session)


def test_cli_release_submit_mark_and_files(app: Flask, session: Session,
                                           risk_off: None) -> None:
    runner = app.test_cli_runner()
    merchant = make_merchant(session, "Cli")
    purchases(session, merchant, 5, 600)
    future = later(8).isoformat()
    out = runner.invoke(args=["payouts", "release", "--json", "--now", future])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["credits"] >= 3000
    run = json.loads(runner.invoke(args=["payouts", "run", "--json", "--now", future]).output)
    mine = [p for p in run["payouts"] if p["merchant_id"] == merchant]
    assert mine and mine[0]["amount"] == 2380  # 3,000 credits = 24.00 EUR - 0.20
    assert runner.invoke(args=["payouts", "submit", run["batch_id"]]).exit_code == 0
    rebuilt = json.loads(runner.invoke(args=["payouts", "files", run["batch_id"]]).output)
    validate_pain001(Path(rebuilt["pain001"]).read_bytes())
    marked = runner.invoke(args=["payouts", "mark", mine[0]["id"], "paid"])
    assert marked.exit_code == 0 and json.loads(marked.output)["status"] == "paid"
    refused = runner.invoke(args=["payouts", "mark", mine[0]["id"], "failed"])
    assert refused.exit_code != 0 and "cannot become failed" in refused.output
    assert runner.invoke(args=["payouts", "run", "--now", "2020-01-01"]).exit_code != 0


def test_run_events_show_each_payout_as_the_api_does(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    """A run's ``payout.created`` payloads (built from the run's rows, not from ORM
    objects) equal the API view of the stored payouts; a merchant paid before (in-transit
    account found by the claim) and one paid for the first time (account opened)."""
    config = default_config()
    before = make_merchant(session, "Paid before")
    available_directly(session, before, 5000)
    service.run_payouts(session, config, out_dir=tmp_path)
    first = make_merchant(session, "First payout")
    more = fund_user(session, "usr_more", 7000)  # a second credit of ``before``'s available
    post(session, reference="test-available-again", kind="purchase", moves=[Move(
        more, chart.merchant_account(session, before, Kind.MERCHANT_AVAILABLE).id, 7000)])
    available_directly(session, first, 12345)
    result = service.run_payouts(session, config, out_dir=tmp_path, now=later(7))
    assert {p["merchant_id"] for p in result.payouts} == {before, first}
    for summary in result.payouts:
        payout = session.get(Payout, summary["id"])
        assert payout is not None
        event = session.scalars(select(Event).where(
            Event.type == "payout.created", Event.merchant_id == summary["merchant_id"])
            .order_by(Event.seq.desc())).first()
        assert event is not None
        assert event.data == service.payout_view(config, payout)
        earlier = sum(session.scalars(select(Payout.credits).where(
            Payout.merchant_id == summary["merchant_id"], Payout.id != payout.id)))
        assert earnings(session, summary["merchant_id"]).in_transit == payout.credits + earlier
    _verify(app, session)
