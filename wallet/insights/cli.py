"""``flask --app wallet insights rollup``: roll the journal up into daily insights rows.

Run it from cron (every few minutes is fine: it only works once a day has closed), on
any number of nodes.
"""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from wallet.db import db
from wallet.insights.config import load_config
from wallet.insights.rollup import rollup

insights_cli = AppGroup("insights", help="Merchants' buying-pattern insights.")


@insights_cli.command("rollup")
@click.option("--rebuild-from", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Roll up again from this UTC day (after back-dated journal rows).")
def rollup_command(rebuild_from: object) -> None:
    """Roll up every closed day after the watermark."""
    config = load_config(current_app.config)
    first: date | None = rebuild_from.date() if rebuild_from is not None else None  # type: ignore[attr-defined]
    try:
        result = rollup(db.session(), grace=timedelta(seconds=config.grace_seconds),
                        rebuild_from=first)
    finally:
        db.session.remove()
    through = result.through.isoformat() if result.through else "nothing yet"
    click.echo(f"{result.days} days rolled up; rolled up through {through}")
