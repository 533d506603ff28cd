"""Wallet: a closed-loop credits wallet service."""

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
    app = Flask(
        __name__,
        instance_path=(test_config or {}).get("INSTANCE_PATH"),
        instance_relative_config=True,
        static_folder=str(PROJECT_ROOT / "static"),
        static_url_path="/static",
    )
    load_config(app, test_config)

    from wallet import cli, models  # noqa: F401  (models: register every table)
    from wallet.api import errors, register_blueprints, requests
    from wallet.extensions import api, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    api.init_app(app)
    _configure_rate_limits(app)
    limiter.init_app(app)
    errors.register_error_handlers(app)
    requests.init_app(app)
    register_blueprints(app, api)
    cli.init_app(app)
    if app.config.get("PROXY_FIX"):
        # behind a load balancer: trust one proxy hop for client address and scheme
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return app


def _configure_rate_limits(app: Flask) -> None:
    """Flask-Limiter settings from ``WALLET_RATELIMIT_*`` (memory storage by default)."""
    app.config.setdefault("RATELIMIT_ENABLED", True)
    storage = app.config.get("RATELIMIT_STORAGE_URL") or app.config.get("RATELIMIT_STORAGE_URI")
    app.config["RATELIMIT_STORAGE_URI"] = storage or "memory://"
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "wallet")
