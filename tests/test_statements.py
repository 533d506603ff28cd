"""GET /v1/statements/{YYYY-MM}.csv: a merchant's and a person's month, from the ledger,
streamed."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.buyers import user_token
from tests.support.insights_world import busy_shop, ledger_sum
from tests.support.sessions import start_session
from wallet.db import utcnow
from wallet.ledger import chart
from wallet.ledger.core import Move, post
from wallet.merchants import service as merchants_service
from wallet.people import service as people_service


def this_month() -> str:
    return utcnow().strftime("%Y-%m")


def statement(client: FlaskClient, key: str | None, month: str, **query: str) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get(f"/v1/statements/{month}.csv", query_string=query, headers=headers)


def rows(answer: Any) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.data[:500]
    assert answer.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))


def test_a_merchants_month_adds_up_with_the_ledger(client: FlaskClient,
                                                  session: Session) -> None:
    shop = busy_shop(session)
    lines = rows(statement(client, shop.merchant_key, this_month()))
    by_type: dict[str, int] = {}
    for line in lines:
        assert line["account"] == "pending"
        by_type[line["type"]] = by_type.get(line["type"], 0) + int(line["amount"])
    assert by_type == {
        "purchase": ledger_sum(session, shop.merchant_id, "purchase", True),
        "refund": -ledger_sum(session, shop.merchant_id, "refund", False),
        "voucher_redeem": ledger_sum(session, shop.merchant_id, "voucher_redeem", True)}
    purchases = [line for line in lines if line["type"] == "purchase"]
    assert len(purchases) == 9 and {p["purchase_id"] for p in purchases} == set(
        shop.purchase_ids)
    assert {p["description"] for p in purchases} >= {"Coffee", "Party tray"}
    refund = next(line for line in lines if line["type"] == "refund")
    assert refund["refund_id"].startswith("ref_") and refund["counterparty"] == "paid"
    assert rows(statement(client, shop.merchant_key, "2020-01")) == []


def test_a_persons_wallet_history(client: FlaskClient, session: Session) -> None:
    shop = busy_shop(session)
    start_session(client, shop.users[0], "csrf")
    lines = rows(statement(client, None, this_month()))
    assert lines[0]["type"] == "topup" and lines[0]["amount"] == "100000"
    spent = [int(line["amount"]) for line in lines if line["type"] == "purchase"]
    assert spent == [-5, -30, -5]
    assert sum(int(line["amount"]) for line in lines) == 100000 - 40 + 5  # a refund of 5


def test_who_may_ask(client: FlaskClient, session: Session) -> None:
    shop = busy_shop(session)
    _, admin = merchants_service.issue_key(session, "admin")
    assert len(rows(statement(client, admin, this_month(), merchant_id=shop.merchant_id))) > 9
    assert len(rows(statement(client, admin, this_month(), user_id=shop.users[2]))) == 4
    assert statement(client, admin, this_month()).status_code == 422
    assert statement(client, admin, this_month(), user_id="usr_nobody").status_code == 404
    assert statement(client, shop.merchant_key, "2026-13").status_code == 400
    impossible = statement(client, shop.merchant_key, "0000-01")  # well-formed, no such month
    assert impossible.status_code == 422 and impossible.json["error"]["code"] == "invalid_month"
    assert statement(client, None, this_month()).status_code == 401
    app_token = user_token(session, shop.users[0], shop.app_id)
    refused = statement(client, app_token, this_month())
    assert refused.status_code == 403 and refused.json["error"]["code"] == "session_required"


def test_a_large_month_streams(client: FlaskClient, session: Session) -> None:
    person = people_service.create_user(session, f"big{uuid.uuid4().hex[:8]}@example.com")
    paid = chart.user_account(session, person.id)
    clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING)
    for batch in range(6):
        post(session, reference=f"test-big:{person.id}:{batch}", kind="topup",
             moves=[Move(clearing.id, paid.id, 1)] * 1000)
    _, admin = merchants_service.issue_key(session, "admin")
    answer = statement(client, admin, this_month(), user_id=person.id)
    assert answer.is_streamed
    chunks = [chunk for chunk in answer.response if chunk]  # type: ignore[union-attr]
    assert len(chunks) >= 12  # 500 rows a chunk: never the whole month at once
    assert max(len(chunk) for chunk in chunks) < 100_000
    text = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks).decode()
    lines = list(csv.DictReader(io.StringIO(text)))
    assert len(lines) == 6000 and sum(int(line["amount"]) for line in lines) == 6000


def test_formulas_are_neutralised(client: FlaskClient, session: Session) -> None:
    from tests.support.insights_world import buy, make_shop

    shop = make_shop(session, users=1)
    buy(session, shop, 0, 5, utcnow().isoformat()[:19], "=HYPERLINK(\"http://x\")")
    lines = rows(statement(client, shop.merchant_key, this_month()))
    assert lines[0]["description"].startswith("'=")
