"""An idempotent demo: one operator key, a merchant with an app and a counter,
and a person with a password and credits.

``user_token`` is a fresh access token for the person and the demo app on
every run (tokens are stored hashed, so an old one cannot be printed again).

Secrets are derived from the instance's secret key (HMAC), so running the
seed again finds the same rows and prints the same credentials.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.config import is_production
from wallet.db import db
from wallet.ids import secret_digest
from wallet.ledger import chart
from wallet.ledger.core import Move, post
from wallet.merchants import service as merchants
from wallet.merchants.models import ApiKey, App, Counter, Merchant
from wallet.oauth.service import mint_access_token
from wallet.payouts import service as payouts
from wallet.payouts.config import PayoutConfig, load_payout_config
from wallet.people import service as people
from wallet.people.models import User

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105  (printed for the demo on purpose)
DEMO_MERCHANT = "Demo Coffee & Articles"
DEMO_CREDITS = 5000
DEMO_OPERATOR = "operator@example.com"
DEMO_OPERATOR_PASSWORD = "operator-password"  # noqa: S105  (printed for the demo on purpose)


def derive_secret(instance_secret: bytes, prefix: str, purpose: str) -> str:
    mac = hmac.new(instance_secret, f"demo:{purpose}".encode(), hashlib.sha256).digest()
    return f"{prefix}_{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def _ensure_key(session: Session, kind: str, secret: str, **owner: Any) -> None:
    if session.scalar(select(ApiKey.id).where(ApiKey.digest == secret_digest(secret))) is None:
        merchants.issue_key(session, kind, secret=secret, label="demo", **owner)


DEMO_IBAN = "DE89370400440532013000"  # the well-known test IBAN


def seed_demo(
    session: Session, instance_secret: bytes, payout_config: PayoutConfig | None = None
) -> dict[str, Any]:
    """Create (once) and return the demo principals and their credentials.

    With ``payout_config`` the demo merchant also gets payout details (a test
    IBAN, manual schedule), so the payout flow can be tried at once.
    """
    admin_key = derive_secret(instance_secret, "ak", "admin")
    merchant_key = derive_secret(instance_secret, "sk", "merchant")
    counter_key = derive_secret(instance_secret, "ck", "counter")
    _ensure_key(session, "admin", admin_key)

    merchant = session.scalar(select(Merchant).where(Merchant.name == DEMO_MERCHANT))
    if merchant is None:
        merchant = merchants.create_merchant(session, DEMO_MERCHANT)
        merchant.kyc_status = "verified"
    _ensure_key(session, "secret", merchant_key, merchant_id=merchant.id)
    if payout_config is not None:
        payouts.update_settings(session, payout_config, merchant.id, iban=DEMO_IBAN,
                                holder_name=DEMO_MERCHANT, schedule="manual")

    app = session.scalar(select(App).where(App.merchant_id == merchant.id))
    if app is None:
        app = merchants.create_app_client(
            session, merchant.id, "Demo Reader", ["http://127.0.0.1:5000/oauth/demo-callback"]
        )
    counter = session.scalar(select(Counter).where(Counter.merchant_id == merchant.id))
    if counter is None:
        counter = merchants.create_counter(session, merchant.id, "Front counter")
    _ensure_key(session, "counter", counter_key, merchant_id=merchant.id, counter_id=counter.id)

    user = session.scalar(select(User).where(User.email == DEMO_EMAIL))
    if user is None:
        user = people.create_user(session, DEMO_EMAIL, DEMO_PASSWORD)
    paid = chart.user_account(session, user.id)
    clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING)
    post(
        session, reference=f"demo:credits:{user.id}", kind="demo_topup",
        moves=[Move(debit=clearing.id, credit=paid.id, amount=DEMO_CREDITS)],
        metadata={"note": "demo credits"},
    )
    user_token, _ = mint_access_token(session, user_id=user.id, app_id=app.id)
    operator_totp = _ensure_operator(session, instance_secret)
    return {
        "admin_key": admin_key,
        "merchant_id": merchant.id,
        "merchant_key": merchant_key,
        "app_id": app.id,
        "counter_id": counter.id,
        "counter_key": counter_key,
        "user_id": user.id,
        "user_email": DEMO_EMAIL,
        "user_password": DEMO_PASSWORD,
        "user_token": user_token,  # fresh on every run (an access token, 1 h)
        "operator_email": DEMO_OPERATOR,
        "operator_password": DEMO_OPERATOR_PASSWORD,
        "operator_totp_secret": operator_totp,  # for an authenticator app (or pyotp)
    }


def _ensure_operator(session: Session, instance_secret: bytes) -> str:
    """The demo operator account (console sign-in with a TOTP code); its TOTP secret,
    derived from the instance secret so that every run prints the same one."""
    from wallet.console import service as console
    from wallet.console.models import Operator

    mac = hmac.new(instance_secret, b"demo:operator-totp", hashlib.sha256).digest()
    secret = base64.b32encode(mac[:20]).decode()
    if session.scalar(select(Operator.id).where(Operator.email == DEMO_OPERATOR)) is None:
        console.create_operator(session, DEMO_OPERATOR, DEMO_OPERATOR_PASSWORD,
                                kek=console.totp_kek(instance_secret), totp_secret=secret)
    return secret


def pages(demo: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every page of the product with the demo credential that opens it."""
    base = str(demo["base_url"]).rstrip("/")
    return [
        ("Wallet (people)", f"{base}/",
         f"sign in as {demo['user_email']} / {demo['user_password']}"),
        ("Sign in, sign up", f"{base}/signin  {base}/signup",
         f"{demo['user_email']} / {demo['user_password']}"),
        ("App consent (OAuth)", f"{base}/oauth/authorize?client_id={demo['app_id']}&...",
         "opened by an app; the same person signs in"),
        ("Sandbox checkout", f"{base}/sandbox/checkout/...",
         "opened by Buy credits; test card 4242 4242 4242 4242, any future expiry and CVC"),
        ("Counter (till)", f"{base}/counter", f"counter key {demo['counter_key']}"),
        ("Merchant earnings", f"{base}/merchant", f"secret key {demo['merchant_key']}"),
        ("Operator console", f"{base}/admin",
         f"operator key {demo['admin_key']}, or {demo['operator_email']} / "
         f"{demo['operator_password']} with a TOTP code for the secret "
         f"{demo['operator_totp_secret']} (docs/console.md)"),
        ("API docs", f"{base}/v1/docs",
         f"Bearer: operator {demo['admin_key']}, merchant {demo['merchant_key']}, "
         f"counter {demo['counter_key']}, person via app {demo['user_token']}"),
        ("OpenAPI document", f"{base}/v1/openapi.json", "anyone"),
        ("Health", f"{base}/healthz", "anyone"),
    ]


@click.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--pages", "with_pages", is_flag=True,
              help="Also print every page with the credential that opens it.")
def demo_command(as_json: bool, with_pages: bool) -> None:
    """Seed (idempotently) a demo operator, merchant, app, counter and user."""
    if is_production(current_app):
        raise click.ClickException(
            "flask demo refuses to run with WALLET_ENV=production: it creates a known "
            "account (demo@example.com / demo-password) and operator, merchant and counter "
            "keys derived from the secret key.")
    secret = current_app.config["SECRET_KEY"]
    demo = seed_demo(db.session(), secret if isinstance(secret, bytes) else secret.encode(),
                     load_payout_config(current_app.config))
    db.session.commit()
    demo = {"base_url": current_app.config["BASE_URL"], **demo}
    if as_json:
        click.echo(json.dumps(demo))
        return
    click.echo("Demo credentials:")
    for name, value in demo.items():
        click.echo(f"  {name:20} {value}")
    if with_pages:
        click.echo("\nPages:")
        for title, url, credential in pages(demo):
            click.echo(f"  {title:20} {url}\n  {'':20} {credential}")
