"""App-level commands: ``flask --app wallet ledger seal|verify``, ``idempotency purge``,
``lockouts purge``.

They live here, not in ``wallet/ledger/``, so the ledger package stays free of Flask."""

from __future__ import annotations

import json
import sys
from datetime import timedelta

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app
from flask.cli import AppGroup

from wallet.config import instance_secret
from wallet.db import db, utcnow
from wallet.ledger import audit
from wallet.retry import run_in_transaction
from wallet.web import lockouts
from wallet.web.idempotency import PURGE_BATCH, purge_expired

ledger_cli = AppGroup("ledger", help="Audit the ledger.")
idempotency_cli = AppGroup("idempotency", help="Stored Idempotency-Key answers.")
lockouts_cli = AppGroup("lockouts", help="Failed-attempt counters (sign-in, manual codes).")
LOCKOUT_COUNTERS_KEPT = timedelta(days=1)


def ledger_signing_key(app: Flask) -> Ed25519PrivateKey:
    """The Ed25519 key that signs ledger checkpoints (``WALLET_LEDGER_SIGNING_KEY``)."""
    seed = instance_secret(app, "LEDGER_SIGNING_KEY", "ledger_signing_key", 32)
    return Ed25519PrivateKey.from_private_bytes(seed)


@ledger_cli.command("seal")
@click.option("--batch", type=click.IntRange(1, 100_000), default=None,
              help="Transactions per checkpoint.")
def seal_command(batch: int | None) -> None:
    """Chain unsealed transactions and write signed checkpoints."""
    key = ledger_signing_key(current_app)
    limit = batch or current_app.config["LEDGER_SEAL_BATCH"]
    total = 0
    while True:
        result = run_in_transaction(db.session(), lambda: audit.seal_batch(
            db.session(), key, limit=limit), what="ledger seal")
        total += result.sealed
        if result.sealed < limit:
            break
    click.echo(f"sealed {total} transactions; chain head {result.upto_seq} "
               f"{result.chain_hash.hex()}")


@ledger_cli.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_command(as_json: bool) -> None:
    """Recompute balances, check zero sums, the hash chain and checkpoints."""
    key = ledger_signing_key(current_app).public_key()
    report = audit.verify(db.session(), key)
    db.session.rollback()
    summary = {
        "ok": report.ok, "accounts": report.accounts, "transactions": report.transactions,
        "sealed": report.sealed, "unsealed": report.unsealed,
        "checkpoints": report.checkpoints, "problems": report.problems,
    }
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(
            f"{report.accounts} accounts, {report.transactions} transactions "
            f"({report.sealed} sealed, {report.unsealed} not yet), "
            f"{report.checkpoints} checkpoints"
        )
        for problem in report.problems:
            click.echo(f"PROBLEM: {problem}", err=True)
        click.echo("ledger OK" if report.ok else f"ledger FAILED: {len(report.problems)} problems")
    if not report.ok:
        sys.exit(1)


@idempotency_cli.command("purge")
def purge_idempotency_command() -> None:
    """Delete Idempotency-Key records older than 24 hours (cron: hourly)."""
    total = 0
    while True:
        deleted = run_in_transaction(
            db.session(), lambda: purge_expired(db.session(), limit=PURGE_BATCH),
            what="idempotency purge")
        total += deleted
        if deleted < PURGE_BATCH:
            break
    click.echo(json.dumps({"purged": total}))


@lockouts_cli.command("purge")
def purge_lockouts_command() -> None:
    """Delete failed-attempt counters whose window started over a day ago (cron: daily)."""
    purged = run_in_transaction(
        db.session(), lambda: lockouts.purge(db.session(), utcnow(), LOCKOUT_COUNTERS_KEPT),
        what="lockouts purge")
    click.echo(json.dumps({"purged": purged}))
