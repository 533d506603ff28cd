"""``flask --app wallet admin create-key``: operator keys."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from wallet.db import db
from wallet.merchants import service
from wallet.retry import run_in_transaction

admin_cli = AppGroup("admin", help="Operator keys.")


@admin_cli.command("create-key")
@click.option("--label", default="", help="A note to recognise the key by.")
def create_admin_key(label: str) -> None:
    """Create an operator key (``ak_…``); it is shown once."""
    key, secret = run_in_transaction(db.session(), lambda: service.issue_key(
        db.session(), "admin", label=label), what="admin create-key")
    click.echo(json.dumps({"id": key.id, "admin_key": secret}))
