"""``flask --app wallet vouchers …``: signing keys, campaigns with printable exports, expiry."""

from __future__ import annotations

import csv
import html
import json
import os
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from vouchers import qr
from vouchers import service as svc
from vouchers.api import voucher_kek
from vouchers.models import VoucherKey
from wallet.db import db
from wallet.errors import WalletError
from wallet.retry import run_in_transaction

vouchers_cli = AppGroup("vouchers", help="Voucher keys, campaigns and expiry.")
keys_cli = AppGroup("keys", help="Voucher signing keys (Ed25519, encrypted under the KEK).")
vouchers_cli.add_command(keys_cli)


def _key_line(row: VoucherKey) -> dict[str, object]:
    return {"kid": row.kid, "status": row.status, "created_at": row.created_at.isoformat()}


@keys_cli.command("create")
def keys_create() -> None:
    """Create a new active key (other active keys stay active)."""
    row = run_in_transaction(db.session(), lambda: svc.create_key(
        db.session(), voucher_kek(current_app)), what="vouchers keys create")
    click.echo(json.dumps(_key_line(row)))


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Create a new active key and retire the others (their vouchers stay valid)."""
    row = run_in_transaction(db.session(), lambda: svc.rotate_key(
        db.session(), voucher_kek(current_app)), what="vouchers keys rotate")
    click.echo(json.dumps(_key_line(row)))


@keys_cli.command("revoke")
@click.argument("kid")
def keys_revoke(kid: str) -> None:
    """Revoke a compromised key: every voucher it signed is rejected from now on."""
    try:
        row = run_in_transaction(db.session(), lambda: svc.revoke_key(db.session(), kid),
                                 what="vouchers keys revoke")
    except WalletError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(json.dumps(_key_line(row)))


@keys_cli.command("list")
def keys_list() -> None:
    """List every key with its status, oldest first."""
    for row in svc.list_keys(db.session()):
        click.echo(json.dumps(_key_line(row)))


@vouchers_cli.command("expire")
@click.option("--batch", type=click.IntRange(1, 10_000), default=500, show_default=True)
def expire_command(batch: int) -> None:
    """Close expired vouchers: value back to the funding person, or to breakage.

    Safe to run from cron on several nodes at once, and again and again.
    """
    total = count = 0
    while True:
        done = run_in_transaction(db.session(), lambda: svc.expire_due(
            db.session(), limit=batch), what="vouchers expire")
        count += len(done)
        total += sum(amount for _, amount in done)
        if len(done) < batch:
            break
    click.echo(json.dumps({"expired": count, "returned": total}))


@vouchers_cli.command("campaign")
@click.option("--count", type=click.IntRange(1, svc.MAX_CAMPAIGN), required=True)
@click.option("--value", type=click.IntRange(1, 2**63 - 1), required=True,
              help="Credits per voucher.")
@click.option("--funding", type=click.Choice(["promotion", "gift_card"]), default="promotion",
              show_default=True)
@click.option("--expires-at", "expires_at", default=None,
              help="ISO 8601 with time zone, e.g. 2027-01-31T23:59:59+00:00.")
@click.option("--label", default="", help="A name for the campaign.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Directory for vouchers.csv, vouchers.zip and sheet.html.")
def campaign_command(count: int, value: int, funding: str, expires_at: str | None,
                     label: str, out_dir: Path) -> None:
    """Issue COUNT vouchers and export CSV, a ZIP of PNG/SVG and a printable HTML sheet.

    The export holds the vouchers' payloads and manual codes (bearer secrets, shown once):
    it is written readable by the owner only.
    """
    expiry = None
    if expires_at:
        try:
            expiry = datetime.fromisoformat(expires_at)
        except ValueError:
            raise click.BadParameter("not an ISO 8601 time", param_hint="--expires-at") from None
        if expiry.tzinfo is None:
            raise click.BadParameter("give a time zone", param_hint="--expires-at")
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with click.progressbar(length=count, label="Issuing", file=sys.stderr) as bar:
            campaign, issued = run_in_transaction(db.session(), lambda: svc.issue_campaign(
                db.session(), count=count, value=value, funding=funding, expires_at=expiry,
                label=label, kek=voucher_kek(current_app), progress=bar.update),
                what="vouchers campaign")
    except WalletError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    files = export_campaign(campaign.id, issued, out_dir)
    click.echo(json.dumps({"campaign_id": campaign.id, "count": count, "value": value,
                           "funding": funding, "files": {k: str(v) for k, v in files.items()}}))


def _private_open(path: Path, mode: str = "w", **kwargs: Any) -> Any:
    """Open for writing, readable by the owner only (the export holds bearer secrets)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, mode, **kwargs)


def export_campaign(campaign_id: str, issued: list[svc.IssuedVoucher],
                    out_dir: Path) -> dict[str, Path]:
    """Write ``vouchers.csv``, ``vouchers.zip`` (png/ and svg/) and ``sheet.html``."""
    csv_path = out_dir / "vouchers.csv"
    zip_path = out_dir / "vouchers.zip"
    sheet_path = out_dir / "sheet.html"
    cards: list[str] = []
    with _private_open(csv_path, newline="") as handle, \
            _private_open(zip_path, "wb") as raw_zip, \
            zipfile.ZipFile(raw_zip, "w", compression=zipfile.ZIP_DEFLATED) as archive, \
            click.progressbar(issued, label="Rendering", file=sys.stderr) as bar:
        writer = csv.writer(handle)
        writer.writerow(["voucher_id", "campaign_id", "value", "expires_at", "funding",
                         "code", "payload", "png", "svg"])
        for item in bar:
            v = item.voucher
            _version, modules = qr.qr_modules(item.payload)
            svg = qr.svg_from_modules(modules, scale=4)
            archive.writestr(f"png/{v.id}.png", qr.png_from_modules(modules, scale=8))
            archive.writestr(f"svg/{v.id}.svg", svg)
            expires = v.expires_at.isoformat() if v.expires_at else ""
            writer.writerow([v.id, campaign_id, v.value, expires, v.funding, item.code,
                             item.payload, f"png/{v.id}.png", f"svg/{v.id}.svg"])
            inline = svg.decode("ascii").split("?>", 1)[-1]
            cards.append(
                f'<figure>{inline}<figcaption><b>{v.value} credits</b><br>'
                f'<code>{html.escape(item.code)}</code>'
                + (f"<br>valid until {html.escape(expires[:10])}" if expires else "")
                + "</figcaption></figure>"
            )
    with _private_open(sheet_path, encoding="utf-8") as sheet:
        sheet.write(
            "<!doctype html><html lang=en><meta charset=utf-8>"
            f"<title>Vouchers {html.escape(campaign_id)}</title><style>"
            "body{font-family:system-ui,sans-serif;margin:0}"
            ".grid{display:grid;grid-template-columns:repeat(3,1fr);gap:6mm;padding:8mm}"
            "figure{margin:0;border:1px dashed #999;padding:4mm;text-align:center;"
            "break-inside:avoid}svg{width:40mm;height:40mm}code{font-size:11pt}"
            "@page{size:A4;margin:0}</style>"
            f'<div class="grid">{"".join(cards)}</div></html>\n'
        )
    return {"csv": csv_path, "zip": zip_path, "sheet": sheet_path}
