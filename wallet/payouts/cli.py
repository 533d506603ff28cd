"""``flask --app wallet payouts …``: release earnings, run batches, settle payouts.

Cron on any number of nodes: ``payouts release`` (e.g. hourly) and ``payouts run``
(e.g. daily); both claim merchants with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL
(SQLite serialises them on its write lock).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from wallet.db import db
from wallet.errors import WalletError
from wallet.payouts import service
from wallet.payouts.config import load_payout_config
from wallet.payouts.earnings import release
from wallet.retry import run_in_transaction

payouts_cli = AppGroup("payouts", help="Merchant earnings and payouts.")


def _now(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise click.BadParameter("--now needs a timezone, e.g. 2026-01-31T12:00:00+00:00")
    return parsed


@payouts_cli.command("release")
@click.option("--now", "now_text", default=None, help="Pretend it is this time (ISO 8601).")
@click.option("--json", "as_json", is_flag=True)
def release_command(now_text: str | None, as_json: bool) -> None:
    """Move pending earnings older than WALLET_PAYOUT_HOLD_DAYS to available."""
    config = load_payout_config(current_app.config)
    result = run_in_transaction(db.session(), lambda: release(
        db.session(), config.hold_days, now=_now(now_text)), what="payouts release")
    summary = {"merchants": result.merchants, "released_merchants": result.released_merchants,
               "credits": result.credits}
    click.echo(json.dumps(summary) if as_json else
               f"released {result.credits} credits for {result.released_merchants} merchants "
               f"({result.merchants} checked)")


@payouts_cli.command("run")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--now", "now_text", default=None, help="Pretend it is this time (ISO 8601).")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Folder for the batch files (default: instance/payouts).")
def run_command(as_json: bool, now_text: str | None, out_dir: str | None) -> None:
    """Pay every eligible merchant once, as one batch (pain.001 + CSV)."""
    config = load_payout_config(current_app.config)
    folder = Path(out_dir) if out_dir else Path(current_app.instance_path) / "payouts"
    result = run_in_transaction(db.session(), lambda: service.run_payouts(
        db.session(), config, out_dir=folder, now=_now(now_text)), what="payouts run")
    if as_json:
        click.echo(json.dumps(result.as_dict()))
        return
    if result.batch_id is None:
        click.echo("nothing to pay")
        return
    total = sum(p["amount"] for p in result.payouts)
    click.echo(f"batch {result.batch_id}: {len(result.payouts)} payouts, "
               f"{config.display(total)}")
    for name, path in result.files.items():
        if path:
            click.echo(f"  {name}: {path}")


def _settle(payout_id: str, status: str, reason: str | None) -> None:
    config = load_payout_config(current_app.config)
    try:
        payout = run_in_transaction(db.session(), lambda: service.set_status(
            db.session(), config, payout_id, status, reason=reason), what="payouts mark")
    except WalletError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(json.dumps(service.payout_view(config, payout)))


@payouts_cli.command("mark")
@click.argument("payout_id")
@click.argument("status", type=click.Choice(["submitted", "paid", "failed", "canceled"]))
@click.option("--reason", default=None, help="Why it failed (kept on the payout).")
def mark_command(payout_id: str, status: str, reason: str | None) -> None:
    """Set a payout's status: submitted, paid, failed (value returns) or canceled."""
    _settle(payout_id, status, reason)


@payouts_cli.command("submit")
@click.argument("batch_id")
def submit_command(batch_id: str) -> None:
    """Mark a batch's pending payouts submitted (its file went to the bank)."""
    config = load_payout_config(current_app.config)
    try:
        batch = run_in_transaction(db.session(), lambda: service.submit_batch(
            db.session(), config, batch_id), what="payouts submit")
    except WalletError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(json.dumps(service.batch_view(batch)))


@payouts_cli.command("import-status")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_status_command(path: str) -> None:
    """Apply a bank status file: CSV (payout_id,status,reason) or camt.054 XML."""
    config = load_payout_config(current_app.config)
    try:
        data = Path(path).read_bytes()
        summary = run_in_transaction(db.session(), lambda: service.import_status(
            db.session(), config, data), what="payouts import-status")
    except WalletError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(json.dumps(summary))


@payouts_cli.command("files")
@click.argument("batch_id")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Folder for the batch files (default: instance/payouts).")
def files_command(batch_id: str, out_dir: str | None) -> None:
    """(Re)build a batch's pain.001 and CSV from its payouts and print their paths."""
    config = load_payout_config(current_app.config)
    folder = Path(out_dir) if out_dir else Path(current_app.instance_path) / "payouts"
    try:
        files = run_in_transaction(db.session(), lambda: service.build_batch_files(
            db.session(), config, batch_id, out_dir=folder), what="payouts files")
    except WalletError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(json.dumps(files))
