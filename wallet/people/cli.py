"""``flask --app wallet people purge``: delete ended sessions and used or expired reset links."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from wallet.db import db
from wallet.people import service

people_cli = AppGroup("people", help="People: sessions and password reset links.")


@people_cli.command("purge")
def purge_command() -> None:
    """Delete expired or revoked sessions and used or expired reset links (cron: daily)."""
    purged = service.purge_sessions_and_resets(db.session())
    db.session.commit()
    click.echo(json.dumps({"purged": purged}))
