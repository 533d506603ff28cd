"""``flask --app wallet console create-operator|disable-operator|enable-operator|purge|
liabilities``."""

from __future__ import annotations

import io
import json
from typing import Any

import click
from flask.cli import AppGroup

from wallet.console import service
from wallet.console.liability import liability_report
from wallet.db import db
from wallet.errors import WalletError

console_cli = AppGroup("console", help="The operator console: operator accounts, reports.")


def _kek() -> bytes:
    from wallet.console.api import totp_kek

    return totp_kek()


def qr_text(uri: str) -> str:
    """The URI as a QR code drawn with characters, for the terminal (``qrcode``)."""
    import qrcode

    code = qrcode.QRCode(border=2)
    code.add_data(uri)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()


@console_cli.command("create-operator")
@click.option("--email", required=True, help="The operator's email (their sign-in name).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters (asked for when absent).")
@click.option("--qr-svg", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write the TOTP QR code to this SVG file.")
def create_operator_command(email: str, password: str, qr_svg: str | None) -> None:
    """Create an operator account and show its TOTP setup (QR code, shown once)."""
    operator, secret = service.create_operator(db.session(), email, password, kek=_kek())
    service.record(db.session(), service.Actor("cli", "create-operator"), "operator.create",
                   target_type="operator", target_id=operator.id,
                   detail={"email": operator.email})
    db.session.commit()
    uri = service.provisioning_uri(operator, secret)
    if qr_svg:
        with open(qr_svg, "w", encoding="utf-8") as handle:
            handle.write(service.qr_svg(uri))
    click.echo(f"Operator {operator.id} <{operator.email}> created.")
    click.echo("Scan this with an authenticator app (shown once; the secret is kept sealed):")
    click.echo(qr_text(uri))
    click.echo(f"  or enter the secret: {secret}")
    click.echo(f"  otpauth URI: {uri}")
    click.echo("Sign in at /admin with the email, the password and the app's 6-digit code.")


@console_cli.command("disable-operator")
@click.option("--email", required=True, help="The operator's email (their sign-in name).")
@click.option("--reason", required=True, help="Why (kept in the operators' audit).")
def disable_operator_command(email: str, reason: str) -> None:
    """Disable an operator account: no more sign-ins, its console sessions end at once."""
    try:
        operator, disabled = service.disable_operator(
            db.session(), email, reason=reason,
            actor=service.Actor("cli", "disable-operator"))
    except WalletError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    if disabled:
        click.echo(f"Operator {operator.id} <{operator.email}> disabled.")
    else:
        click.echo(f"Operator {operator.id} <{operator.email}> was already disabled "
                   f"(since {operator.disabled_at:%Y-%m-%d %H:%M} UTC).")


@console_cli.command("enable-operator")
@click.option("--email", required=True, help="The operator's email (their sign-in name).")
@click.option("--reason", required=True, help="Why (kept in the operators' audit).")
def enable_operator_command(email: str, reason: str) -> None:
    """Enable a disabled operator account again: it may sign in with its password and
    TOTP (the console sessions the disable ended stay ended)."""
    try:
        operator, enabled = service.enable_operator(
            db.session(), email, reason=reason,
            actor=service.Actor("cli", "enable-operator"))
    except WalletError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    if enabled:
        click.echo(f"Operator {operator.id} <{operator.email}> enabled.")
    else:
        click.echo(f"Operator {operator.id} <{operator.email}> is not disabled; "
                   "nothing changed.")


@console_cli.command("purge")
def purge_command() -> None:
    """Delete expired or signed-out console sessions (cron: daily)."""
    purged = service.purge_sessions(db.session())
    db.session.commit()
    click.echo(json.dumps({"purged": purged}))


def _text(report: dict[str, Any]) -> str:
    owed = report["credits_outstanding"]
    earn = report["merchant_earnings_payable"]
    rec = report["reconciliation"]
    losses = report["platform_losses"]
    lines = [
        f"Liability report ({report['asset']}, {report['as_of'].isoformat()})",
        f"  credits outstanding, paid         {owed['credits_paid']:>16,}",
        f"  credits outstanding, promotional  {owed['credits_promotional']:>16,}",
        f"  vouchers outstanding              {report['vouchers_outstanding']:>16,}",
        f"  merchant earnings payable         {earn['total']:>16,}"
        f"  (pending {earn['pending']:,}, available {earn['available']:,}, "
        f"in transit {earn['in_transit']:,}, reserved {earn['reserved']:,}, "
        f"debt {earn['debt']:,})",
        f"  total owed                        {report['total_owed']:>16,}",
        f"  breakage                          {report['breakage']:>16,}",
        f"  fees                              {report['fees']:>16,}",
        "  platform losses                   "
        + (f"{losses:>16,}" if losses is not None else f"{'(no account)':>16}"),
        f"  reconciled with the ledger        {'yes' if rec['ok'] else 'NO':>16}",
    ]
    if not rec["ok"]:
        lines.append(f"  books balance {rec['books_balance']:,}; mismatched kinds "
                     f"{rec['mismatched_kinds']}; vouchers table {rec['vouchers_table']:,}")
    return "\n".join(lines)


@console_cli.command("liabilities")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def liabilities_command(as_json: bool) -> None:
    """The liability report, reconciled against the ledger (exit 1 when it does not)."""
    report = liability_report(db.session())
    db.session.rollback()
    if as_json:
        click.echo(json.dumps(report, default=lambda v: v.isoformat()))
    else:
        click.echo(_text(report))
    if not report["reconciliation"]["ok"]:
        raise SystemExit(1)


__all__ = ["console_cli"]
