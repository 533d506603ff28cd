"""Voucher service and CLI: expiry job, key lifecycle, campaign export, lockout window, KEK."""

from __future__ import annotations

import csv
import io
import json
import stat
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskCliRunner
from PIL import Image
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.support.voucher_world import (
    paid_balance,
    pending_balance,
    platform_balance,
    world,
)
from vouchers import service as svc
from vouchers.api import voucher_kek
from vouchers.keys import generate_kek
from vouchers.manual_code import generate_manual_code
from vouchers.models import Voucher, VoucherKey
from wallet.db import utcnow
from wallet.errors import RateLimited
from wallet.ledger.chart import Kind
from wallet.risk.config import OFF
from wallet.web import lockouts

KEK = b"\x07" * 32


@pytest.fixture
def w(session: Session) -> dict[str, Any]:
    return world(session)


def test_expiry_returns_value_to_the_funder_or_breakage(session: Session,
                                                        w: dict[str, Any]) -> None:
    now = utcnow()
    soon = now + timedelta(hours=1)
    later = now + timedelta(hours=2)
    user_before = paid_balance(session, w["user_id"])
    breakage_before = platform_balance(session, Kind.BREAKAGE)
    gift = svc.issue_gift(session, risk=OFF, user_id=w["user_id"], value=80, kek=KEK,
                          expires_at=soon)
    svc.redeem(session, counter_id=w["counter_id"], payload=gift.payload, amount=30)
    _c, promo = svc.issue_campaign(session, count=2, value=5, funding="promotion", kek=KEK,
                                   expires_at=soon)
    _c, cards = svc.issue_campaign(session, count=1, value=9, funding="gift_card", kek=KEK,
                                   expires_at=soon)
    keeps = svc.issue_gift(session, risk=OFF, user_id=w["user_id"], value=1, kek=KEK,
                           expires_at=later)
    outstanding = platform_balance(session, Kind.VOUCHERS_OUTSTANDING)

    assert svc.expire_due(session, now=now) == []
    done = dict(svc.expire_due(session, now=soon))
    assert done == {gift.voucher.id: 50, promo[0].voucher.id: 5, promo[1].voucher.id: 5,
                    cards[0].voucher.id: 9}
    assert paid_balance(session, w["user_id"]) == user_before - 80 + 50 - 1
    assert platform_balance(session, Kind.BREAKAGE) == breakage_before + 19
    assert platform_balance(session, Kind.VOUCHERS_OUTSTANDING) == outstanding - 69
    assert svc.expire_due(session, now=soon + timedelta(minutes=1)) == []  # idempotent
    assert session.get(Voucher, gift.voucher.id).status == "expired"  # type: ignore[union-attr]
    assert session.get(Voucher, keeps.voucher.id).status == "active"  # type: ignore[union-attr]

    with pytest.raises(svc.VoucherStateError) as late:
        svc.redeem(session, counter_id=w["counter_id"], payload=gift.payload,
                   now=soon - timedelta(seconds=1))
    assert late.value.code == "voucher_expired"
    # between its expiry and the job's run, a voucher is refused too
    with pytest.raises(svc.VoucherStateError):
        svc.redeem(session, counter_id=w["counter_id"], code=keeps.code, now=later)


