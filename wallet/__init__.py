"""Wallet: a closed-loop credits wallet service.

Every capability is one folder (``models``, ``service``, ``api``, ``cli``); the
app factory below wires each one's blueprint and CLI group. See
``docs/architecture.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from wallet.config import load_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory."""
    from wallet.web.requests import WalletFlask

    app = WalletFlask(
        __name__,
        instance_path=(test_config or {}).get("INSTANCE_PATH"),
        instance_relative_config=True,
        static_folder=str(PROJECT_ROOT / "static"),
        static_url_path="/static",
    )
    load_config(app, test_config)
    from wallet.production import refuse_unsafe

    refuse_unsafe(app)

    from wallet import models  # noqa: F401  (register every table)
    from wallet.console.service import principal_for_session
    from wallet.extensions import api, db, limiter, migrate
    from wallet.merchants.service import principal_for_api_key
    from wallet.oauth import access_tokens
    from wallet.oauth.service import principal_for_access_token
    from wallet.web import auth, errors, headers, requests

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    api.init_app(app)
    _configure_rate_limits(app)
    limiter.init_app(app)
    errors.register_error_handlers(app)
    requests.init_app(app)
    headers.init_app(app)
    auth.init_app(app, bearer=[principal_for_api_key, principal_for_access_token],
                  session=principal_for_session)
    with app.app_context():  # the signing key of access tokens, per engine (no Flask there)
        access_tokens.register_key(db.engine, app.config["SECRET_KEY"])
    _register_capabilities(app, api)
    if app.config.get("PROXY_FIX"):
        # behind a load balancer: trust one proxy hop for client address and scheme
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return app


def _register_capabilities(app: Flask, api: Any) -> None:
    """Each capability's blueprints (its ``api.register``) and CLI group."""
    from vouchers import api as vouchers_api
    from vouchers.cli import vouchers_cli
    from wallet import demo
    from wallet.cli import idempotency_cli, ledger_cli, lockouts_cli
    from wallet.console import api as console_api
    from wallet.console.cli import console_cli
    from wallet.credits import api as credits_api
    from wallet.credits.cli import credits_cli
    from wallet.insights import api as insights_api
    from wallet.insights.cli import insights_cli
    from wallet.merchants import api as merchants_api
    from wallet.merchants.cli import admin_cli
    from wallet.oauth import api as oauth_api
    from wallet.payouts import api as payouts_api
    from wallet.payouts.cli import payouts_cli
    from wallet.people import api as people_api
    from wallet.people.cli import people_cli
    from wallet.purchases import api as purchases_api
    from wallet.risk import api as risk_api
    from wallet.risk.cli import risk_cli
    from wallet.statements import api as statements_api
    from wallet.subscriptions import api as subscriptions_api
    from wallet.subscriptions.cli import subscriptions_cli
    from wallet.topups import api as topups_api
    from wallet.web import assets, docs, health
    from wallet.webhooks import api as webhooks_api
    from wallet.webhooks.cli import webhooks_cli

    app.register_blueprint(health.bp)
    app.register_blueprint(assets.bp)
    for capability in (topups_api, vouchers_api, purchases_api, credits_api, people_api,
                       merchants_api, oauth_api, payouts_api, webhooks_api, console_api,
                       subscriptions_api, insights_api, statements_api, risk_api):
        capability.register(app, api)
    docs.add_path(api, "/healthz", health.OPENAPI_PATH)
    docs.init_app(app, api)
    for group in (ledger_cli, admin_cli, demo.demo_command, payouts_cli, vouchers_cli,
                  credits_cli, idempotency_cli, lockouts_cli, people_cli, webhooks_cli,
                  console_cli, subscriptions_cli, insights_cli, risk_cli):
        app.cli.add_command(group)


def _configure_rate_limits(app: Flask) -> None:
    """Flask-Limiter settings from ``WALLET_RATELIMIT_*`` (memory storage by default)."""
    app.config.setdefault("RATELIMIT_ENABLED", True)
    storage = app.config.get("RATELIMIT_STORAGE_URL") or app.config.get("RATELIMIT_STORAGE_URI")
    app.config["RATELIMIT_STORAGE_URI"] = storage or "memory://"
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "wallet")
