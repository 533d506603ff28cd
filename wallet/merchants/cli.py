"""``flask --app wallet admin create-key``: operator keys."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from wallet.db import db
from wallet.merchants import service

admin_cli = AppGroup("admin", help="Operator keys.")


@admin_cli.command("create-key")
@click.option("--label", default="", help="A note to recognise the key by.")
def create_admin_key(label: str) -> None:
    """Create an operator key (``ak_…``); it is shown once."""
    key, secret = service.issue_key(db.session(), "admin", label=label)
    db.session.commit()
    click.echo(json.dumps({"id": key.id, "admin_key": secret}))