def test_expire_cli_is_repeatable(runner: FlaskCliRunner, session: Session,
                                  w: dict[str, Any]) -> None:
    issued = svc.issue_gift(session, risk=OFF, user_id=w["user_id"], value=12, kek=KEK,
                            expires_at=utcnow() + timedelta(days=1))
    session.execute(update(Voucher).where(Voucher.id == issued.voucher.id)
                    .values(expires_at=utcnow() - timedelta(seconds=1)))
    before = paid_balance(session, w["user_id"])
    first = runner.invoke(args=["vouchers", "expire"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"expired": 1, "returned": 12}
    second = runner.invoke(args=["vouchers", "expire"])
    assert json.loads(second.output) == {"expired": 0, "returned": 0}
    assert paid_balance(session, w["user_id"]) == before + 12


def test_key_rotation_and_revocation(app: Flask, runner: FlaskCliRunner, session: Session,
                                     w: dict[str, Any]) -> None:
    kek = voucher_kek(app)
    old = svc.issue_gift(session, risk=OFF, user_id=w["user_id"], value=3, kek=kek)
    rotated = runner.invoke(args=["vouchers", "keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    new_kid = json.loads(rotated.output)["kid"]
    assert new_kid != old.voucher.kid
    new = svc.issue_gift(session, risk=OFF, user_id=w["user_id"], value=3, kek=kek)
    assert new.voucher.kid == new_kid
    listed = [json.loads(line) for line in runner.invoke(
        args=["vouchers", "keys", "list"]).output.splitlines()]
    statuses = {line["kid"]: line["status"] for line in listed}
    assert statuses[old.voucher.kid] == "retired" and statuses[new_kid] == "active"
    # a retired key's vouchers still verify
    assert svc.verify(session, payload=old.payload).status == "active"

    client = app.test_client()
    published = {k["kid"]: k["status"] for k in client.get("/v1/voucher_keys").json["keys"]}
    assert published[old.voucher.kid] == "retired"

    revoked = runner.invoke(args=["vouchers", "keys", "revoke", old.voucher.kid])
    assert revoked.exit_code == 0 and json.loads(revoked.output)["status"] == "revoked"
    for presented in ({"payload": old.payload}, {"code": old.code}):
        with pytest.raises(svc.VoucherRejected) as rejected:
            svc.verify(session, **presented)
        assert rejected.value.code == "voucher_revoked_key"
    assert svc.verify(session, payload=new.payload).status == "active"
    published = {k["kid"]: k["status"] for k in app.test_client().get(
        "/v1/voucher_keys").json["keys"]}
    assert published[old.voucher.kid] == "revoked"
    missing = runner.invoke(args=["vouchers", "keys", "revoke", "00000000"])
    assert missing.exit_code != 0
    created = runner.invoke(args=["vouchers", "keys", "create"])
    assert json.loads(created.output)["status"] == "active"


def test_campaign_cli_exports_csv_zip_and_sheet(runner: FlaskCliRunner, session: Session,
                                                w: dict[str, Any], tmp_path: Path) -> None:
    clearing = platform_balance(session, Kind.GIFT_CARD_CLEARING)
    out = tmp_path / "export"
    result = runner.invoke(args=[
        "vouchers", "campaign", "--count", "5", "--value", "20", "--funding", "gift_card",
        "--expires-at", "2099-12-31T23:59:59+00:00", "--label", "Xmas", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["count"] == 5 and summary["funding"] == "gift_card"
    assert platform_balance(session, Kind.GIFT_CARD_CLEARING) == clearing - 100
    rows = list(csv.DictReader((out / "vouchers.csv").open()))
    assert len(rows) == 5 and {r["value"] for r in rows} == {"20"}
    assert stat.S_IMODE((out / "vouchers.csv").stat().st_mode) == 0o600
    with zipfile.ZipFile(out / "vouchers.zip") as archive:
        names = archive.namelist()
        assert len(names) == 10
        png = archive.read(rows[0]["png"])
        assert archive.read(rows[0]["svg"]).startswith(b"<?xml")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded[0].text == rows[0]["payload"]
    sheet = (out / "sheet.html").read_text()
    assert sheet.count("<figure>") == 5 and rows[0]["code"] in sheet
    # an exported code redeems
    redeemed = svc.redeem(session, counter_id=w["counter_id"], code=rows[3]["code"])
    assert redeemed.redemption.amount == 20
    assert pending_balance(session, w["merchant_id"]) >= 20
    bad = runner.invoke(args=["vouchers", "campaign", "--count", "1", "--value", "1",
                              "--expires-at", "2001-01-01T00:00:00+00:00", "--out", str(out)])
    assert bad.exit_code != 0


def test_lockout_holds_for_the_window_then_lifts(session: Session, w: dict[str, Any]) -> None:
    """The manual-code rule on the database store: five failures lock for the window."""
    issued = svc.issue_gift(session, risk=OFF, user_id=w["user_id"], value=2, kek=KEK)
    store = lockouts.DatabaseStore(session)
    rule = lockouts.Rule("manual-code-per_counter", svc.FAILURE_LIMIT, svc.FAILURE_WINDOW)
    checks = [(rule, w["counter_id"])]
    now = utcnow()

    def take(at: datetime) -> lockouts.Taken:
        taken = lockouts.take(store, checks, at, code="manual_code_locked",
                              message="{seconds}")
        assert isinstance(taken, lockouts.Taken)
        return taken

    for _ in range(svc.FAILURE_LIMIT):
        taken = take(now)
        with pytest.raises(svc.UnknownManualCode):
            svc.verify(session, code=generate_manual_code(), now=now)
        lockouts.settle(taken, failed=True)
    with pytest.raises(RateLimited) as locked:
        take(now + timedelta(minutes=14))
    assert locked.value.details["retry_after"] == 60
    after = now + svc.FAILURE_WINDOW + timedelta(seconds=1)
    taken = take(after)
    assert svc.verify(session, code=issued.code, now=after).status == "active"
    lockouts.settle(taken, failed=False)  # a known code is not a failure
    # in flight: the last attempts are held, the next one is told to wait, not refused
    held = [take(after) for _ in range(svc.FAILURE_LIMIT)]
    assert lockouts.take(store, checks, after, code="x", message="x") == lockouts.BUSY
    lockouts.settle(held[0], failed=False)
    lockouts.settle(take(after), failed=False)
    # failures spread wider than the window never lock
    other = [(rule, w["other_counter_id"])]
    for i in range(3 * svc.FAILURE_LIMIT):
        spread = lockouts.take(store, other, now + i * svc.FAILURE_WINDOW / 4, code="x",
                               message="x")
        assert isinstance(spread, lockouts.Taken)
        lockouts.settle(spread, failed=True)


def test_kek_from_environment_and_production_refusal(app: Flask, session: Session) -> None:
    saved = dict(app.config), dict(app.extensions)
    try:
        app.extensions.pop("voucher_kek", None)
        app.config["VOUCHER_KEK"] = (b"\x01" * 32).hex()
        assert voucher_kek(app) == b"\x01" * 32
        app.extensions.pop("voucher_kek", None)
        app.config["VOUCHER_KEK"] = generate_kek()
        assert len(voucher_kek(app)) == 32
        app.extensions.pop("voucher_kek", None)
        app.config.update(VOUCHER_KEK=None, ENV="production")
        with pytest.raises(RuntimeError, match="WALLET_VOUCHER_KEK"):
            voucher_kek(app)
    finally:
        app.config.clear()
        app.config.update(saved[0])
        app.extensions.clear()
        app.extensions.update(saved[1])
    row = svc.create_key(session, KEK)
    assert isinstance(row, VoucherKey) and len(row.encrypted_private_key) == 61
    assert svc.signing_key(session, KEK).kid  # decrypts under the same KEK
