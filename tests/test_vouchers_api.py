"""The voucher API end to end: issue → QR → verify → redeem, claim, revoke, lockout, abuse."""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy.orm import Session

from tests.support.voucher_world import (
    bearer,
    gift,
    idem,
    paid_balance,
    pending_balance,
    platform_balance,
    sign_in,
    world,
)
from vouchers import codec
from vouchers.keys import keys_from_jwks
from vouchers.service import FAILURE_LIMIT
from wallet.credits import service as credits
from wallet.ledger.chart import Kind


@pytest.fixture
def w(session: Session, risk_off: None) -> dict[str, Any]:
    made = world(session)
    session.commit()  # the set-up is there before the first request, whatever it answers
    return made


def _error(response: Any) -> dict[str, Any]:
    assert set(response.json) == {"error"}, response.json
    return dict(response.json["error"])


def test_round_trip_issue_qr_verify_redeem(client: FlaskClient, session: Session,
                                           w: dict[str, Any]) -> None:
    before = paid_balance(session, w["user_id"])
    outstanding = platform_balance(session, Kind.VOUCHERS_OUTSTANDING)
    issued = gift(client, w["user_id"], 250)
    assert issued["id"].startswith("vch_") and issued["value"] == 250
    assert set(issued) >= {"id", "value", "payload", "code", "qr_png_url", "qr_svg_url"}
    assert paid_balance(session, w["user_id"]) == before - 250
    assert platform_balance(session, Kind.VOUCHERS_OUTSTANDING) == outstanding + 250

    sign_in(client, w["user_id"])
    png = client.get(issued["qr_png_url"])
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert "max-age" in png.headers["Cache-Control"] and png.headers["ETag"]
    again = client.get(issued["qr_png_url"], headers={"If-None-Match": png.headers["ETag"]})
    assert again.status_code == 304
    svg = client.get(issued["qr_svg_url"])
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    sign_in(client, None)

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert len(found) == 1 and found[0].text == issued["payload"]
    keys = keys_from_jwks(client.get("/v1/voucher_keys").json)
    verified = codec.verify(found[0].text, keys)
    assert verified.value == 250

    counter = bearer(w["counter_key"])
    check = client.post("/v1/vouchers/verify", json={"payload": found[0].text}, headers=counter)
    assert check.status_code == 200, check.json
    assert check.json == {"id": issued["id"], "status": "active", "value": 250,
                          "remaining": 250, "promotional": False, "expires_at": None}

    pending = pending_balance(session, w["merchant_id"])
    part = client.post("/v1/vouchers/redeem", json={"payload": found[0].text, "amount": 100},
                       headers=idem(counter))
    assert part.status_code == 200, part.json
    assert part.json["amount"] == 100 and part.json["remaining"] == 150
    assert part.json["redemption_id"].startswith("red_")
    rest = client.post("/v1/vouchers/redeem", json={"code": issued["code"]},
                       headers=idem(counter))
    assert rest.status_code == 200 and rest.json["amount"] == 150 and rest.json["remaining"] == 0
    assert pending_balance(session, w["merchant_id"]) == pending + 250
    assert platform_balance(session, Kind.VOUCHERS_OUTSTANDING) == outstanding

    spent = client.post("/v1/vouchers/redeem", json={"payload": issued["payload"]},
                        headers=idem(counter))
    assert spent.status_code == 409 and _error(spent)["code"] == "voucher_redeemed"
    state = client.post("/v1/vouchers/verify", json={"code": issued["code"]}, headers=counter)
    assert state.json["status"] == "redeemed" and state.json["remaining"] == 0


def test_redeem_is_idempotent_and_checks_remaining(client: FlaskClient, session: Session,
                                                   w: dict[str, Any]) -> None:
    issued = gift(client, w["user_id"], 50)
    headers = idem(bearer(w["counter_key"]))
    body = {"payload": issued["payload"], "amount": 20}
    first = client.post("/v1/vouchers/redeem", json=body, headers=headers)
    replay = client.post("/v1/vouchers/redeem", json=body, headers=headers)
    assert replay.json == first.json and replay.headers["Idempotent-Replayed"] == "true"
    other_body = client.post("/v1/vouchers/redeem", json={**body, "amount": 21}, headers=headers)
    assert other_body.status_code == 409
    too_much = client.post("/v1/vouchers/redeem", json={**body, "amount": 31},
                           headers=idem(bearer(w["counter_key"])))
    assert too_much.status_code == 409
    assert _error(too_much)["code"] == "voucher_insufficient_remaining"
    missing_key = client.post("/v1/vouchers/redeem", json=body,
                              headers=bearer(w["counter_key"]))
    assert missing_key.status_code == 400


