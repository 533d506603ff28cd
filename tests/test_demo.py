"""``flask --app wallet demo``: idempotent, and ``--json`` prints DESIGN §7.1's object."""

from __future__ import annotations

import json

import pyotp
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet.merchants.models import ApiKey, Merchant
from wallet.merchants.service import key_for_secret
from wallet.people.models import User
from wallet.people.service import password_matches

DEMO_FIELDS = {"base_url", "admin_key", "merchant_id", "merchant_key", "app_id", "counter_key",
               "user_id", "user_email", "user_password", "user_token"}


def without_token(demo: dict[str, str]) -> dict[str, str]:
    """Everything but the access token, which is minted fresh on every run."""
    return {k: v for k, v in demo.items() if k != "user_token"}


def test_demo_is_idempotent_and_prints_credentials(runner: FlaskCliRunner,
                                                   session: Session) -> None:
    first = runner.invoke(args=["demo", "--json"])
    assert first.exit_code == 0, first.output
    demo = json.loads(first.output)
    assert set(demo) >= DEMO_FIELDS
    second = json.loads(runner.invoke(args=["demo", "--json"]).output)
    assert without_token(second) == without_token(demo)
    assert second["user_token"] != demo["user_token"]
    assert session.scalar(select(func.count()).select_from(Merchant)) == 1
    assert session.scalar(select(func.count()).select_from(User)) == 1
    assert session.scalar(select(func.count()).select_from(ApiKey)) == 3
    assert key_for_secret(session, demo["admin_key"]).kind == "admin"
    assert key_for_secret(session, demo["merchant_key"]).merchant_id == demo["merchant_id"]
    assert key_for_secret(session, demo["counter_key"]).kind == "counter"
    user = session.get(User, demo["user_id"])
    assert user is not None and password_matches(user.password_hash, demo["user_password"])
    from wallet.payouts.models import PayoutAccount

    account = session.get(PayoutAccount, demo["merchant_id"])
    assert account is not None and account.iban == "DE89370400440532013000"
    text_output = runner.invoke(args=["demo"]).output
    assert demo["admin_key"] in text_output


def test_demo_pages_lists_every_page_with_its_credential(runner: FlaskCliRunner) -> None:
    demo = json.loads(runner.invoke(args=["demo", "--json"]).output)
    shown = runner.invoke(args=["demo", "--pages"])
    assert shown.exit_code == 0, shown.output
    for path in ("/counter", "/merchant", "/admin", "/v1/docs", "/signin", "/sandbox/checkout/",
                 "/oauth/authorize", "/v1/openapi.json", "/healthz"):
        assert f"{demo['base_url']}{path}" in shown.output, path
    for secret in ("admin_key", "merchant_key", "counter_key", "user_email", "user_password",
                   "operator_email", "operator_password", "operator_totp_secret"):
        assert demo[secret] in shown.output, secret


def test_the_demo_operator_signs_in_to_the_console_with_totp(
        runner: FlaskCliRunner, client: FlaskClient) -> None:
    demo = json.loads(runner.invoke(args=["demo", "--json"]).output)
    again = json.loads(runner.invoke(args=["demo", "--json"]).output)
    assert again["operator_totp_secret"] == demo["operator_totp_secret"]
    client.environ_base["HTTP_X_CSRF_TOKEN"] = client.get("/v1/console/session").get_json()[
        "csrf_token"]
    signed = client.post("/v1/console/session", json={
        "email": demo["operator_email"], "password": demo["operator_password"],
        "code": pyotp.TOTP(demo["operator_totp_secret"]).now()})
    assert signed.status_code == 200, signed.get_data(as_text=True)
    assert signed.get_json()["operator"]["label"] == demo["operator_email"]
