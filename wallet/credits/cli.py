"""``flask --app wallet credits grant|expire``."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

import click
from flask.cli import AppGroup

from wallet.credits import service as credits
from wallet.db import db, utcnow
from wallet.retry import run_in_transaction

credits_cli = AppGroup("credits", help="Promotional credits: grant and expire.")


def _parse_when(value: str | None, days: int) -> datetime:
    if not value:
        return utcnow() + timedelta(days=days)
    when = datetime.fromisoformat(value)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


@credits_cli.command("grant")
@click.option("--user", "user_id", required=True, help="usr_… id of the person.")
@click.option("--credits", "amount", required=True, type=click.IntRange(1, 2**63 - 1))
@click.option("--reason", required=True)
@click.option("--expires-at", default=None, help="ISO 8601 (UTC if no offset).")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 36500),
              help="Expiry in days when --expires-at is absent.")
@click.option("--reference", default=None,
              help="Idempotency reference: the same reference grants once.")
def grant_command(user_id: str, amount: int, reason: str, expires_at: str | None, days: int,
                  reference: str | None) -> None:
    """Grant promotional credits to one person."""
    reference = reference or f"cli:{secrets.token_hex(12)}"
    lot, created = run_in_transaction(db.session(), lambda: credits.grant_promotional(
        db.session(), user_id, amount, _parse_when(expires_at, days), reason, reference),
        what="credits grant")
    click.echo(json.dumps({"id": lot.id, "user_id": lot.user_id, "credits": lot.credits,
                           "expires_at": lot.expires_at.isoformat() if lot.expires_at else None,
                           "created": created}))


@credits_cli.command("expire")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 100_000))
def expire_command(batch: int) -> None:
    """Move expired promotional credits to breakage (safe to run concurrently, repeatedly)."""
    total = 0
    while True:
        done = run_in_transaction(db.session(), lambda: credits.expire_lots(
            db.session(), limit=batch), what="credits expire")
        total += done
        if done < batch:
            break
    click.echo(json.dumps({"expired_lots": total}))
