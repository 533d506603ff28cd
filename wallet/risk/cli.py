"""``flask --app wallet risk reviews|approve|reject|reserve|merchant``: the operator's risk desk."""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import AppGroup

from wallet.db import db
from wallet.retry import run_in_transaction
from wallet.risk import disputes, reviews, service
from wallet.risk.models import REVIEW_STATUSES

risk_cli = AppGroup("risk", help="Risk rules: payout reviews, reserves, merchant history.")


def _echo(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


@risk_cli.command("reviews")
@click.option("--status", default="open", show_default=True,
              type=click.Choice([*REVIEW_STATUSES, "all"]))
def reviews_command(status: str) -> None:
    """List payout reviews, oldest first."""
    query = reviews.list_reviews(db.session(), None if status == "all" else status)
    rows = db.session.scalars(query.order_by("created_at", "id")).all()
    _echo([reviews.review_view(r) for r in rows])


def _decide(review_id: str, decision: str, reason: str, actor: str) -> None:
    review = run_in_transaction(db.session(), lambda: reviews.decide(
        db.session(), review_id, decision, actor=actor, reason=reason), what="risk review")
    _echo(reviews.review_view(review))


@risk_cli.command("approve")
@click.argument("review_id")
@click.option("--reason", required=True)
@click.option("--actor", default="operator:cli", show_default=True)
def approve_command(review_id: str, reason: str, actor: str) -> None:
    """Approve a review: the merchant's payouts go ahead."""
    _decide(review_id, "approve", reason, actor)


@risk_cli.command("reject")
@click.argument("review_id")
@click.option("--reason", required=True)
@click.option("--actor", default="operator:cli", show_default=True)
def reject_command(review_id: str, reason: str, actor: str) -> None:
    """Reject a review: the merchant's payouts stay held."""
    _decide(review_id, "reject", reason, actor)


@risk_cli.command("reserve")
@click.argument("merchant_id")
@click.option("--percent", required=True, type=click.IntRange(0, 100))
@click.option("--days", required=True, type=click.IntRange(0, 365))
@click.option("--actor", default="operator:cli", show_default=True)
def reserve_command(merchant_id: str, percent: int, days: int, actor: str) -> None:
    """Set a merchant's rolling reserve (percent of released earnings held N days)."""
    row = run_in_transaction(db.session(), lambda: service.set_reserve(
        db.session(), merchant_id, percent, days, actor=actor), what="risk reserve")
    _echo(service.reserve_view(row))


@risk_cli.command("merchant")
@click.argument("merchant_id")
def merchant_command(merchant_id: str) -> None:
    """A merchant's debt, reserve, KYC history, bank changes and reviews."""
    _echo(service.merchant_risk_view(db.session(), merchant_id))


@risk_cli.command("losses")
def losses_command() -> None:
    """Disputed value: recovered, restored, lost (written off) and still open."""
    _echo(disputes.loss_report(db.session()))
