"""A person's own vouchers (list, code again, revoke) and a counter's shift (summary, void).

Worked accounting: a voided redemption moves its credits from the merchant's earnings back
to VOUCHERS_OUTSTANDING and onto the voucher, exactly once, and ``ledger verify`` passes.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.conftest import RISK_OFF
from tests.support.voucher_world import (
    bearer,
    gift,
    idem,
    pending_balance,
    platform_balance,
    sign_in,
    world,
)
from vouchers import redemptions
from vouchers.models import Voucher, VoucherRedemption
from wallet.db import db, utcnow
from wallet.ledger.chart import Kind
from wallet.ledger.models import LedgerTransaction


@pytest.fixture
def w(committed_app: Flask) -> dict[str, Any]:
    committed_app.config.update(RISK_OFF)
    with committed_app.app_context():
        found = world(db.session())
        db.session.commit()
    return found


def _redeem(client: FlaskClient, key: str, payload: str, amount: int | None = None) -> Any:
    body: dict[str, Any] = {"payload": payload}
    if amount is not None:
        body["amount"] = amount
    response = client.post("/v1/vouchers/redeem", json=body, headers=idem(bearer(key)))
    assert response.status_code == 200, response.json
    return response.json


def _void(client: FlaskClient, key: str, redemption_id: str, idem_key: str | None = None) -> Any:
    headers = idem(bearer(key)) if idem_key is None else {**bearer(key),
                                                          "Idempotency-Key": idem_key}
    return client.post(f"/v1/vouchers/redemptions/{redemption_id}/void", headers=headers)


def _verify_ledger(app: Flask) -> dict[str, Any]:
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"], report
    return dict(report)


def _money(app: Flask, w: dict[str, Any], voucher_id: str) -> dict[str, Any]:
    with app.app_context():
        session = db.session()
        voucher = session.get(Voucher, voucher_id)
        assert voucher is not None
        out = {"pending": pending_balance(session, w["merchant_id"]),
               "outstanding": platform_balance(session, Kind.VOUCHERS_OUTSTANDING),
               "remaining": voucher.remaining, "status": voucher.status,
               "voids": session.scalar(select(func.count()).select_from(LedgerTransaction)
                                       .where(LedgerTransaction.kind == "voucher_void"))}
        session.rollback()
        return out


def test_a_person_lists_own_vouchers_and_sees_the_code_again(committed_app: Flask,
                                                             w: dict[str, Any]) -> None:
    client = committed_app.test_client()
    first = gift(client, w["user_id"], 40)
    second = gift(client, w["user_id"], 60)
    theirs = gift(client, w["other_user_id"], 5)
    _redeem(client, w["counter_key"], first["payload"], 15)

    sign_in(client, w["user_id"])
    page1 = client.get("/v1/vouchers?limit=1")
    assert page1.status_code == 200 and page1.json["has_more"] is True
    page2 = client.get(f"/v1/vouchers?limit=1&starting_after={page1.json['data'][0]['id']}")
    listed = page1.json["data"] + page2.json["data"]
    assert [v["id"] for v in listed] == [second["id"], first["id"]]  # newest first
    assert page2.json["has_more"] is False
    assert [(v["status"], v["value"], v["remaining"]) for v in listed] == [
        ("active", 60, 60), ("active", 40, 25)]
    for item in listed:  # bearer secrets never travel in a list
        assert "payload" not in item and "code" not in item
        assert item["code_available"] is True and item["qr_svg_url"].endswith("/qr.svg")
    assert theirs["id"] not in {v["id"] for v in listed}

    code = client.get(f"/v1/vouchers/{first['id']}/code")
    assert code.status_code == 200 and code.json == {"id": first["id"], "code": first["code"]}
    for other in (theirs["id"], "vch_unknown", "%00", "x" * 300):
        assert client.get(f"/v1/vouchers/{other}/code").status_code == 404, other

    revoked = client.post(f"/v1/vouchers/{second['id']}/revoke", headers=idem())
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    active = client.get("/v1/vouchers?status=active").json["data"]
    assert [v["id"] for v in active] == [first["id"]]
    assert [v["id"] for v in client.get("/v1/vouchers?status=revoked").json["data"]] == [
        second["id"]]
    for bad in ("status=gone", "limit=0", "limit=101", "starting_after=vch_unknown",
                "starting_after=%00"):
        response = client.get(f"/v1/vouchers?{bad}")
        unknown_cursor = bad == "starting_after=vch_unknown"  # %00 is not a cursor
        assert response.status_code == (404 if unknown_cursor else 400), (bad, response.json)
        assert set(response.json) == {"error"}
    _verify_ledger(committed_app)


def test_expired_vouchers_are_listed_as_expired(app: Flask, session: Session,
                                                risk_off: None) -> None:
    w = world(session)
    client = app.test_client()
    soon = (utcnow() + timedelta(hours=1)).replace(microsecond=0)
    issued = gift(client, w["user_id"], 7, expires_at=soon.isoformat())
    session.execute(update(Voucher).where(Voucher.id == issued["id"])
                    .values(expires_at=utcnow() - timedelta(seconds=1)))
    sign_in(client, w["user_id"])
    assert [v["id"] for v in client.get("/v1/vouchers?status=active").json["data"]] == []
    expired = client.get("/v1/vouchers?status=expired").json["data"]
    assert [(v["id"], v["status"], v["remaining"]) for v in expired] == [
        (issued["id"], "expired", 0)]


def test_void_puts_the_value_back_once(committed_app: Flask, w: dict[str, Any]) -> None:
    client = committed_app.test_client()
    issued = gift(client, w["user_id"], 100)
    before = _money(committed_app, w, issued["id"])
    part = _redeem(client, w["counter_key"], issued["payload"], 30)
    rest = _redeem(client, w["counter_key"], issued["payload"])
    closed = _money(committed_app, w, issued["id"])
    assert closed["status"] == "redeemed" and closed["remaining"] == 0
    assert closed["pending"] == before["pending"] + 100

    voided = _void(client, w["counter_key"], rest["redemption_id"], "v-1")
    assert voided.status_code == 200, voided.json
    assert voided.json["redemption_id"] == rest["redemption_id"] and voided.json["voided_at"]
    after = _money(committed_app, w, issued["id"])
    assert after == {**closed, "pending": before["pending"] + 30,
                     "outstanding": closed["outstanding"] + 70, "remaining": 70,
                     "status": "active", "voids": 1}
    # the same key replays; another key or another attempt moves nothing more
    assert _void(client, w["counter_key"], rest["redemption_id"], "v-1").json == voided.json
    again = _void(client, w["counter_key"], rest["redemption_id"], "v-2")
    assert again.status_code == 200 and again.json["voided_at"] == voided.json["voided_at"]
    assert _money(committed_app, w, issued["id"]) == after
    # someone else's counter cannot see or void it; the value can be redeemed again
    assert _void(client, w["other_counter_key"], part["redemption_id"]).status_code == 404
    verify = client.post("/v1/vouchers/verify", json={"payload": issued["payload"]},
                         headers=bearer(w["counter_key"]))
    assert verify.json["status"] == "active" and verify.json["remaining"] == 70
    assert _redeem(client, w["counter_key"], issued["payload"])["amount"] == 70
    _verify_ledger(committed_app)

    summary = client.get("/v1/vouchers/redemptions/summary", headers=bearer(w["counter_key"]))
    assert summary.status_code == 200, summary.json
    assert {k: summary.json[k] for k in ("count", "total", "voided_count", "voided_total",
                                         "net_total")} == {
        "count": 3, "total": 170, "voided_count": 1, "voided_total": 70, "net_total": 100}
    assert summary.json["void_window_seconds"] == 600
    listed = client.get("/v1/vouchers/redemptions?limit=2", headers=bearer(w["counter_key"]))
    assert listed.json["has_more"] is True
    assert [r["voided_at"] is not None for r in listed.json["data"]] == [False, True]
    other = client.get("/v1/vouchers/redemptions/summary",
                       headers=bearer(w["other_counter_key"]))
    assert other.json["count"] == 0
    tomorrow = (utcnow() + timedelta(days=1)).isoformat()
    later = client.get("/v1/vouchers/redemptions/summary", headers=bearer(w["counter_key"]),
                       query_string={"since": tomorrow})
    assert later.status_code == 422 and later.json["error"]["code"] == "invalid_range"
    naive = client.get("/v1/vouchers/redemptions/summary", headers=bearer(w["counter_key"]),
                       query_string={"since": "2026-01-01T00:00:00"})
    assert naive.status_code == 400


def test_void_refusals_write_nothing(committed_app: Flask, w: dict[str, Any]) -> None:
    client = committed_app.test_client()
    issued = gift(client, w["user_id"], 50)
    late = _redeem(client, w["counter_key"], issued["payload"], 10)
    with committed_app.app_context():
        row = db.session.get(VoucherRedemption, late["redemption_id"])
        assert row is not None
        row.created_at = utcnow() - redemptions.VOID_WINDOW - timedelta(seconds=1)
        db.session.commit()
    gone = _void(client, w["counter_key"], late["redemption_id"])
    assert gone.status_code == 409 and gone.json["error"]["code"] == "void_window_passed"

    revoked_after = _redeem(client, w["counter_key"], issued["payload"], 10)
    sign_in(client, w["user_id"])
    assert client.post(f"/v1/vouchers/{issued['id']}/revoke").status_code == 200
    sign_in(client, None)
    refused = _void(client, w["counter_key"], revoked_after["redemption_id"])
    assert refused.status_code == 409 and refused.json["error"]["code"] == "voucher_unavailable"

    claimable = gift(client, w["user_id"], 8)
    sign_in(client, w["other_user_id"])
    claim = client.post("/v1/vouchers/claim", json={"payload": claimable["payload"]},
                        headers=idem())
    sign_in(client, None)
    assert _void(client, w["counter_key"], claim.json["redemption_id"]).status_code == 404
    for bad in ("red_unknown", "x" * 300, "%00"):
        response = _void(client, w["counter_key"], bad)
        assert response.status_code == 404, (bad, response.json)
    assert _money(committed_app, w, issued["id"])["voids"] == 0
    _verify_ledger(committed_app)


def test_void_draws_on_available_earnings_when_pending_was_released(
    committed_app: Flask, w: dict[str, Any]
) -> None:
    """With a zero holding period the earnings may be available already: pending first,
    then available, as for a purchase refund."""
    from wallet.payouts.earnings import release

    client = committed_app.test_client()
    issued = gift(client, w["user_id"], 20)
    done = _redeem(client, w["counter_key"], issued["payload"])
    with committed_app.app_context():
        release(db.session(), 0, now=utcnow() + timedelta(seconds=5),
                merchant_ids=[w["merchant_id"]])
        db.session.commit()
    assert _void(client, w["counter_key"], done["redemption_id"]).status_code == 200
    assert _money(committed_app, w, issued["id"])["remaining"] == 20
    _verify_ledger(committed_app)


@pytest.mark.slow
def test_concurrent_voids_and_redemptions_move_value_exactly_once(
    committed_app: Flask, w: dict[str, Any]
) -> None:
    """Ten voids of one redemption race ten redemptions of other vouchers of the merchant."""
    client = committed_app.test_client()
    target = gift(client, w["user_id"], 90)
    done = _redeem(client, w["counter_key"], target["payload"])
    others = [gift(client, w["user_id"], 3) for _ in range(10)]
    start = _money(committed_app, w, target["id"])
    barrier = threading.Barrier(20)
    results: list[tuple[str, int]] = []
    lock = threading.Lock()

    def void(index: int) -> None:
        own = committed_app.test_client()
        barrier.wait()
        status = _void(own, w["counter_key"], done["redemption_id"], f"race-{index}").status_code
        with lock:
            results.append(("void", status))

    def redeem(payload: str) -> None:
        own = committed_app.test_client()
        barrier.wait()
        response = own.post("/v1/vouchers/redeem", json={"payload": payload},
                            headers=idem(bearer(w["counter_key"])))
        with lock:
            results.append(("redeem", response.status_code))

    threads = [threading.Thread(target=void, args=(i,)) for i in range(10)]
    threads += [threading.Thread(target=redeem, args=(o["payload"],)) for o in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert Counter(results) == Counter({("void", 200): 10, ("redeem", 200): 10}), results
    end = _money(committed_app, w, target["id"])
    assert end["voids"] == 1 and end["remaining"] == 90 and end["status"] == "active"
    assert end["pending"] == start["pending"] - 90 + 30
    _verify_ledger(committed_app)
