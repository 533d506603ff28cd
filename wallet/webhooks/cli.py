"""``flask --app wallet webhooks deliver [--once]``: the delivery worker.

Run it as a service (a loop; SIGTERM or Ctrl-C stops it after the round in progress) or
from cron with ``--once``; any number at once, on any number of nodes.
"""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from wallet.db import db
from wallet.webhooks.api import url_policy, webhook_kek
from wallet.webhooks.worker import WorkerSettings, run

webhooks_cli = AppGroup("webhooks", help="Events and webhooks to merchants' servers.")


@webhooks_cli.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (cron).")
@click.option("--json", "as_json", is_flag=True, help="Print the totals as one JSON object.")
def deliver_command(once: bool, as_json: bool) -> None:
    """Turn new events into deliveries and send the due ones, with retries."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = WorkerSettings.from_config(app.config)
    sender = settings.sender(url_policy(app))
    stop = threading.Event()
    if not once and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    try:
        totals = run(db.session(), sender, settings, webhook_kek(app), once=once, stop=stop)
    finally:
        sender.close()
        db.session.remove()
    summary: dict[str, Any] = totals.as_dict()
    click.echo(json.dumps(summary) if as_json else
               f"{summary['events']} events dispatched, {summary['attempts']} attempts: "
               f"{summary['succeeded']} delivered, {summary['retrying']} to retry, "
               f"{summary['failed']} failed")
