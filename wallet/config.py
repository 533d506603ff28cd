"""Configuration: defaults, overridden by ``WALLET_*`` environment variables.

``WALLET_DATABASE_URL=postgresql+psycopg://…`` selects PostgreSQL; without it
the embedded default is SQLite in the instance folder. Every other setting is
``WALLET_<NAME>``; values are parsed as JSON where they look like JSON
(``WALLET_PAYOUT_HOLD_DAYS=7``, ``WALLET_RATELIMIT_ENABLED=false``).
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "DATABASE_URL": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "JSON_SORT_KEYS": False,
    "CREDIT_ASSET": "CREDIT",
    "LEDGER_SIGNING_KEY": None,
    "LEDGER_SEAL_BATCH": 5000,
    "BASE_URL": "http://127.0.0.1:5000",
    # flask-smorest / OpenAPI
    "API_TITLE": "Wallet API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Defaults, then ``WALLET_*`` variables, then the test overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env(prefix="WALLET")
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    url = app.config["DATABASE_URL"] or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = f"sqlite:///{Path(app.instance_path) / 'wallet.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY") and not is_production(app):
        app.config["SECRET_KEY"] = instance_secret(app, "SECRET_KEY", "secret_key", 32)


def is_production(app: Flask) -> bool:
    return app.config["ENV"] == "production"


def instance_secret(app: Flask, config_key: str, filename: str, nbytes: int) -> bytes:
    """A secret from ``WALLET_<config_key>`` (base64), or, outside production,
    one generated once into the instance folder (mode 0600)."""
    configured = app.config.get(config_key)
    if configured:
        return decode_secret(configured, nbytes, config_key)
    if is_production(app):
        raise RuntimeError(f"WALLET_{config_key} must be set in production")
    path = Path(app.instance_path) / filename
    if not path.exists():
        encoded = base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode()
        partial = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(encoded)
        try:
            os.link(partial, path)  # atomic; the first process to link wins
        except FileExistsError:
            pass
        finally:
            partial.unlink()
    return decode_secret(path.read_text().strip(), nbytes, str(path))


def decode_secret(value: str | bytes, nbytes: int, name: str) -> bytes:
    raw = value if isinstance(value, bytes) else base64.urlsafe_b64decode(
        value + "=" * (-len(value) % 4)
    )
    if len(raw) != nbytes:
        raise RuntimeError(f"{name} must decode to {nbytes} bytes, got {len(raw)}")
    return raw
