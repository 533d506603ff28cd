"""Command-line tools: ``flask --app wallet ledger …``, ``demo``, ``admin …``."""

from __future__ import annotations

import json
import sys

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app
from flask.cli import AppGroup

from wallet.config import instance_secret
from wallet.db import db
from wallet.demo import seed_demo
from wallet.identity import service as identity
from wallet.ledger import audit
from wallet.payouts.config import load_payout_config

ledger_cli = AppGroup("ledger", help="Audit the ledger.")
admin_cli = AppGroup("admin", help="Operator keys.")


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
        result = audit.seal_batch(db.session(), key, limit=limit)
        db.session.commit()
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


@admin_cli.command("create-key")
@click.option("--label", default="", help="A note to recognise the key by.")
def create_admin_key(label: str) -> None:
    """Create an operator key (``ak_…``); it is shown once."""
    key, secret = identity.issue_key(db.session(), "admin", label=label)
    db.session.commit()
    click.echo(json.dumps({"id": key.id, "admin_key": secret}))


@click.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def demo_command(as_json: bool) -> None:
    """Seed (idempotently) a demo operator, merchant, app, counter and user."""
    secret = current_app.config["SECRET_KEY"]
    demo = seed_demo(db.session(), secret if isinstance(secret, bytes) else secret.encode(),
                     load_payout_config(current_app.config))
    db.session.commit()
    demo = {"base_url": current_app.config["BASE_URL"], **demo}
    if as_json:
        click.echo(json.dumps(demo))
        return
    click.echo("Demo credentials:")
    for name, value in demo.items():
        click.echo(f"  {name:14} {value}")


def init_app(app: Flask) -> None:
    app.cli.add_command(ledger_cli)
    app.cli.add_command(admin_cli)
    app.cli.add_command(demo_command)
    from wallet.payouts.cli import payouts_cli
    app.cli.add_command(payouts_cli)
    from vouchers.cli import vouchers_cli
    app.cli.add_command(vouchers_cli)
    from wallet.credits_cli import credits_cli
    app.cli.add_command(credits_cli)
