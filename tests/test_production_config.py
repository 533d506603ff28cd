"""Production refuses to start unsafe: no free credits, no weak or missing secret, no demo."""

from __future__ import annotations

import base64
import logging
import secrets
from pathlib import Path
from typing import Any

import pytest

from wallet import create_app
from wallet.production import UnsafeConfiguration


def strong() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def production_config(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    """Everything production needs, with a Stripe live key (nothing reaches Stripe here)."""
    return {
        "ENV": "production", "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        "SECRET_KEY": strong(), "LEDGER_SIGNING_KEY": strong(), "VOUCHER_KEK": strong(),
        "WEBHOOK_KEK": strong(),
        "TOPUP_PROVIDER": "stripe", "STRIPE_API_KEY": "sk_live_" + secrets.token_hex(16),
        "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_urlsafe(24),
        "BASE_URL": "https://wallet.example.org",
        "MAIL_SERVER": "smtp.example.org", "MAIL_SENDER": "wallet@example.org",
        **overrides,
    }


def refusal(tmp_path: Path, **overrides: Any) -> str:
    with pytest.raises(UnsafeConfiguration) as refused:
        create_app(production_config(tmp_path, **overrides))
    return str(refused.value)


def test_a_complete_production_configuration_starts(tmp_path: Path) -> None:
    app = create_app(production_config(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    from wallet.topups.api import runtime

    assert runtime(app).selected == "stripe"
    assert set(runtime(app).providers) == {"stripe"}  # the sandbox takes no webhooks


@pytest.mark.parametrize("name", ["SECRET_KEY", "LEDGER_SIGNING_KEY", "VOUCHER_KEK",
                                  "WEBHOOK_KEK"])
@pytest.mark.parametrize("value", [
    None, "", "changeme", "CHANGEME", base64.b64encode(b"\0" * 32).decode(),
    base64.b64encode(b"s" * 32).decode(), base64.b64encode(bytes(range(32))).decode(),
    base64.b64encode(b"0123456789abcdef0123456789abcdef").decode(),
    base64.b64encode(bytes.fromhex("8f3ac2e19b7d4056a1e2f3c4d5b6a798")).decode(),  # 16 bytes
    "not base64 at all!", "ab" * 32,
], ids=["unset", "empty", "changeme", "CHANGEME", "zeros", "one-byte", "counting", "example",
        "short", "not-base64", "abab"])
def test_every_weak_or_missing_secret_is_refused_by_name(tmp_path: Path, name: str,
                                                         value: str | None) -> None:
    message = refusal(tmp_path, **{name: value})
    assert f"WALLET_{name}" in message
    assert "secrets.token_bytes(32)" in message  # says how to generate a good one
    assert "docs/operations.md" in message


def test_all_problems_are_listed_at_once(tmp_path: Path) -> None:
    message = refusal(tmp_path, SECRET_KEY=None, LEDGER_SIGNING_KEY=None, VOUCHER_KEK=None,
                      TOPUP_PROVIDER=None, BASE_URL="http://127.0.0.1:5000", MAIL_SERVER=None)
    for variable in ("WALLET_SECRET_KEY", "WALLET_LEDGER_SIGNING_KEY", "WALLET_VOUCHER_KEK",
                     "WALLET_TOPUP_PROVIDER", "WALLET_BASE_URL", "WALLET_MAIL_SERVER"):
        assert variable in message


def test_rate_limits_stay_on_in_production(tmp_path: Path) -> None:
    for off in (False, "false", "0"):
        assert "WALLET_RATELIMIT_ENABLED" in refusal(tmp_path, RATELIMIT_ENABLED=off)


def test_production_never_defaults_to_the_sandbox(tmp_path: Path) -> None:
    assert "WALLET_TOPUP_PROVIDER is not set" in refusal(tmp_path, TOPUP_PROVIDER=None)
    message = refusal(tmp_path, TOPUP_PROVIDER="sandbox", SANDBOX_WEBHOOK_SECRET=strong())
    assert "test cards" in message and "WALLET_ALLOW_SANDBOX_IN_PRODUCTION" in message
    assert "not a provider" in refusal(tmp_path, TOPUP_PROVIDER="paypal")


def test_stripe_needs_a_live_key_and_a_signing_secret(tmp_path: Path) -> None:
    assert "not a live key" in refusal(tmp_path, STRIPE_API_KEY="sk_test_" + "a1b2" * 6)
    assert "WALLET_STRIPE_API_KEY is not set" in refusal(tmp_path, STRIPE_API_KEY=None)
    for bad in (None, "whsec_", "whsec_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "secret"):
        assert "WALLET_STRIPE_WEBHOOK_SECRET" in refusal(tmp_path, STRIPE_WEBHOOK_SECRET=bad)


def test_sandbox_opt_in_is_explicit_checked_and_loud(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    opt_in = {"TOPUP_PROVIDER": "sandbox", "ALLOW_SANDBOX_IN_PRODUCTION": "1",
              "STRIPE_API_KEY": None, "STRIPE_WEBHOOK_SECRET": None}
    assert "WALLET_SANDBOX_WEBHOOK_SECRET" in refusal(tmp_path, **opt_in)
    assert "WALLET_SANDBOX_WEBHOOK_SECRET" in refusal(tmp_path, SANDBOX_WEBHOOK_SECRET="x" * 43,
                                                      **opt_in)
    with caplog.at_level(logging.WARNING, logger="wallet.production"):
        app = create_app(production_config(tmp_path, SANDBOX_WEBHOOK_SECRET=strong(), **opt_in))
    assert any("TEST CARDS" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    prices = app.test_client().get("/v1/prices")
    assert prices.status_code == 200  # the provider is built at start, never a lazy 500


def test_demo_refuses_in_production(tmp_path: Path) -> None:
    app = create_app(production_config(tmp_path))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        result = app.test_cli_runner().invoke(args=["demo", "--json"])
    assert result.exit_code != 0
    assert "refuses to run with WALLET_ENV=production" in result.output
    from sqlalchemy import func, select

    from wallet.db import db
    from wallet.people.models import User

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_development_still_generates_its_secrets(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    assert len(app.config["SECRET_KEY"]) == 32
