"""Shared fixtures in the style of Flask's tutorial: ``app``, ``client``, ``runner``.

Every test that touches the database runs on SQLite and on PostgreSQL (the
``engine_name`` parameter). Each test runs inside a transaction that is
rolled back; requests commit to a SAVEPOINT inside it. Tests that need real
commits across threads take ``committed_app`` instead: a fresh database.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import Session

from tests.support.databases import temporary_database
from wallet import create_app
from wallet.db import db
from wallet.ledger.core import forget_accounts

# shared fixtures that live beside their helpers
pytest_plugins = ["tests.support.topup_helpers"]

# Property tests judge results, not speed: on a loaded 2-core CI machine one example can
# take longer than Hypothesis's default 200 ms deadline, which fails the test as
# "Unreliable test timings" (tests that set their own settings keep them).
settings.register_profile(
    "wallet", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "wallet"))

TEST_SECRET = base64.urlsafe_b64encode(b"s" * 32).decode()
TEST_LEDGER_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()


def make_app(database_url: str, instance_path: Path, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": TEST_SECRET,
        "LEDGER_SIGNING_KEY": TEST_LEDGER_KEY,
        "RATELIMIT_ENABLED": False,
        **overrides,
    }
    return create_app(config)


def migrated_app(database_url: str, instance_path: Path, **overrides: Any) -> Flask:
    app = make_app(database_url, instance_path, **overrides)
    with app.app_context():
        upgrade()
    return app


class ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the app's engine; honour an explicit bind."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None,
                 **kwargs: Any) -> Any:
        return bind or self.bind or super().get_bind(mapper, clause, bind, **kwargs)


@pytest.fixture(
    scope="session",
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ],
)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def session_app(engine_name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One migrated database per engine and worker, shared by rolled-back tests."""
    workdir = tmp_path_factory.mktemp(f"db-{engine_name}")
    with temporary_database(engine_name, workdir) as url:
        app = migrated_app(url, workdir / "instance")
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(session_app: Flask) -> Iterator[Flask]:
    """The app, with everything a test writes rolled back afterwards."""
    with session_app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        scoped = db._make_scoped_session(
            {"class_": ConnectionBoundSession, "bind": connection,
             "join_transaction_mode": "create_savepoint"}
        )
        original, db.session = db.session, scoped
        try:
            yield session_app
        finally:
            scoped.remove()
            db.session = original
            outer.rollback()
            connection.close()
            forget_accounts()  # SQLite hands the rolled-back account ids out again


RISK_OFF: dict[str, int] = {
    "RISK_GIFT_SETTLE_DAYS": 0, "RISK_GIFT_DAILY_CREDITS": 0, "RISK_GIFT_HOURLY_COUNT": 0,
    "RISK_PAYOUT_LOCK_DAYS": 0, "RISK_FIRST_PAYOUT_HOLD_DAYS": 0,
    "RISK_CONCENTRATION_WINDOW_DAYS": 0,
}
"""The risk rules (wallet/risk) switched off, for tests of flows that gift or pay out at once."""


@pytest.fixture
def risk_off(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Gifts and payouts without the risk rules' holds and caps, for this test only."""
    for name, value in RISK_OFF.items():
        monkeypatch.setitem(app.config, name, value)


@pytest.fixture
def session(app: Flask) -> Session:
    """The request-scoped session of the ``app`` fixture, for domain calls."""
    return db.session()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def committed_app(engine_name: str, tmp_path: Path) -> Iterator[Flask]:
    """A fresh, migrated database whose commits are real (for concurrency tests)."""
    with temporary_database(engine_name, tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance")
        try:
            yield app
        finally:
            hot = app.extensions.get("wallet.purchases.hot")  # its own pool / connection
            if hot is not None:
                hot.dispose()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("WALLET_ENV", "development")
