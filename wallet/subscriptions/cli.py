"""``flask --app wallet subscriptions renew``: charge every subscription whose period ended.

Cron on any number of nodes (e.g. every 10 minutes): each run claims batches of due
subscriptions with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises
writers) and commits one batch at a time.
"""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from wallet.db import db, utcnow
from wallet.retry import run_in_transaction
from wallet.subscriptions import autoreload, service
from wallet.subscriptions.config import load_subscription_config

subscriptions_cli = AppGroup("subscriptions", help="Subscriptions paid in credits.")


def _now(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise click.BadParameter("--now needs a timezone, e.g. 2026-01-31T12:00:00+00:00")
    return parsed


def renew_all(now: datetime, *, batch: int | None = None) -> service.RenewResult:
    """Renew every due subscription, one committed batch at a time, until none is left."""
    config = load_subscription_config(current_app.config)
    total = service.RenewResult()
    while True:
        result, claimed = run_in_transaction(db.session(), lambda: service.renew_due(
            db.session(), now=now, grace=config.grace, limit=batch or config.batch,
            skip=total.past_due), what="subscriptions renew")
        total.add(result)
        if claimed == 0:
            return total


def reload_context() -> autoreload.Context:
    """Providers, prices and limits of the top-up flow; failures mailed to the person."""
    from wallet.topups.api import runtime
    from wallet.topups.setup import limits_from_config
    from wallet.web import mail

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    rt = runtime(app)
    return autoreload.Context(
        provider=rt.provider, prices=rt.prices, limits=limits_from_config(app.config),
        max_failures=load_subscription_config(app.config).autoreload_max_failures,
        base_url=str(app.config.get("BASE_URL") or ""),
        notify=lambda to, subject, text: mail.send(app, to, subject, text),
    )


def reload_all(now: datetime) -> autoreload.ReloadResult:
    """Scan every auto-reload rule, one committed batch at a time (SKIP LOCKED)."""
    config = load_subscription_config(current_app.config)
    ctx = reload_context()
    total = autoreload.ReloadResult()
    for step in (autoreload.settle, autoreload.scan, autoreload.settle):
        after = ""
        while True:  # settle what was in flight, open new top-ups, then charge them
            result, claimed, after = run_in_transaction(
                db.session(), lambda start=after, work=step: work(  # type: ignore[misc]
                    db.session(), ctx, now=now, limit=config.autoreload_batch, after=start),
                what="subscriptions autoreload")
            total.add(result)
            if claimed == 0:
                break
    return total


@subscriptions_cli.command("autoreload")
@click.option("--now", "now_text", default=None, help="Pretend it is this time (ISO 8601).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def autoreload_command(now_text: str | None, as_json: bool) -> None:
    """Start one off-session top-up for each wallet that fell below its auto-reload
    threshold (one per crossing), and settle the ones in flight."""
    result = reload_all(_now(now_text))
    if as_json:
        click.echo(json.dumps(result.as_dict()))
        return
    click.echo(f"started {len(result.started)}, succeeded {len(result.succeeded)}, "
               f"failed {len(result.failed)}, disabled {len(result.disabled)}")


@subscriptions_cli.command("renew")
@click.option("--now", "now_text", default=None, help="Pretend it is this time (ISO 8601).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def renew_command(now_text: str | None, as_json: bool) -> None:
    """Charge the next period of every due subscription (past_due, then canceled, when
    credits fall short for longer than WALLET_SUBSCRIPTION_GRACE_DAYS)."""
    now = _now(now_text)
    result = renew_all(now)
    reloaded = reload_all(now)  # renewals may have left wallets below their threshold
    if as_json:
        click.echo(json.dumps(result.as_dict()))  # the contract: renewed/past_due/canceled
        return
    click.echo(f"renewed {len(result.renewed)}, past due {len(result.past_due)}, "
               f"canceled {len(result.canceled)} ({result.charged} charges); auto-reload "
               f"started {len(reloaded.started)}, failed {len(reloaded.failed)}")
