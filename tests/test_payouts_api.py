"""The payout endpoints: settings, KYC, balance, requests, runs, downloads, reports, auth."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.payout_fixtures import GOOD_IBAN, available_directly, later, purchases
from tests.support.sessions import start_session
from wallet.demo import seed_demo
from wallet.ledger.models import LedgerTransaction
from wallet.merchants import service as merchants_service
from wallet.payouts.earnings import earnings, release
from wallet.payouts.sepa import validate_pain001


@pytest.fixture
def demo(session: Session, risk_off: None) -> dict[str, Any]:
    """The demo principals, committed (to the test's outer transaction): a failing
    request rolls the session back to its last commit."""
    result = seed_demo(session, b"p" * 32)
    session.commit()
    return result


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def idem(secret: str, key: str) -> dict[str, str]:
    return {**auth(secret), "Idempotency-Key": key}


def txn_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(LedgerTransaction)).scalar_one())


def set_settings(client: FlaskClient, key: str, iban: str = GOOD_IBAN,
                 schedule: str = "manual") -> Any:
    return client.put("/v1/payout_settings", headers=auth(key),
                      json={"iban": iban, "holder_name": "Demo Coffee GmbH",
                            "schedule": schedule})


def test_settings_validate_the_iban(client: FlaskClient, demo: dict[str, Any]) -> None:
    key = demo["merchant_key"]
    bad = set_settings(client, key, iban="DE89370400440532013001")
    assert bad.status_code == 422
    assert bad.json["error"]["code"] == "invalid_iban"
    assert bad.json["error"]["param"] == "iban"
    assert "checksum" in bad.json["error"]["message"]
    assert client.get("/v1/payout_settings", headers=auth(key)).json["iban"] is None
    not_sepa = set_settings(client, key, iban="BR1800360305000010009795493C1")
    assert not_sepa.status_code == 422 and "SEPA" in not_sepa.json["error"]["message"]
    bad_schedule = client.put("/v1/payout_settings", headers=auth(key), json={
        "iban": GOOD_IBAN, "holder_name": "X", "schedule": "daily"})
    assert bad_schedule.status_code == 400
    ok = set_settings(client, key, iban="de89 3704 0044 0532 0130 00", schedule="weekly")
    assert ok.status_code == 200
    assert ok.json["iban"] == GOOD_IBAN and ok.json["schedule"] == "weekly"
    assert ok.json["bic"] == "COBADEFFXXX"
    assert client.get("/v1/payout_settings", headers=auth(key)).json["iban"] == GOOD_IBAN


def test_balance_shows_values_and_why_not(client: FlaskClient, session: Session,
                                          demo: dict[str, Any]) -> None:
    key, merchant = demo["merchant_key"], demo["merchant_id"]
    purchases(session, merchant, 10, 7)
    session.commit()
    body = client.get("/v1/balance", headers=auth(key)).json
    assert body["earnings"] == {"pending": 70, "available": 0, "in_transit": 0, "reserved": 0,
                                "debt": 0}
    # 70 credits at 100 = 0.80 EUR: 56 cents.
    assert body["value"]["currency"] == "EUR"
    assert body["value"]["pending"] == 56 and body["value"]["pending_display"] == "€0.56"
    assert body["value"]["available"] == 0
    codes = [r["code"] for r in body["payouts"]["reasons"]]
    assert codes == ["no_bank_account", "below_minimum"]
    assert body["payouts"]["missing"] == 2000

    admin = demo["admin_key"]
    assert client.post(f"/v1/merchants/{merchant}/kyc", headers=auth(admin),
                       json={"status": "pending"}).json["kyc_status"] == "pending"
    reasons = client.get("/v1/payouts/eligibility", headers=auth(key)).json["reasons"]
    assert reasons[0]["code"] == "kyc_not_verified"


def test_manual_request_rules(client: FlaskClient, session: Session,
                              demo: dict[str, Any]) -> None:
    key, merchant, admin = demo["merchant_key"], demo["merchant_id"], demo["admin_key"]
    available_directly(session, merchant, 2400)  # 19.20 EUR
    session.commit()
    before = txn_count(session)
    no_iban = client.post("/v1/payouts", headers=idem(key, "r1"), json={})
    assert no_iban.status_code == 422 and no_iban.json["error"]["code"] == "no_bank_account"
    assert set_settings(client, key).status_code == 200
    client.post(f"/v1/merchants/{merchant}/kyc", headers=auth(admin), json={"status": "pending"})
    no_kyc = client.post("/v1/payouts", headers=idem(key, "r2"), json={})
    assert no_kyc.status_code == 422 and no_kyc.json["error"]["code"] == "kyc_not_verified"
    client.post(f"/v1/merchants/{merchant}/kyc", headers=auth(admin), json={"status": "verified"})
    low = client.post("/v1/payouts", headers=idem(key, "r3"), json={})
    assert low.status_code == 422
    assert low.json["error"]["code"] == "below_minimum"
    assert "€0.80 missing" in low.json["error"]["message"]
    assert txn_count(session) == before
    assert earnings(session, merchant).available == 2400

    available_directly(session, make_more(session), 1)  # another merchant, unrelated
    purchases(session, merchant, 1, 100)
    release(session, 0, now=later(0.001))
    session.commit()
    created = client.post("/v1/payouts", headers=idem(key, "r4"), json={})
    assert created.status_code == 201, created.json
    assert created.json["amount"] == 1980 and created.json["fee"] == 20
    assert created.json["status"] == "pending" and created.json["origin"] == "request"
    replay = client.post("/v1/payouts", headers=idem(key, "r4"), json={})
    assert replay.json["id"] == created.json["id"]
    assert earnings(session, merchant).in_transit == 2500

    listing = client.get("/v1/payouts?limit=1", headers=auth(key)).json
    assert [p["id"] for p in listing["data"]] == [created.json["id"]]
    assert listing["has_more"] is False
    one = client.get(f"/v1/payouts/{created.json['id']}", headers=auth(key))
    assert one.status_code == 200 and one.json["iban_last4"] == "3000"

    # The operator's run carries the requested payout in its batch.
    run = client.post("/v1/payout_runs", headers=idem(admin, "run1"), json={})
    assert run.status_code == 201
    assert [p["id"] for p in run.json["payouts"]] == [created.json["id"]]
    batch = run.json["batch_id"]
    xml = client.get(f"/v1/payout_batches/{batch}/pain001", headers=auth(admin))
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    validate_pain001(xml.data)
    csv = client.get(f"/v1/payout_batches/{batch}/csv", headers=auth(admin))
    assert csv.status_code == 200 and created.json["id"] in csv.get_data(as_text=True)
    assert client.post(f"/v1/payout_batches/{batch}/submit", headers=auth(admin),
                       json={}).status_code == 200
    cancel = client.post(f"/v1/payouts/{created.json['id']}/cancel",
                         headers=idem(key, "c1"), json={})
    assert cancel.status_code == 409
    failed = client.post(f"/v1/payouts/{created.json['id']}/status", headers=auth(admin),
                         json={"status": "failed", "reason": "AC01 wrong account"})
    assert failed.status_code == 200 and failed.json["failure_reason"] == "AC01 wrong account"
    assert earnings(session, merchant).available == 2500
    imported = client.post("/v1/payout_status_imports", headers=auth(admin),
                           data=f"payout_id,status\n{created.json['id']},paid\n")
    assert imported.status_code == 200 and imported.json["conflicts"][0]["status"] == "failed"

    report = client.get("/v1/reports/fees", headers=auth(key)).json
    assert report["merchant_id"] == merchant and report["totals"]["purchases"] == 1
    admin_report = client.get(f"/v1/reports/fees?merchant_id={merchant}", headers=auth(admin))
    assert admin_report.json["totals"]["purchases"] == 1
    assert client.get("/v1/reports/fees?merchant_id=mer_nope",
                      headers=auth(admin)).status_code == 404
    config = client.get("/v1/payout_config", headers=auth(admin)).json
    assert config["minimum"] == 2000 and config["currency"] == "EUR"


def make_more(session: Session) -> str:
    return merchants_service.create_merchant(session, "Other").id


def test_other_merchants_payouts_are_invisible(client: FlaskClient, session: Session,
                                               demo: dict[str, Any]) -> None:
    other = merchants_service.create_merchant(session, "Elsewhere")
    _, other_key = merchants_service.issue_key(session, "secret", merchant_id=other.id)
    key, merchant = demo["merchant_key"], demo["merchant_id"]
    available_directly(session, merchant, 5000)
    session.commit()
    set_settings(client, key)
    created = client.post("/v1/payouts", headers=idem(key, "x"), json={}).json
    assert client.get(f"/v1/payouts/{created['id']}", headers=auth(other_key)).status_code == 404
    assert client.get("/v1/payouts", headers=auth(other_key)).json["data"] == []
    assert client.post(f"/v1/payouts/{created['id']}/cancel", headers=idem(other_key, "y"),
                       json={}).status_code == 404


MERCHANT_ONLY = [("GET", "/v1/balance"), ("GET", "/v1/payout_settings"),
                 ("PUT", "/v1/payout_settings"), ("GET", "/v1/payouts/eligibility"),
                 ("POST", "/v1/payouts")]
MERCHANT_OR_ADMIN = [("GET", "/v1/payouts"), ("GET", "/v1/payouts/pay_x"),
                     ("POST", "/v1/payouts/pay_x/cancel"), ("GET", "/v1/reports/fees")]
ADMIN_ONLY = [("POST", "/v1/merchants/mer_x/kyc"), ("GET", "/v1/payout_config"),
              ("POST", "/v1/payout_runs"), ("GET", "/v1/payout_batches/bat_x"),
              ("GET", "/v1/payout_batches/bat_x/pain001"), ("GET", "/v1/payout_batches/bat_x/csv"),
              ("POST", "/v1/payout_batches/bat_x/submit"), ("POST", "/v1/payouts/pay_x/status"),
              ("POST", "/v1/payout_status_imports")]


def _user_token(client: FlaskClient, demo: dict[str, Any]) -> str:
    answer = client.post(f"/v1/users/{demo['user_id']}/tokens", headers=auth(demo["admin_key"]),
                         json={"app_id": demo["app_id"]})
    assert answer.status_code == 201, answer.json
    return str(answer.json["access_token"])


@pytest.mark.parametrize(("method", "path"), MERCHANT_ONLY + MERCHANT_OR_ADMIN + ADMIN_ONLY)
def test_wrong_principals_are_refused(app: Flask, client: FlaskClient, demo: dict[str, Any],
                                      method: str, path: str) -> None:
    allowed = ({"merchant"} if (method, path) in MERCHANT_ONLY else
               {"merchant", "admin"} if (method, path) in MERCHANT_OR_ADMIN else {"admin"})
    keys = {"admin": demo["admin_key"], "merchant": demo["merchant_key"],
            "counter": demo["counter_key"]}

    def call(headers: dict[str, str]) -> Any:
        return client.open(path, method=method, json={}, headers=headers)

    assert call({}).status_code == 401
    assert call(auth("sk_forged")).status_code == 401
    for kind, secret in keys.items():
        if kind in allowed:
            continue
        answer = call({**auth(secret), "Idempotency-Key": f"k-{kind}"})
        assert answer.status_code == 403, (kind, answer.json)
        assert answer.json["error"]["code"] == "wrong_principal"
    # People's credentials: an app token and a signed-in web session. Closed loop.
    token = _user_token(client, demo)
    answer = call({**auth(token), "Idempotency-Key": "k-user"})
    assert answer.status_code == 403 and answer.json["error"]["code"] == "closed_loop"
    start_session(client, demo["user_id"], "t")
    answer = call({"X-CSRF-Token": "t", "Idempotency-Key": "k-session"})
    assert answer.status_code == 403 and answer.json["error"]["code"] == "closed_loop"


def test_kyc_endpoint(client: FlaskClient, demo: dict[str, Any]) -> None:
    admin = demo["admin_key"]
    assert client.post("/v1/merchants/mer_nope/kyc", headers=auth(admin),
                       json={"status": "verified"}).status_code == 404
    assert client.post(f"/v1/merchants/{demo['merchant_id']}/kyc", headers=auth(admin),
                       json={"status": "approved"}).status_code == 400


def test_merchant_page(client: FlaskClient) -> None:
    page = client.get("/merchant")
    assert page.status_code == 200
    assert b"/static/merchant/merchant.js" in page.data
    script = client.get("/static/merchant/merchant.js")
    assert script.status_code == 200 and b"sessionStorage" in script.data
    assert b"/v1/reports/fees" in script.data