def test_voucher_keys_are_public_jwks_and_cacheable(client: FlaskClient,
                                                     w: dict[str, Any]) -> None:
    gift(client, w["user_id"], 1)  # makes sure a key exists
    response = client.get("/v1/voucher_keys")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]
    keys = response.json["keys"]
    assert keys and all({"kid", "kty", "crv", "x", "status"} <= set(k) for k in keys)
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and "d" not in k for k in keys)
    cached = client.get("/v1/voucher_keys", headers={"If-None-Match": response.headers["ETag"]})
    assert cached.status_code == 304


def test_claim_gift_as_paid_and_promotion_as_expiring_lot(
    client: FlaskClient, session: Session, w: dict[str, Any]
) -> None:
    issued = gift(client, w["user_id"], 40)
    before = paid_balance(session, w["other_user_id"])
    sign_in(client, w["other_user_id"])
    claimed = client.post("/v1/vouchers/claim", json={"payload": issued["payload"]},
                          headers=idem())
    assert claimed.status_code == 200, claimed.json
    assert claimed.json["amount"] == 40 and claimed.json["credited_to"] == "paid"
    assert paid_balance(session, w["other_user_id"]) == before + 40
    twice = client.post("/v1/vouchers/claim", json={"code": issued["code"]}, headers=idem())
    assert twice.status_code == 409 and _error(twice)["code"] == "voucher_claimed"

    sign_in(client, None)
    expires = "2099-01-01T00:00:00+00:00"
    campaign = client.post("/v1/voucher_campaigns",
                           json={"count": 2, "value": 30, "funding": "promotion",
                                 "expires_at": expires, "label": "spring"},
                           headers=idem(bearer(w["admin_key"])))
    assert campaign.status_code == 201, campaign.json
    assert len(campaign.json["vouchers"]) == 2
    promo = campaign.json["vouchers"][0]
    assert promo["promotional"] and promo["code"]
    sign_in(client, w["other_user_id"])
    before_promo = credits.summary(session, w["other_user_id"]).promotional
    claimed = client.post("/v1/vouchers/claim", json={"code": promo["code"]}, headers=idem())
    assert claimed.status_code == 200 and claimed.json["credited_to"] == "promotional"
    summary = credits.summary(session, w["other_user_id"])
    assert summary.promotional == before_promo + 30
    assert summary.next_expiry_at is not None and summary.next_expiry_at.year == 2099


def test_operator_campaign_funding_accounts(client: FlaskClient, session: Session,
                                            w: dict[str, Any]) -> None:
    promotions = platform_balance(session, Kind.PROMOTIONS)
    gift_cards = platform_balance(session, Kind.GIFT_CARD_CLEARING)
    admin = bearer(w["admin_key"])
    one = client.post("/v1/vouchers", json={"value": 7}, headers=idem(admin))
    assert one.status_code == 201 and one.json["funding"] == "promotion"
    cards = client.post("/v1/voucher_campaigns",
                        json={"count": 3, "value": 10, "funding": "gift_card"},
                        headers=idem(admin))
    assert cards.status_code == 201
    assert platform_balance(session, Kind.PROMOTIONS) == promotions - 7
    assert platform_balance(session, Kind.GIFT_CARD_CLEARING) == gift_cards - 30
    # the operator may view and render campaign vouchers; a person may not
    vid = cards.json["vouchers"][0]["id"]
    assert client.get(f"/v1/vouchers/{vid}/qr.svg", headers=admin).status_code == 200
    sign_in(client, w["user_id"])
    assert client.get(f"/v1/vouchers/{vid}/qr.svg").status_code == 404
    funding = client.post("/v1/vouchers", json={"value": 1, "funding": "gift_card"},
                          headers=idem())
    assert funding.status_code == 403


