"""GET /v1/insights: the numbers of a known shop, the same whether read from rollups, from
the journal, or from both; and they add up with the ledger."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from tests.support.insights_world import at, busy_shop, buy, ledger_sum, make_shop
from wallet.insights.rollup import rollup, watermark
from wallet.merchants import service as merchants_service
from wallet.purchases.models import Purchase


def get(client: FlaskClient, key: str, **query: str) -> Any:
    answer = client.get("/v1/insights", query_string=query,
                        headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200, answer.json
    return answer.json


def without_mark(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "rolled_up_through"}


def test_the_numbers_of_a_known_shop(client: FlaskClient, session: Session) -> None:
    shop = busy_shop(session)
    whole = get(client, shop.merchant_key, **{"from": "2026-09-01", "to": "2026-11-30"})
    assert whole["totals"] == {"purchases": 9, "credits": 2771, "unique_buyers": 4,
                               "refunds": 2, "refunded_credits": 25, "net_credits": 2746}
    assert whole["repeat_buyers"] == 4 and whole["repeat_buyer_rate"] == 1.0
    assert whole["average_credits_per_buyer"] == round(2771 / 4, 2)
    assert len(whole["by_day"]) == 91
    items = {i["item"]: (i["purchases"], i["credits"]) for i in whole["by_item"]}
    assert items == {"Coffee": (4, 20), "SW-1": (1, 30), "Mint": (1, 1),
                     "Lunch box": (1, 120), "Gift basket": (1, 600), "Party tray": (1, 2000)}
    assert whole["by_item"][0]["item"] == "Party tray"
    sizes = {s["bucket"]: s["purchases"] for s in whole["purchase_sizes"] if s["purchases"]}
    assert sizes == {"1": 1, "2-5": 4, "26-50": 1, "101-250": 1, "501-1000": 1, "1001+": 1}
    heat = whole["by_hour_weekday"]
    assert heat["purchases"][date(2026, 9, 3).weekday()][8] == 1
    assert heat["purchases"][date(2026, 9, 20).weekday()][23] == 1
    assert sum(map(sum, heat["purchases"])) == 9
    assert whole["cohorts"] == [
        {"month": "2026-09", "buyers": 2, "active": [2, 1, 1], "retention": [1.0, 0.5, 0.5]},
        {"month": "2026-10", "buyers": 1, "active": [1, 1], "retention": [1.0, 1.0]},
        {"month": "2026-11", "buyers": 1, "active": [1], "retention": [1.0]},
    ]
    assert whole["vouchers"] == {"redemptions": 1, "redeemed_credits": 30, "voids": 0,
                                 "voided_credits": 0, "net_redeemed_credits": 30}

    november = get(client, shop.merchant_key, **{"from": "2026-11-01", "to": "2026-11-30"})
    assert november["totals"]["purchases"] == 4 and november["totals"]["credits"] == 2610
    assert november["totals"]["unique_buyers"] == 3 and november["repeat_buyers"] == 1
    assert november["repeat_buyer_rate"] == 0.3333
    assert november["totals"]["refunded_credits"] == 20
    assert november["cohorts"] == [
        {"month": "2026-11", "buyers": 1, "active": [1], "retention": [1.0]}]

    october_on = get(client, shop.merchant_key, **{"from": "2026-10-01", "to": "2026-11-30"})
    assert [c["month"] for c in october_on["cohorts"]] == ["2026-10", "2026-11"]

    kiosk = get(client, shop.merchant_key, app_id=shop.other_app_id,
                **{"from": "2026-09-01", "to": "2026-11-30"})
    assert kiosk["totals"] == {"purchases": 2, "credits": 2120, "unique_buyers": 1,
                               "refunds": 1, "refunded_credits": 20, "net_credits": 2100}
    assert kiosk["vouchers"]["redemptions"] == 0


@pytest.mark.parametrize("through", [None, "2026-09-04T12:00:00", "2026-10-21T01:00:00",
                                     "2026-11-01T00:30:00", "2026-12-01T01:00:00"])
def test_rollups_plus_the_live_tail_answer_as_the_journal(
        client: FlaskClient, session: Session, through: str | None) -> None:
    shop = busy_shop(session)
    windows = [{"from": "2026-09-01", "to": "2026-11-30"},
               {"from": "2026-09-15", "to": "2026-11-10"},
               {"from": "2026-10-01", "to": "2026-10-31"},
               {"from": "2026-11-02", "to": "2026-12-05"}]
    live = [get(client, shop.merchant_key, **w) for w in windows]
    live_kiosk = get(client, shop.merchant_key, app_id=shop.other_app_id, **windows[0])
    if through is not None:
        rollup(session, now=at(through), commit=False)
        assert watermark(session) is not None
    rolled = [get(client, shop.merchant_key, **w) for w in windows]
    assert [without_mark(a) for a in rolled] == [without_mark(a) for a in live]
    kiosk = get(client, shop.merchant_key, app_id=shop.other_app_id, **windows[0])
    assert without_mark(kiosk) == without_mark(live_kiosk)


def test_everything_adds_up_with_the_ledger(client: FlaskClient, session: Session) -> None:
    shop = busy_shop(session)
    rollup(session, now=at("2026-10-21T01:00:00"), commit=False)
    answer = get(client, shop.merchant_key, **{"from": "2026-09-01", "to": "2026-11-30"})
    totals = answer["totals"]
    assert totals["credits"] == ledger_sum(session, shop.merchant_id, "purchase", True)
    assert totals["refunded_credits"] == ledger_sum(session, shop.merchant_id, "refund", False)
    assert answer["vouchers"]["redeemed_credits"] == ledger_sum(
        session, shop.merchant_id, "voucher_redeem", True)
    for part in ("purchases", "credits"):
        assert sum(d[part] for d in answer["by_day"]) == totals[part]
        assert sum(i[part] for i in answer["by_item"]) == totals[part]
        assert sum(s[part] for s in answer["purchase_sizes"]) == totals[part]
        assert sum(map(sum, answer["by_hour_weekday"][part])) == totals[part]
    assert sum(d["refunds"] for d in answer["by_day"]) == totals["refunds"]
    buyers = session.scalar(select(func.count(func.distinct(Purchase.user_id)))
                            .where(Purchase.merchant_id == shop.merchant_id))
    assert totals["unique_buyers"] == buyers
    assert sum(c["buyers"] for c in answer["cohorts"]) == buyers


def test_the_rollup_job_is_incremental_and_idempotent(session: Session) -> None:
    busy_shop(session)
    first = rollup(session, now=at("2026-10-21T01:00:00"), commit=False)
    assert first.through == date(2026, 10, 20)
    rows = session.execute(text("SELECT COUNT(*), SUM(credits) FROM insights_daily")).one()
    again = rollup(session, now=at("2026-10-21T01:00:00"), commit=False)
    assert again.days == 0
    # within the grace period the last day is not closed yet
    assert rollup(session, now=at("2026-10-22T00:05:00"), commit=False).days == 0
    assert rollup(session, now=at("2026-10-22T00:15:00"), commit=False).days == 1
    rebuilt = rollup(session, now=at("2026-10-22T00:15:00"), commit=False,
                     rebuild_from=date(2026, 9, 1))
    assert rebuilt.through == date(2026, 10, 21) and rebuilt.days == 51
    assert session.execute(text("SELECT COUNT(*), SUM(credits) FROM insights_daily "
                                "WHERE day <= '2026-10-20'")).one() == rows


def test_many_items_fold_into_the_rest(client: FlaskClient, session: Session) -> None:
    shop = make_shop(session, users=1)
    for n in range(25):
        buy(session, shop, 0, n + 1, f"2026-11-03T10:{n:02d}:00", f"Item {n}")
    items = get(client, shop.merchant_key, **{"from": "2026-11-01", "to": "2026-11-30"})
    items = items["by_item"]
    assert len(items) == 21 and items[0] == {"item": "Item 24", "purchases": 1, "credits": 25}
    assert items[-1] == {"item": None, "other_items": 5, "purchases": 5, "credits": 15}


def test_an_empty_shop_has_empty_insights(client: FlaskClient, session: Session) -> None:
    shop = make_shop(session, users=1)
    answer = get(client, shop.merchant_key, **{"from": "2026-11-01", "to": "2026-11-07"})
    assert answer["totals"]["purchases"] == 0 and answer["repeat_buyer_rate"] == 0.0
    assert answer["by_item"] == [] and answer["cohorts"] == []
    assert [d["credits"] for d in answer["by_day"]] == [0] * 7


def test_who_may_ask(client: FlaskClient, session: Session) -> None:
    shop = busy_shop(session)
    other = make_shop(session, users=1)
    _, admin = merchants_service.issue_key(session, "admin")
    query = {"from": "2026-09-01", "to": "2026-11-30"}
    as_admin = get(client, admin, merchant_id=shop.merchant_id, **query)
    assert as_admin["totals"]["purchases"] == 9
    missing = client.get("/v1/insights", headers={"Authorization": f"Bearer {admin}"})
    assert missing.status_code == 422 and missing.json["error"]["param"] == "merchant_id"
    # a merchant's own key ignores merchant_id; another merchant's app is not found
    mine = get(client, other.merchant_key, merchant_id=shop.merchant_id, **query)
    assert mine["merchant_id"] == other.merchant_id and mine["totals"]["purchases"] == 0
    foreign = client.get("/v1/insights", query_string={"app_id": shop.app_id},
                         headers={"Authorization": f"Bearer {other.merchant_key}"})
    assert foreign.status_code == 404
    assert client.get("/v1/insights").status_code == 401
    backwards = client.get("/v1/insights", query_string={"from": "2026-11-02",
                                                         "to": "2026-11-01"},
                           headers={"Authorization": f"Bearer {shop.merchant_key}"})
    assert backwards.status_code == 422 and backwards.json["error"]["code"] == "invalid_window"


def test_the_rollup_command(runner: Any, session: Session) -> None:
    busy_shop(session)
    done = runner.invoke(args=["insights", "rollup", "--rebuild-from", "2026-09-01"])
    assert done.exit_code == 0, done.output
    assert "rolled up through" in done.output
    assert session.scalar(text("SELECT SUM(purchases) FROM insights_daily")) == 9


def test_subscriptions_started_ended_and_live_in_the_window(
        client: FlaskClient, session: Session) -> None:
    from wallet.subscriptions import service as subscriptions

    shop = make_shop(session, users=3)
    plan = subscriptions.create_plan(session, shop.merchant_id, name="Fan", amount=100,
                                     interval="month", trial_days=0)
    subs = [subscriptions.subscribe(session, user_id=user, plan_id=plan.id,
                                    merchant_id=shop.merchant_id, app_id=shop.app_id,
                                    now=at(day))
            for user, day in zip(shop.users, ("2026-10-05T10:00:00", "2026-11-02T10:00:00",
                                              "2026-11-20T10:00:00"), strict=True)]
    subscriptions.cancel(session, subs[0].id, subscriptions.Caller(merchant_id=shop.merchant_id),
                         at_period_end=False, now=at("2026-11-10T10:00:00"))
    session.commit()
    november = get(client, shop.merchant_key, **{"from": "2026-11-01", "to": "2026-11-30"})
    assert november["subscriptions"] == {"new": 2, "churned": 1, "active": 2}
    october = get(client, shop.merchant_key, **{"from": "2026-10-01", "to": "2026-10-31"})
    assert october["subscriptions"] == {"new": 1, "churned": 0, "active": 1}
    other_app = get(client, shop.merchant_key, app_id=shop.other_app_id,
                    **{"from": "2026-11-01", "to": "2026-11-30"})
    assert other_app["subscriptions"] == {"new": 0, "churned": 0, "active": 0}
    statements: list[str] = []
    engine = session.get_bind().engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        again = get(client, shop.merchant_key, **{"from": "2026-11-01", "to": "2026-11-30"})
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert again["subscriptions"] == november["subscriptions"]
    assert len([s for s in statements if "FROM subscriptions" in s]) == 1, statements
