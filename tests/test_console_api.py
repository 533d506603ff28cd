"""The operator's API (#16 console): people search, a wallet and its history, purchases,
freeze / unfreeze with a reason, refunds on a merchant's behalf, KYC review, payout
batches, the audit of every operator action (append-only), console sign-in with an
operator key or an operator account with TOTP."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.support.authz import Endpoint, assert_authz_matrix, make_principals
from tests.support.buyers import make_world, top_up, user_token
from wallet.console import service as console
from wallet.db import utcnow
from wallet.ledger.audit import Ed25519PrivateKey, verify
from wallet.merchants import service as merchants_service
from wallet.topups.models import Shortfall, TopUp

CSRF = "console-test-csrf"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def idem(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": uuid.uuid4().hex}


@pytest.fixture
def admin(session: Session) -> dict[str, str]:
    _key, secret = merchants_service.issue_key(session, "admin")
    session.commit()
    return bearer(secret)


def buy(client: FlaskClient, token: str, amount: int, description: str = "Article") -> Any:
    made = client.post("/v1/purchases", json={"amount": amount, "description": description},
                       headers=idem(bearer(token)))
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.get_json()


def actions(client: FlaskClient, admin: dict[str, str], **query: str) -> list[dict[str, Any]]:
    found = client.get("/v1/operator_actions", query_string=query, headers=admin)
    assert found.status_code == 200, found.get_data(as_text=True)
    return list(found.get_json()["data"])


def test_search_people_wallet_history_and_purchases(
        client: FlaskClient, session: Session, admin: dict[str, str]) -> None:
    world = make_world(session, users=2)
    user_id, other_id = world.user_ids
    top_up(session, user_id, 500)
    token = user_token(session, user_id, world.app_id)
    session.commit()
    bought = buy(client, token, 120, "Sticker pack")
    email = client.get(f"/v1/users/{user_id}", headers=admin).get_json()["email"]

    by_part = client.get("/v1/users", query_string={"q": email[2:8].upper()}, headers=admin)
    assert by_part.status_code == 200
    assert [u["id"] for u in by_part.get_json()["data"]] == [user_id]
    by_id = client.get("/v1/users", query_string={"q": other_id}, headers=admin).get_json()
    assert [u["id"] for u in by_id["data"]] == [other_id]
    wildcard = client.get("/v1/users", query_string={"q": "%"}, headers=admin).get_json()
    assert wildcard["data"] == []  # LIKE metacharacters are searched for literally

    wallet = client.get(f"/v1/users/{user_id}/wallet", headers=admin).get_json()
    assert wallet["credits"] == {"total": 380, "paid": 380, "promotional": 0}
    assert wallet["email"] == email and wallet["freeze"]["frozen"] is False
    history = client.get(f"/v1/users/{user_id}/transactions", headers=admin).get_json()
    assert [(e["kind"], e["amount"]) for e in history["data"]] == [("purchase", -120),
                                                                    ("topup", 500)]
    assert history["data"][0]["purchase_id"] == bought["id"]
    read = client.get(f"/v1/purchases/{bought['id']}", headers=admin)
    assert read.status_code == 200 and read.get_json()["description"] == "Sticker pack"
    listed = client.get("/v1/purchases", query_string={"user_id": user_id}, headers=admin)
    assert [p["id"] for p in listed.get_json()["data"]] == [bought["id"]]
    assert client.get("/v1/purchases", query_string={"user_id": other_id},
                      headers=admin).get_json()["data"] == []
    assert client.get("/v1/users/usr_nope/wallet", headers=admin).status_code == 404
    for query in ({"user_id": "usr_\x00"}, {"merchant_id": "\x00"}):
        assert client.get("/v1/purchases", query_string=query, headers=admin).status_code == 400
    assert actions(client, admin) == []  # reading is not an action


def test_freeze_round_trip_with_reasons_in_the_audit(
        client: FlaskClient, session: Session, admin: dict[str, str]) -> None:
    world = make_world(session)
    user_id = world.user_ids[0]
    top_up(session, user_id, 300)
    token = user_token(session, user_id, world.app_id)
    session.commit()

    no_reason = client.post(f"/v1/users/{user_id}/freeze", json={}, headers=admin)
    assert no_reason.status_code == 400
    frozen = client.post(f"/v1/users/{user_id}/freeze", json={"reason": "Card testing"},
                         headers=admin)
    assert frozen.status_code == 200, frozen.get_data(as_text=True)
    body = frozen.get_json()
    assert body["frozen"] is True and body["freeze"]["reason"] == "Card testing"
    assert body["freeze"]["frozen_by"].startswith("key …")
    refused = client.post("/v1/purchases", json={"amount": 5, "description": "x"},
                          headers=idem(bearer(token)))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "wallet_frozen"
    again = client.post(f"/v1/users/{user_id}/freeze", json={"reason": "again"}, headers=admin)
    assert again.status_code == 409

    thawed = client.post(f"/v1/users/{user_id}/unfreeze", json={"reason": "Customer verified"},
                         headers=admin)
    assert thawed.status_code == 200 and thawed.get_json()["freeze"] == {
        "frozen": False, "reason": None, "frozen_at": None, "frozen_by": None,
        "open_shortfalls": 0}
    buy(client, token, 5)
    audit = actions(client, admin, target_id=user_id)
    assert [(a["action"], a["reason"]) for a in audit] == [
        ("wallet.unfreeze", "Customer verified"), ("wallet.freeze", "Card testing")]
    assert all(a["actor_type"] == "key" and a["request_id"] for a in audit)


def test_unfreeze_waits_for_an_open_topup_shortfall(
        client: FlaskClient, session: Session, admin: dict[str, str]) -> None:
    world = make_world(session)
    user_id = world.user_ids[0]
    topup = TopUp(id=f"top_{uuid.uuid4().hex[:12]}", user_id=user_id, pack_id="p",
                  currency="EUR", price_minor=499, credits=500, provider="sandbox")
    session.add(topup)
    session.flush()
    shortfall = Shortfall(id=f"sfl_{uuid.uuid4().hex[:12]}", user_id=user_id,
                          topup_id=topup.id, credits=200, reason="chargeback", status="open")
    session.add(shortfall)
    session.commit()
    assert client.post(f"/v1/users/{user_id}/freeze", json={"reason": "Chargeback"},
                       headers=admin).status_code == 200
    blocked = client.post(f"/v1/users/{user_id}/unfreeze", json={"reason": "ok"},
                          headers=admin)
    assert blocked.status_code == 409 and blocked.get_json()["error"]["code"] == "open_shortfall"
    listed = client.get("/v1/topup_shortfalls", headers=admin).get_json()["data"]
    assert [s["id"] for s in listed] == [shortfall.id]
    resolved = client.post(f"/v1/topup_shortfalls/{shortfall.id}/resolve",
                           json={"action": "write_off", "note": "small"}, headers=idem(admin))
    assert resolved.status_code == 200, resolved.get_data(as_text=True)
    # the operator froze it (with a reason): resolving the shortfall does not lift that
    wallet = client.get(f"/v1/users/{user_id}/wallet", headers=admin).get_json()
    assert wallet["frozen"] is True and wallet["freeze"]["reason"] == "Chargeback"
    assert wallet["freeze"]["open_shortfalls"] == 0
    generic = actions(client, admin, target_id=user_id)
    assert [a["action"] for a in generic] == ["wallet.freeze"]
    every = actions(client, admin)
    assert every[0]["action"] == f"POST /v1/topup_shortfalls/{shortfall.id}/resolve"
    thawed = client.post(f"/v1/users/{user_id}/unfreeze", json={"reason": "Paid back"},
                         headers=admin)
    assert thawed.status_code == 200 and thawed.get_json()["frozen"] is False


def test_a_shortfall_alone_unfreezes_when_resolved(
        client: FlaskClient, session: Session, admin: dict[str, str]) -> None:
    world = make_world(session)
    user_id = world.user_ids[0]
    topup = TopUp(id=f"top_{uuid.uuid4().hex[:12]}", user_id=user_id, pack_id="p",
                  currency="EUR", price_minor=499, credits=500, provider="sandbox")
    session.add(topup)
    session.flush()
    shortfall = Shortfall(id=f"sfl_{uuid.uuid4().hex[:12]}", user_id=user_id,
                          topup_id=topup.id, credits=50, reason="refund", status="open")
    session.add(shortfall)
    session.execute(text("UPDATE users SET frozen = :t WHERE id = :id"),
                    {"t": True, "id": user_id})
    session.commit()
    wallet = client.get(f"/v1/users/{user_id}/wallet", headers=admin).get_json()
    assert wallet["freeze"] == {"frozen": True, "reason": None, "frozen_at": None,
                                "frozen_by": None, "open_shortfalls": 1}
    resolved = client.post(f"/v1/topup_shortfalls/{shortfall.id}/resolve",
                           json={"action": "write_off"}, headers=idem(admin))
    assert resolved.status_code == 200
    assert client.get(f"/v1/users/{user_id}/wallet", headers=admin).get_json()["frozen"] is False


def test_refund_on_the_merchants_behalf(
        client: FlaskClient, session: Session, admin: dict[str, str]) -> None:
    world = make_world(session)
    user_id = world.user_ids[0]
    top_up(session, user_id, 1000)
    token = user_token(session, user_id, world.app_id)
    session.commit()
    bought = buy(client, token, 400)
    path = f"/v1/purchases/{bought['id']}/refunds"

    no_reason = client.post(path, json={"amount": 100}, headers=idem(admin))
    assert no_reason.status_code == 422
    assert no_reason.get_json()["error"]["code"] == "reason_required"
    part = client.post(path, json={"amount": 150, "reason": "Double charge"}, headers=idem(admin))
    assert part.status_code == 201, part.get_data(as_text=True)
    assert part.get_json()["purchase_refunded"] == 150
    rest = client.post(path, json={"reason": "Complaint upheld"}, headers=idem(admin))
    assert rest.status_code == 201 and rest.get_json()["amount"] == 250
    assert client.post(path, json={"reason": "more"}, headers=idem(admin)).status_code == 409
    wallet = client.get(f"/v1/users/{user_id}/wallet", headers=admin).get_json()
    assert wallet["credits"]["paid"] == 1000
    merchant_view = client.get(f"/v1/purchases/{bought['id']}", headers=bearer(world.merchant_key))
    assert merchant_view.get_json()["refunded"] == 400
    audit = actions(client, admin, target_type="purchase", target_id=bought["id"])
    assert [(a["reason"], a["detail"]["amount"]) for a in audit] == [
        ("Complaint upheld", 250), ("Double charge", 150)]
    assert verify(session, Ed25519PrivateKey.generate().public_key()).ok


def test_kyc_review_queue(client: FlaskClient, session: Session, admin: dict[str, str]) -> None:
    pending = merchants_service.create_merchant(session, "Pending Bakery")
    done = merchants_service.create_merchant(session, "Verified Books")
    done.kyc_status = "verified"
    session.commit()
    queue = client.get("/v1/merchants/search", query_string={"kyc_status": "pending"},
                       headers=admin).get_json()["data"]
    assert pending.id in [m["id"] for m in queue] and done.id not in [m["id"] for m in queue]
    named = client.get("/v1/merchants/search", query_string={"q": "bakery"},
                       headers=admin).get_json()["data"]
    assert [m["id"] for m in named] == [pending.id]
    path = f"/v1/merchants/{pending.id}/kyc_review"
    assert client.post(path, json={"decision": "reject"}, headers=admin).status_code == 422
    approved = client.post(path, json={"decision": "approve"}, headers=admin)
    assert approved.status_code == 200 and approved.get_json()["kyc_status"] == "verified"
    rejected = client.post(path, json={"decision": "reject", "reason": "Documents forged"},
                           headers=admin)
    assert rejected.get_json()["kyc_status"] == "rejected"
    audit = actions(client, admin, target_id=pending.id)
    assert [(a["action"], a["detail"]) for a in audit] == [
        ("kyc.reject", {"from": "verified", "to": "rejected"}),
        ("kyc.approve", {"from": "pending", "to": "verified"})]
    assert client.post("/v1/merchants/mer_nope/kyc_review", json={"decision": "approve"},
                       headers=admin).status_code == 404


def test_every_operator_write_is_audited_and_the_audit_is_append_only(
        client: FlaskClient, session: Session, admin: dict[str, str]) -> None:
    made = client.post("/v1/merchants", json={"name": "Audited"}, headers=admin)
    assert made.status_code == 201
    assert client.post("/v1/merchants", json={}, headers=admin).status_code == 400
    audit = actions(client, admin)
    assert [(a["action"], a["detail"]["status"]) for a in audit] == [("POST /v1/merchants", 201)]
    assert "sk_" not in str(audit)  # the answer's secrets are never copied into the audit
    batches = client.get("/v1/payout_batches", headers=admin)
    assert batches.status_code == 200 and batches.get_json()["has_more"] is False
    with pytest.raises(Exception, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE operator_actions SET reason = 'edited'"))
    with pytest.raises(Exception, match="append-only"), session.begin_nested():
        session.execute(text("DELETE FROM operator_actions"))


def test_who_may_call_the_console_api(client: FlaskClient, session: Session) -> None:
    p = make_principals(session)
    session.commit()
    assert_authz_matrix(client, session, p, [
        Endpoint("GET", "/v1/users", allowed={"admin"}),
        Endpoint("GET", f"/v1/users/{p.user_id}/wallet", allowed={"admin"}),
        Endpoint("GET", f"/v1/users/{p.user_id}/transactions", allowed={"admin"}),
        Endpoint("POST", f"/v1/users/{p.user_id}/freeze", {"reason": "x"}, allowed={"admin"}),
        Endpoint("POST", f"/v1/users/{p.user_id}/unfreeze", {"reason": "x"},
                 allowed={"admin"}),
        Endpoint("GET", "/v1/merchants/search", allowed={"admin"}),
        Endpoint("POST", f"/v1/merchants/{p.merchant_id}/kyc_review",
                 {"decision": "approve"}, allowed={"admin"}),
        Endpoint("GET", "/v1/payout_batches", allowed={"admin"}),
        Endpoint("GET", "/v1/operator_actions", allowed={"admin"}),
        Endpoint("GET", "/v1/reports/liabilities", allowed={"admin"}),
    ])


# --- console sign-in ------------------------------------------------------------------------

def csrf_client(client: FlaskClient) -> str:
    token = client.get("/v1/console/session").get_json()["csrf_token"]
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token
    return str(token)


def test_sign_in_with_the_operator_key(client: FlaskClient, session: Session) -> None:
    key, secret = merchants_service.issue_key(session, "admin")
    world = make_world(session)
    session.commit()
    csrf_client(client)
    assert client.get("/v1/users").status_code == 401
    assert client.post("/v1/console/session", json={"key": "ak_wrong"}).status_code == 401
    merchant_key = client.post("/v1/console/session", json={"key": world.merchant_key})
    assert merchant_key.status_code == 401
    signed = client.post("/v1/console/session", json={"key": secret})
    assert signed.status_code == 200, signed.get_data(as_text=True)
    assert signed.get_json()["operator"]["type"] == "key"
    client.environ_base["HTTP_X_CSRF_TOKEN"] = signed.get_json()["csrf_token"]
    assert client.get("/v1/users").status_code == 200
    user_id = world.user_ids[0]
    client.environ_base.pop("HTTP_X_CSRF_TOKEN")
    no_csrf = client.post(f"/v1/users/{user_id}/freeze", json={"reason": "x"})
    assert no_csrf.status_code == 403 and no_csrf.get_json()["error"]["code"] == "csrf_failed"
    client.environ_base["HTTP_X_CSRF_TOKEN"] = signed.get_json()["csrf_token"]
    assert client.post(f"/v1/users/{user_id}/freeze", json={"reason": "x"}).status_code == 200
    audit = client.get("/v1/operator_actions").get_json()["data"]
    assert [a["action"] for a in audit] == ["wallet.freeze", "console.sign_in"]
    assert audit[0]["actor_id"] == key.id
    assert {a["actor_label"] for a in audit} == {f"key …{secret[-4:]}"}
    merchants_service.revoke_key(session, key.id)
    session.commit()
    assert client.get("/v1/users").status_code == 401  # the key's sessions end with it


def test_sign_in_with_an_operator_account_and_totp(
        client: FlaskClient, session: Session, runner: Any) -> None:
    made = runner.invoke(args=["console", "create-operator", "--email", "Ops@Example.com"],
                         input="long enough password\nlong enough password\n")
    assert made.exit_code == 0, made.output
    secret = re.search(r"enter the secret: ([A-Z2-7]+)", made.output).group(1)  # type: ignore[union-attr]
    assert ("otpauth://totp/" in made.output and "█" in made.output) or "▀" in made.output
    totp = pyotp.TOTP(secret)
    csrf_client(client)
    creds = {"email": "ops@example.com", "password": "long enough password"}
    wrong = client.post("/v1/console/session", json={**creds, "code": "000000"})
    assert wrong.status_code == 401
    bad_password = client.post("/v1/console/session",
                               json={**creds, "password": "nope nope", "code": totp.now()})
    assert bad_password.status_code == 401
    code = totp.now()
    signed = client.post("/v1/console/session", json={**creds, "code": code})
    assert signed.status_code == 200, signed.get_data(as_text=True)
    operator = signed.get_json()["operator"]
    assert operator["type"] == "operator" and operator["label"] == "ops@example.com"
    assert client.get("/v1/users").status_code == 200
    replay = client.__class__(client.application, client.response_wrapper, use_cookies=True)
    csrf_client(replay)
    reused = replay.post("/v1/console/session", json={**creds, "code": code})
    assert reused.status_code == 401  # a code works once
    client.environ_base["HTTP_X_CSRF_TOKEN"] = signed.get_json()["csrf_token"]
    assert client.delete("/v1/console/session").get_json()["operator"] is None
    assert client.get("/v1/users").status_code == 401
    purged = runner.invoke(args=["console", "purge"])
    assert purged.exit_code == 0 and '"purged": 1' in purged.output  # the signed-out one


def test_totp_codes_within_one_step_of_drift(session: Session) -> None:
    operator, secret = console.create_operator(session, "drift@example.com", "password123",
                                               kek=b"k" * 32)
    now = utcnow()
    late = pyotp.TOTP(secret).at(now - timedelta(seconds=30))
    found = console.authenticate_operator(session, "drift@example.com", "password123", late,
                                          kek=b"k" * 32, now=now)
    assert found.id == operator.id
    too_old = pyotp.TOTP(secret).at(now - timedelta(seconds=95))
    with pytest.raises(Exception, match="wrong"):
        console.authenticate_operator(session, "drift@example.com", "password123", too_old,
                                      kek=b"k" * 32, now=now)
    with pytest.raises(Exception, match="does not open"):  # another secret key: refused
        console.authenticate_operator(session, "drift@example.com", "password123",
                                      pyotp.TOTP(secret).at(now), kek=b"x" * 32, now=now)


def test_an_operator_account_decides_risk_reviews_over_the_console_session(
        client: FlaskClient, session: Session, runner: Any) -> None:
    """The risk review queue (docs/risk.md) takes the console session like the operator key:
    the CSRF token is required, and each decision is in both audits under the account."""
    from tests.support.payout_fixtures import make_merchant, purchases
    from wallet.risk import reviews
    from wallet.risk.config import load_risk_config
    from wallet.risk.models import AuditRecord

    config = load_risk_config({"RISK_CONCENTRATION_WINDOW_DAYS": 30})
    held = []
    for name in ("Approved shop", "Rejected shop"):
        merchant_id = make_merchant(session, name, schedule="manual")
        purchases(session, merchant_id, 3, 4_000, tag=name[:3].lower())
        held.append(merchant_id)
    assert reviews.hold_concentrated(session, config, held) == set(held)
    session.commit()
    made = runner.invoke(args=["console", "create-operator", "--email", "risk@example.com"],
                         input="long enough password\nlong enough password\n")
    assert made.exit_code == 0, made.output
    secret = re.search(r"enter the secret: ([A-Z2-7]+)", made.output).group(1)  # type: ignore[union-attr]
    csrf_client(client)
    signed = client.post("/v1/console/session", json={
        "email": "risk@example.com", "password": "long enough password",
        "code": pyotp.TOTP(secret).now()})
    assert signed.status_code == 200, signed.get_data(as_text=True)
    operator_id = signed.get_json()["operator"]["id"]
    listed = client.get("/v1/risk/reviews")
    assert listed.status_code == 200, listed.get_data(as_text=True)
    by_merchant = {r["merchant_id"]: r["id"] for r in listed.get_json()["data"]}
    approve_id, reject_id = by_merchant[held[0]], by_merchant[held[1]]

    client.environ_base.pop("HTTP_X_CSRF_TOKEN")
    no_csrf = client.post(f"/v1/risk/reviews/{approve_id}/approve", json={"reason": "ok"})
    assert no_csrf.status_code == 403 and no_csrf.get_json()["error"]["code"] == "csrf_failed"
    client.environ_base["HTTP_X_CSRF_TOKEN"] = signed.get_json()["csrf_token"]
    assert client.post(f"/v1/risk/reviews/{reject_id}/reject", json={}).status_code == 400
    approved = client.post(f"/v1/risk/reviews/{approve_id}/approve",
                           json={"reason": "Known shop"})
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    rejected = client.post(f"/v1/risk/reviews/{reject_id}/reject",
                           json={"reason": "Self-dealing"})
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"

    audit = client.get("/v1/operator_actions?target_type=risk_review").get_json()["data"]
    assert [(a["action"], a["target_id"], a["reason"], a["actor_type"], a["actor_label"])
            for a in audit] == [
        ("risk_review.reject", reject_id, "Self-dealing", "operator", "risk@example.com"),
        ("risk_review.approve", approve_id, "Known shop", "operator", "risk@example.com")]
    assert not [a for a in client.get("/v1/operator_actions?limit=100").get_json()["data"]
                if a["action"].startswith("POST /v1/risk/")]  # one record each, not two
    session.expire_all()
    risk_audit = session.query(AuditRecord).filter(
        AuditRecord.subject_id.in_([approve_id, reject_id])).all()
    assert sorted((r.action, r.actor, r.reason) for r in risk_audit) == [
        ("review.approved", f"operator:{operator_id}", "Known shop"),
        ("review.rejected", f"operator:{operator_id}", "Self-dealing")]


def test_disable_an_operator_account_from_the_command_line(
        client: FlaskClient, session: Session, runner: Any, admin: dict[str, str]) -> None:
    made = runner.invoke(args=["console", "create-operator", "--email", "leaver@example.com"],
                         input="long enough password\nlong enough password\n")
    assert made.exit_code == 0, made.output
    secret = re.search(r"enter the secret: ([A-Z2-7]+)", made.output).group(1)  # type: ignore[union-attr]
    totp = pyotp.TOTP(secret)
    creds = {"email": "leaver@example.com", "password": "long enough password"}
    csrf_client(client)
    signed = client.post("/v1/console/session", json={**creds, "code": totp.now()})
    assert signed.status_code == 200, signed.get_data(as_text=True)
    operator_id = signed.get_json()["operator"]["id"]
    assert client.get("/v1/users").status_code == 200

    no_reason = runner.invoke(args=["console", "disable-operator", "--email",
                                    "leaver@example.com"])
    assert no_reason.exit_code != 0 and "--reason" in no_reason.output
    blank = runner.invoke(args=["console", "disable-operator", "--email",
                                "leaver@example.com", "--reason", "  "])
    assert blank.exit_code == 1 and "reason" in blank.output
    unknown = runner.invoke(args=["console", "disable-operator", "--email",
                                  "nobody@example.com", "--reason", "typo"])
    assert unknown.exit_code == 1 and "No operator account has this email" in unknown.output
    assert client.get("/v1/users").status_code == 200  # nothing happened yet

    disabled = runner.invoke(args=["console", "disable-operator", "--email",
                                   "Leaver@Example.com", "--reason", "Left the team"])
    assert disabled.exit_code == 0, disabled.output
    assert f"Operator {operator_id} <leaver@example.com> disabled." in disabled.output
    assert client.get("/v1/users").status_code == 401  # the signed-in console ends at once
    fresh = client.__class__(client.application, client.response_wrapper, use_cookies=True)
    csrf_client(fresh)
    again = fresh.post("/v1/console/session",
                       json={**creds, "code": totp.at(utcnow() + timedelta(seconds=30))})
    assert again.status_code == 401
    assert again.get_json()["error"]["code"] == "invalid_credentials"

    twice = runner.invoke(args=["console", "disable-operator", "--email",
                                "leaver@example.com", "--reason", "Left the team"])
    assert twice.exit_code == 0 and "was already disabled" in twice.output
    audit = actions(client, admin, target_type="operator", target_id=operator_id)
    assert [(a["action"], a["actor_type"], a["actor_id"], a["reason"], a["detail"])
            for a in audit] == [
        ("operator.disable", "cli", "disable-operator", "Left the team",
         {"email": "leaver@example.com", "sessions_ended": 1}),
        ("operator.create", "cli", "create-operator", "", {"email": "leaver@example.com"})]


def test_enable_an_operator_account_again_from_the_command_line(
        client: FlaskClient, session: Session, runner: Any, admin: dict[str, str]) -> None:
    """``enable-operator`` undoes ``disable-operator``: audited the same way (actor
    ``cli``, the reason), a no-op on an account that is not disabled, 1 on an unknown
    email or an empty reason; the account signs in again (its old sessions stay ended)."""
    made = runner.invoke(args=["console", "create-operator", "--email", "back@example.com"],
                         input="long enough password\nlong enough password\n")
    assert made.exit_code == 0, made.output
    secret = re.search(r"enter the secret: ([A-Z2-7]+)", made.output).group(1)  # type: ignore[union-attr]
    totp = pyotp.TOTP(secret)
    creds = {"email": "back@example.com", "password": "long enough password"}
    enabled_already = runner.invoke(args=["console", "enable-operator", "--email",
                                          "back@example.com", "--reason", "Oops"])
    assert enabled_already.exit_code == 0, enabled_already.output
    assert "is not disabled" in enabled_already.output
    disabled = runner.invoke(args=["console", "disable-operator", "--email",
                                   "back@example.com", "--reason", "Lost phone"])
    assert disabled.exit_code == 0, disabled.output
    csrf_client(client)
    refused = client.post("/v1/console/session", json={**creds, "code": totp.now()})
    assert refused.status_code == 401

    no_reason = runner.invoke(args=["console", "enable-operator", "--email",
                                    "back@example.com"])
    assert no_reason.exit_code != 0 and "--reason" in no_reason.output
    blank = runner.invoke(args=["console", "enable-operator", "--email",
                                "back@example.com", "--reason", "  "])
    assert blank.exit_code == 1 and "reason" in blank.output
    unknown = runner.invoke(args=["console", "enable-operator", "--email",
                                  "nobody@example.com", "--reason", "typo"])
    assert unknown.exit_code == 1 and "No operator account has this email" in unknown.output
    still = client.post("/v1/console/session", json={**creds, "code": totp.now()})
    assert still.status_code == 401  # nothing happened yet

    enabled = runner.invoke(args=["console", "enable-operator", "--email",
                                  "Back@Example.com", "--reason", "Phone found"])
    assert enabled.exit_code == 0, enabled.output
    operator_id = re.search(r"Operator (opr_\S+) <back@example.com> enabled\.",
                            enabled.output)
    assert operator_id is not None, enabled.output
    signed = client.post("/v1/console/session", json={**creds, "code": totp.now()})
    assert signed.status_code == 200, signed.get_data(as_text=True)
    assert signed.get_json()["operator"]["id"] == operator_id.group(1)
    twice = runner.invoke(args=["console", "enable-operator", "--email",
                                "back@example.com", "--reason", "Phone found"])
    assert twice.exit_code == 0 and "is not disabled" in twice.output
    audit = actions(client, admin, target_type="operator", target_id=operator_id.group(1))
    assert [(a["action"], a["actor_type"], a["actor_id"], a["reason"], a["detail"])
            for a in audit] == [
        ("operator.enable", "cli", "enable-operator", "Phone found",
         {"email": "back@example.com"}),
        ("operator.disable", "cli", "disable-operator", "Lost phone",
         {"email": "back@example.com", "sessions_ended": 0}),
        ("operator.create", "cli", "create-operator", "", {"email": "back@example.com"})]