def test_revoke_returns_value_to_the_funder(client: FlaskClient, session: Session,
                                            w: dict[str, Any]) -> None:
    before = paid_balance(session, w["user_id"])
    issued = gift(client, w["user_id"], 90)
    counter = bearer(w["counter_key"])
    client.post("/v1/vouchers/redeem", json={"payload": issued["payload"], "amount": 10},
                headers=idem(counter))
    sign_in(client, w["other_user_id"])
    assert client.post(f"/v1/vouchers/{issued['id']}/revoke").status_code == 404
    sign_in(client, w["user_id"])
    revoked = client.post(f"/v1/vouchers/{issued['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert revoked.json["remaining"] == 0
    assert paid_balance(session, w["user_id"]) == before - 10
    again = client.post(f"/v1/vouchers/{issued['id']}/revoke")
    assert again.status_code == 409
    sign_in(client, None)
    late = client.post("/v1/vouchers/redeem", json={"payload": issued["payload"]},
                       headers=idem(counter))
    assert late.status_code == 409 and _error(late)["code"] == "voucher_revoked"


def test_gift_needs_paid_credits(client: FlaskClient, session: Session,
                                 w: dict[str, Any]) -> None:
    have = paid_balance(session, w["other_user_id"])
    sign_in(client, w["other_user_id"])
    short = client.post("/v1/vouchers", json={"value": have + 1}, headers=idem())
    assert short.status_code == 402
    past = client.post("/v1/vouchers", json={"value": 1, "expires_at": "2001-01-01T00:00:00Z"},
                       headers=idem())
    assert past.status_code == 422
    naive = client.post("/v1/vouchers", json={"value": 1, "expires_at": "2099-01-01T00:00:00"},
                        headers=idem())
    assert naive.status_code == 400
    assert paid_balance(session, w["other_user_id"]) == have


def test_manual_code_failures_lock_the_counter_out(client: FlaskClient,
                                                   w: dict[str, Any]) -> None:
    from vouchers.manual_code import generate_manual_code

    issued = gift(client, w["user_id"], 5)
    counter = bearer(w["counter_key"])
    for _ in range(FAILURE_LIMIT):
        wrong = client.post("/v1/vouchers/verify", json={"code": generate_manual_code()},
                            headers=counter)
        assert wrong.status_code == 404 and _error(wrong)["code"] == "voucher_code_unknown"
    locked = client.post("/v1/vouchers/verify", json={"code": issued["code"]}, headers=counter)
    assert locked.status_code == 429 and _error(locked)["code"] == "manual_code_locked"
    locked = client.post("/v1/vouchers/redeem", json={"code": issued["code"]},
                         headers=idem(counter))
    assert locked.status_code == 429
    # the payload still works (it is signed, nothing to guess), and other counters are free
    assert client.post("/v1/vouchers/verify", json={"payload": issued["payload"]},
                       headers=counter).status_code == 200
    other = client.post("/v1/vouchers/verify", json={"code": issued["code"]},
                        headers=bearer(w["other_counter_key"]))
    assert other.status_code == 200
    # typos (bad check character) are answered without a look-up and do not count
    typo = issued["code"][:-1] + ("0" if issued["code"][-1] != "0" else "1")
    answer = client.post("/v1/vouchers/verify", json={"code": typo},
                         headers=bearer(w["other_counter_key"]))
    assert answer.status_code == 422


def test_tampered_and_foreign_payloads_are_rejected(client: FlaskClient,
                                                    w: dict[str, Any]) -> None:
    from vouchers.keys import generate_signing_key

    issued = gift(client, w["user_id"], 5)
    counter = bearer(w["counter_key"])
    raw = bytearray(codec.b45decode(issued["payload"][4:]))
    raw[25] ^= 1  # the value
    forged = codec.PREFIX + codec.b45encode(bytes(raw))
    bad = client.post("/v1/vouchers/verify", json={"payload": forged}, headers=counter)
    assert bad.status_code == 422 and _error(bad)["code"] == "voucher_bad_signature"
    stranger = generate_signing_key()
    foreign = codec.encode_voucher(codec.VoucherBody.new(stranger.kid, 10**6), stranger)
    bad = client.post("/v1/vouchers/redeem", json={"payload": foreign}, headers=idem(counter))
    assert bad.status_code == 422 and _error(bad)["code"] == "voucher_unknown_kid"


HOSTILE_BODIES: list[Any] = [
    {}, {"payload": ""}, {"payload": None}, {"payload": 5}, {"payload": ["WV1:"]},
    {"payload": "WV1:"}, {"payload": "WV1:" + "0" * 147}, {"payload": "WV1:" + "Z" * 147},
    {"payload": "wv1:" + "::" * 70}, {"payload": "x" * 513}, {"payload": "WV1:\u00e9\u00e9\u00e9"},
    {"payload": "\x00" * 40}, {"code": ""}, {"code": "0" * 64}, {"code": "ÄÖÜ-ÄÖÜ"},
    {"code": "AAAAAA-AAAAAA-AAAAAA"}, {"code": 12}, {"payload": "WV1:", "code": "x"},
    {"payload": "WV1:AB", "amount": 0}, {"payload": "WV1:AB", "amount": -5},
    {"payload": "WV1:AB", "amount": 2**63}, {"payload": "WV1:AB", "amount": "10"},
    {"payload": "WV1:AB", "amount": 1.5}, {"payload": "WV1:AB", "amount": True},
    {"payload": "WV1:AB", "extra": 1}, [], "WV1:", 7, None,
]


@pytest.mark.parametrize("path", ["/v1/vouchers/verify", "/v1/vouchers/redeem",
                                  "/v1/vouchers/claim", "/v1/vouchers"])
def test_hostile_bodies_never_5xx(client: FlaskClient, w: dict[str, Any], path: str) -> None:
    gift(client, w["user_id"], 1)
    headers = bearer(w["counter_key"])
    if path in ("/v1/vouchers/claim", "/v1/vouchers"):
        sign_in(client, w["user_id"])
        headers = {}
    for index, body in enumerate(HOSTILE_BODIES):
        response = client.post(path, json=body, headers={**headers,
                                                          "Idempotency-Key": f"h{index}"})
        assert 400 <= response.status_code < 500, (body, response.status_code, response.json)
        assert "error" in response.json
    for data, content_type in [(b"\xff\xfe", "application/json"), (b"{", "application/json"),
                               (b"payload=x", "application/x-www-form-urlencoded"),
                               (b"x" * 70_000, "application/json")]:
        response = client.post(path, data=data, content_type=content_type,
                               headers={**headers, "Idempotency-Key": "raw"})
        assert 400 <= response.status_code < 500, (data[:10], response.status_code)
    for value in [0, -1, 2**63, "5", 1.0, None, {"a": 1}, True]:
        if path == "/v1/vouchers":
            response = client.post(path, json={"value": value}, headers=idem())
            assert response.status_code == 400, (value, response.json)


def test_decode_endpoint_reads_camera_frames(client: FlaskClient, w: dict[str, Any]) -> None:
    issued = gift(client, w["user_id"], 3)
    sign_in(client, w["user_id"])
    png = client.get(issued["qr_png_url"]).data
    sign_in(client, None)
    frame = Image.new("RGB", (640, 480), (90, 120, 90))
    frame.paste(Image.open(io.BytesIO(png)).convert("RGB").resize((300, 300)), (170, 90))
    jpeg = io.BytesIO()
    frame.save(jpeg, format="JPEG", quality=80)
    counter = bearer(w["counter_key"])
    found = client.post("/v1/vouchers/decode", data=jpeg.getvalue(), content_type="image/jpeg",
                        headers=counter)
    assert found.status_code == 200
    assert found.json == {"found": True, "payload": issued["payload"]}
    multipart = client.post("/v1/vouchers/decode", headers=counter,
                            data={"image": (io.BytesIO(jpeg.getvalue()), "f.jpg")})
    assert multipart.status_code == 200
    blank = io.BytesIO()
    Image.new("L", (64, 64), 255).save(blank, format="PNG")
    nothing = client.post("/v1/vouchers/decode", data=blank.getvalue(),
                          content_type="image/png", headers=counter)
    # a frame without a QR is the normal case while scanning: an answer, not an error
    assert nothing.status_code == 200 and nothing.json == {"found": False, "payload": None}
    for data, kind in [(b"not an image", "image/png"), (b"GIF89a" + b"\0" * 20, "image/gif"),
                       (b"x", "text/plain"), (b"\0" * (3 * 1024 * 1024), "image/png")]:
        response = client.post("/v1/vouchers/decode", data=data, content_type=kind,
                               headers=counter)
        assert response.status_code == 400, (kind, response.json)


def test_counter_page_is_served(client: FlaskClient) -> None:
    page = client.get("/counter")
    assert page.status_code == 200 and b"counter.js" in page.data
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ("counter.js", "counter.css"):
        assert client.get(f"/static/counter/{asset}").status_code == 200
