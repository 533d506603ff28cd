"""Plans, subscribing, the renewal job, plan changes and entitlements, on both engines.

Time is driven with ``now`` parameters and ``renew --now``; every scenario ends with
``ledger verify``.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.buyers import World, make_world, pending, top_up, user_token
from tests.support.topup_helpers import CSRF, sign_in
from wallet.credits import service as credits
from wallet.db import is_postgres
from wallet.errors import InsufficientCredits
from wallet.ledger.core import DriverCursor
from wallet.subscriptions import service
from wallet.subscriptions.models import Subscription, SubscriptionCharge
from wallet.webhooks.models import Event

T0 = datetime(2027, 1, 31, 9, 0, tzinfo=UTC)
SCOPE = "wallet:read purchases:write subscriptions:write"


def bearer(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not False:
        headers["Idempotency-Key"] = key or uuid.uuid4().hex
    return headers


def verify(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"]


def renew(app: Flask, now: datetime) -> dict[str, list[str]]:
    result = app.test_cli_runner().invoke(
        args=["subscriptions", "renew", "--now", now.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def balance(session: Session, user_id: str) -> int:
    return credits.summary(session, user_id).total


def charges(session: Session, sub_id: str) -> list[SubscriptionCharge]:
    return list(session.scalars(select(SubscriptionCharge).where(
        SubscriptionCharge.subscription_id == sub_id).order_by(SubscriptionCharge.seq)))


def events(session: Session, event_type: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(Event).where(Event.type == event_type).order_by(Event.seq))
    return [json.loads(e.data) if isinstance(e.data, str) else e.data for e in rows]


@pytest.fixture
def world(session: Session) -> World:
    world = make_world(session, users=2)
    top_up(session, world.user_ids[0], 1000)
    session.commit()
    return world


def make_plan(session: Session, world: World, amount: int = 100, interval: str = "month",
              trial_days: int = 0, name: str = "Supporter") -> service.Plan:
    return service.create_plan(session, world.merchant_id, name=name, amount=amount,
                               interval=interval, trial_days=trial_days)


# --- plans -------------------------------------------------------------------------------

def test_merchant_creates_lists_and_archives_plans(client: FlaskClient, world: World,
                                                   session: Session) -> None:
    key = world.merchant_key
    created = client.post("/v1/plans", json={"name": "Gold", "amount": 300, "interval": "month",
                                             "trial_days": 7, "description": "All articles"},
                          headers=bearer(key, False))
    assert created.status_code == 201, created.json
    plan = created.json
    assert plan["id"].startswith("pln_") and (plan["amount"], plan["interval"],
                                              plan["trial_days"]) == (300, "month", 7)
    assert not plan["archived"]
    for bad in ({"name": "x", "amount": 0, "interval": "month"},
                {"name": "x", "amount": 1, "interval": "day"},
                {"name": "x", "amount": 1.5, "interval": "week"},
                {"name": "x", "amount": 1, "interval": "week", "trial_days": -1},
                {"name": "x", "amount": 2**63, "interval": "year"}):
        answer = client.post("/v1/plans", json=bad, headers=bearer(key, False))
        assert answer.status_code == 400, (bad, answer.json)
    listed = client.get("/v1/plans", headers=bearer(key, False)).json
    assert [p["id"] for p in listed["data"]] == [plan["id"]]
    archived = client.post(f"/v1/plans/{plan['id']}/archive", headers=bearer(key, False))
    assert archived.status_code == 200 and archived.json["archived"]
    assert client.get("/v1/plans", headers=bearer(key, False)).json["data"] == []
    assert len(client.get("/v1/plans?include_archived=true",
                          headers=bearer(key, False)).json["data"]) == 1
    other = make_world(session)
    session.commit()
    assert client.post(f"/v1/plans/{plan['id']}/archive",
                       headers=bearer(other.merchant_key, False)).status_code == 404
    token = user_token(session, world.user_ids[0], world.app_id)
    session.commit()
    assert client.post("/v1/plans", json={"name": "x", "amount": 1, "interval": "week"},
                       headers=bearer(token, False)).status_code == 403


# --- subscribing -------------------------------------------------------------------------

def test_subscribing_through_an_app_charges_the_first_period_at_no_fee(
        app: Flask, client: FlaskClient, world: World, session: Session) -> None:
    plan = make_plan(session, world)
    token = user_token(session, world.user_ids[0], world.app_id, scope=SCOPE)  # type: ignore[arg-type]
    session.commit()
    headers = bearer(token)
    answer = client.post("/v1/subscriptions", json={"plan_id": plan.id}, headers=headers)
    assert answer.status_code == 201, answer.json
    sub = answer.json
    assert {"id", "plan_id", "status", "current_period_start", "current_period_end",
            "cancel_at_period_end"} <= set(sub)
    assert (sub["status"], sub["plan_id"], sub["cancel_at_period_end"]) == (
        "active", plan.id, False)
    start = datetime.fromisoformat(sub["current_period_start"])
    end = datetime.fromisoformat(sub["current_period_end"])
    assert end == service.add_interval(start, "month", 1)
    assert balance(session, world.user_ids[0]) == 900
    assert pending(session, world.merchant_id) == 100  # no fee
    replay = client.post("/v1/subscriptions", json={"plan_id": plan.id}, headers=headers)
    assert replay.status_code == 201 and replay.json == sub
    assert balance(session, world.user_ids[0]) == 900
    again = client.post("/v1/subscriptions", json={"plan_id": plan.id}, headers=bearer(token))
    assert again.status_code == 409 and again.json["error"]["code"] == "already_subscribed"
    assert [e["id"] for e in events(session, "subscription.created")] == [sub["id"]]
    verify(app)


def test_subscribing_needs_the_scope_an_own_plan_and_credits(
        client: FlaskClient, world: World, session: Session) -> None:
    plan = make_plan(session, world)
    other = make_world(session)
    foreign = make_plan(session, other)
    plain = user_token(session, world.user_ids[0], world.app_id)
    scoped = user_token(session, world.user_ids[1], world.app_id, scope=SCOPE)  # type: ignore[arg-type]
    session.commit()
    answer = client.post("/v1/subscriptions", json={"plan_id": plan.id}, headers=bearer(plain))
    assert answer.status_code == 403 and answer.json["error"]["code"] == "insufficient_scope"
    answer = client.post("/v1/subscriptions", json={"plan_id": foreign.id},
                         headers=bearer(scoped))
    assert answer.status_code == 404
    answer = client.post("/v1/subscriptions", json={"plan_id": plan.id}, headers=bearer(scoped))
    assert answer.status_code == 402  # the second person has no credits
    assert session.scalar(select(func.count()).select_from(Subscription)) == 0
    for key in (world.merchant_key,):
        assert client.post("/v1/subscriptions", json={"plan_id": plan.id},
                           headers=bearer(key)).status_code == 403
    assert client.post("/v1/subscriptions", json={"plan_id": plan.id},
                       headers={"Idempotency-Key": "k"}).status_code == 401


def test_the_wallet_page_subscribes_to_any_merchant_plan(
        app: Flask, client: FlaskClient, world: World, session: Session) -> None:
    plan = make_plan(session, world, amount=250, interval="year")
    session.commit()
    sign_in(client, world.user_ids[0])
    answer = client.post("/v1/subscriptions", json={"plan_id": plan.id},
                         headers={"X-CSRF-Token": CSRF, "Idempotency-Key": "page-1"})
    assert answer.status_code == 201, answer.json
    assert answer.json["app_id"] is None and balance(session, world.user_ids[0]) == 750
    listed = client.get(f"/v1/plans?merchant_id={world.merchant_id}").json["data"]
    assert [p["id"] for p in listed] == [plan.id]
    verify(app)


def test_a_trial_charges_nothing_until_it_ends(app: Flask, world: World,
                                               session: Session) -> None:
    plan = make_plan(session, world, amount=100, trial_days=14)
    sub = service.subscribe(session, user_id=world.user_ids[0], plan_id=plan.id,
                            merchant_id=None, app_id=None, now=T0)
    session.commit()
    assert (sub.status, sub.current_period_end) == ("trialing", T0 + timedelta(days=14))
    assert balance(session, world.user_ids[0]) == 1000
    assert renew(app, T0 + timedelta(days=13)) == {"renewed": [], "past_due": [],
                                                   "canceled": []}
    assert renew(app, T0 + timedelta(days=14))["renewed"] == [sub.id]
    session.refresh(sub)
    assert (sub.status, sub.current_period_start, sub.current_period_end) == (
        "active", T0 + timedelta(days=14), datetime(2027, 3, 14, 9, 0, tzinfo=UTC))
    assert balance(session, world.user_ids[0]) == 900
    verify(app)


# --- the renewal job ---------------------------------------------------------------------

def test_a_year_of_monthly_renewals_is_twelve_charges(app: Flask, world: World,
                                                      session: Session) -> None:
    plan = make_plan(session, world, amount=50)
    sub = service.subscribe(session, user_id=world.user_ids[0], plan_id=plan.id,
                            merchant_id=None, app_id=None, now=T0)  # Jan 31: month ends clamp
    session.commit()
    for month in range(1, 12):
        due = service.add_interval(T0, "month", month)
        assert renew(app, due - timedelta(seconds=1))["renewed"] == []
        assert renew(app, due)["renewed"] == [sub.id]
        assert renew(app, due + timedelta(days=10))["renewed"] == []  # a later run: nothing
    session.refresh(sub)
    paid = charges(session, sub.id)
    assert [c.period for c in paid] == list(range(12))
    assert balance(session, world.user_ids[0]) == 1000 - 12 * 50
    assert pending(session, world.merchant_id) == 12 * 50
    assert sub.current_period_end == datetime(2028, 1, 31, 9, 0, tzinfo=UTC)
    assert [c.created_at.month for c in paid[1:3]] == [2, 3]
    assert sub.current_period_start == datetime(2027, 12, 31, 9, 0, tzinfo=UTC)
    assert len(events(session, "subscription.renewed")) == 11
    verify(app)


def test_a_job_that_missed_months_charges_each_period_once(app: Flask, world: World,
                                                           session: Session) -> None:
    plan = make_plan(session, world, amount=10, interval="week")
    sub = service.subscribe(session, user_id=world.user_ids[0], plan_id=plan.id,
                            merchant_id=None, app_id=None, now=T0)
    session.commit()
    assert renew(app, T0 + timedelta(weeks=5, days=1))["renewed"] == [sub.id]
    assert renew(app, T0 + timedelta(weeks=5, days=2))["renewed"] == []
    assert [c.period for c in charges(session, sub.id)] == [0, 1, 2, 3, 4, 5]
    assert balance(session, world.user_ids[0]) == 940
    verify(app)


def test_past_due_then_recovery_when_credits_arrive(app: Flask, world: World,
                                                    session: Session) -> None:
    plan = make_plan(session, world, amount=600)
    sub = service.subscribe(session, user_id=world.user_ids[0], plan_id=plan.id,
                            merchant_id=None, app_id=None, now=T0)
    session.commit()  # 400 left: the next period cannot be paid
    due = service.add_interval(T0, "month", 1)
    assert renew(app, due)["past_due"] == [sub.id]
    session.refresh(sub)
    assert (sub.status, sub.past_due_since, sub.paid_through) == ("past_due", due, 0)
    assert renew(app, due + timedelta(days=1))["past_due"] == [sub.id]
    assert len(events(session, "subscription.past_due")) == 1  # once per fall
    listed = service.subscriptions_query(service.Caller(user_id=world.user_ids[0]),
                                         status="active")
    assert [s.id for s in session.scalars(listed)] == [sub.id]  # still entitled in grace
    top_up(session, world.user_ids[0], 300)
    session.commit()
    assert renew(app, due + timedelta(days=2)) == {"renewed": [sub.id], "past_due": [],
                                                   "canceled": []}
    session.refresh(sub)
    assert (sub.status, sub.past_due_since, sub.paid_through) == ("active", None, 1)
    assert (sub.current_period_start, sub.current_period_end) == (
        due, service.add_interval(T0, "month", 2))
    assert balance(session, world.user_ids[0]) == 100
    verify(app)


def test_past_due_is_canceled_when_the_grace_period_ends(app: Flask, world: World,
                                                         session: Session) -> None:
    app.config["SUBSCRIPTION_GRACE_DAYS"] = 3
    plan = make_plan(session, world, amount=600)
    sub = service.subscribe(session, user_id=world.user_ids[0], plan_id=plan.id,
                            merchant_id=None, app_id=None, now=T0)
    session.commit()
    due = service.add_interval(T0, "month", 1)
    assert renew(app, due + timedelta(days=2, hours=23))["past_due"] == [sub.id]
    assert renew(app, due + timedelta(days=3))["canceled"] == [sub.id]
    session.refresh(sub)
    assert sub.status == "canceled" and sub.canceled_at == due + timedelta(days=3)
    assert renew(app, due + timedelta(days=40)) == {"renewed": [], "past_due": [],
                                                    "canceled": []}
    assert [c.period for c in charges(session, sub.id)] == [0]
    assert [e["id"] for e in events(session, "subscription.canceled")] == [sub.id]
    verify(app)


def _subscription_ids(parameters: Any) -> list[str]:
    """The subscription ids a statement's parameters name (dict, tuple or executemany)."""
    if isinstance(parameters, dict):
        parameters = list(parameters.values())
    found: list[str] = []
    for value in parameters or ():
        if isinstance(value, (dict, list, tuple)):
            found += _subscription_ids(value)
        elif isinstance(value, str) and value.startswith("sub_"):
            found.append(value)
    return found


def test_a_renewal_batch_writes_each_subscription_once(
        app: Flask, world: World, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Renewed, canceled at period end, canceled when its grace ran out, left past due:
    one batch writes each row once (a cancel's flush mid-batch used to write every
    change pending so far, and the batch's UPDATE of the renewed wrote them again)."""
    from sqlalchemy import event

    from wallet.subscriptions.cli import renew_all

    app.config["SUBSCRIPTION_GRACE_DAYS"] = 3
    rich, poor = world.user_ids
    top_up(session, poor, 90)
    feb1, feb3 = T0 + timedelta(days=1), T0 + timedelta(days=3)

    def sub(user: str, amount: int, name: str, at: datetime) -> Subscription:
        plan = make_plan(session, world, amount=amount, name=name)
        return service.subscribe(session, user_id=user, plan_id=plan.id, merchant_id=None,
                                 app_id=None, now=at)

    renewed = sub(rich, 100, "Renewed", T0)  # due Feb 28: settled first in the batch
    ending = sub(rich, 10, "Ending", feb1)  # due Mar 1, set to cancel then
    service.cancel(session, ending.id, service.Caller(user_id=rich), at_period_end=True,
                   now=feb1)
    lapsing = sub(poor, 50, "Lapsing", feb1)  # due Mar 1, no credits: grace ends Mar 4
    stalled = sub(poor, 40, "Stalled", feb3)  # due Mar 3, no credits: grace ends Mar 6
    session.commit()
    now = datetime(2027, 3, 5, 9, 0, tzinfo=UTC)
    written: list[list[str]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        text = statement.lstrip().upper()
        if text.startswith(("UPDATE", "WITH")) and "UPDATE SUBSCRIPTIONS" in text:
            written.append(_subscription_ids(parameters))

    def run(cursor: DriverCursor, sql: str, params: Any) -> int:  # raw statements too
        record(None, None, sql, params, None, False)
        return sent(cursor, sql, params)

    sent = DriverCursor.run
    monkeypatch.setattr(DriverCursor, "run", run)
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = renew_all(now)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert (result.renewed, sorted(result.canceled), result.past_due) == (
        [renewed.id], sorted([ending.id, lapsing.id]), [stalled.id])
    ids = [sub_id for statement in written for sub_id in statement]
    assert sorted(ids) == sorted([renewed.id, ending.id, lapsing.id, stalled.id]), written
    assert len(ids) == len(set(ids)) == 4, written
    for one in (renewed, ending, lapsing, stalled):
        session.refresh(one)
    assert (renewed.status, renewed.paid_through, renewed.current_period_end) == (
        "active", 1, service.add_interval(T0, "month", 2))
    assert (ending.status, ending.canceled_at) == ("canceled", service.add_interval(
        feb1, "month", 1))
    assert (lapsing.status, lapsing.canceled_at, lapsing.past_due_since) == (
        "canceled", now, None)
    assert (stalled.status, stalled.past_due_since, stalled.updated_at) == (
        "past_due", service.add_interval(feb3, "month", 1), now)
    assert sorted(e["id"] for e in events(session, "subscription.canceled")) == sorted(
        [ending.id, lapsing.id])
    assert sorted(e["id"] for e in events(session, "subscription.past_due")) == sorted(
        [lapsing.id, stalled.id])
    verify(app)


def test_renewed_periods_are_written_in_updates_of_bounded_size(
        app: Flask, world: World, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The renewed rows' periods go out in UPDATEs of at most PERIODS_PER_UPDATE rows (5
    parameters each): a batch of 10,000 in one UPDATE is 50,000 parameters, over SQLite's
    32,766. Here 2 per UPDATE over 5 renewals: 3 UPDATEs, every row renewed once.
    (PostgreSQL sends one UPDATE of five arrays whatever the batch.)"""
    from sqlalchemy import event

    from wallet.subscriptions.cli import renew_all

    if is_postgres(session):
        pytest.skip("PostgreSQL writes the periods as five arrays: one UPDATE, 5 parameters")
    monkeypatch.setattr(service, "PERIODS_PER_UPDATE", 2)
    rich = world.user_ids[0]
    subs = []
    for n in range(5):
        plan = make_plan(session, world, amount=10, name=f"Small {n}")
        subs.append(service.subscribe(session, user_id=rich, plan_id=plan.id,
                                      merchant_id=None, app_id=None, now=T0))
    session.commit()
    written: list[list[str]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        text = statement.lstrip().upper()
        if text.startswith("WITH") and "UPDATE SUBSCRIPTIONS" in text:
            written.append(_subscription_ids(parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = renew_all(T0 + timedelta(days=32))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert sorted(result.renewed) == sorted(s.id for s in subs)
    assert [len(ids) for ids in written] == [2, 2, 1], written
    for one in subs:
        session.refresh(one)
        assert (one.status, one.paid_through) == ("active", 1)
    verify(app)


def test_renewal_spends_promotional_credits_first(app: Flask, world: World,
                                                  session: Session) -> None:
    plan = make_plan(session, world, amount=100)
    sub = service.subscribe(session, user_id=world.user_ids[0], plan_id=plan.id,
                            merchant_id=None, app_id=None, now=T0)
    credits.grant_promotional(session, world.user_ids[0], 70, None, "welcome", "promo-1")
    session.commit()
    renew(app, service.add_interval(T0, "month", 1))
    summary = credits.summary(session, world.user_ids[0])
    assert (summary.promotional, summary.paid) == (0, 900 - 30)
    assert len(charges(session, sub.id)) == 2
    verify(app)


# --- changing ------------------------------------------------------------------------------

def test_cancel_at_period_end_resume_and_cancel_now(app: Flask, client: FlaskClient,
                                                    world: World, session: Session) -> None:
    plan = make_plan(session, world, amount=100)
    token = user_token(session, world.user_ids[0], world.app_id, scope=SCOPE)  # type: ignore[arg-type]
    session.commit()
    sub = client.post("/v1/subscriptions", json={"plan_id": plan.id},
                      headers=bearer(token)).json
    url = f"/v1/subscriptions/{sub['id']}"
    # the app re-approved without the scope (which ends the tokens issued before) may not
    plain = user_token(session, world.user_ids[0], world.app_id)
    session.commit()
    denied = client.post(f"{url}/cancel", json={"at_period_end": True},
                         headers=bearer(plain, False))
    assert denied.status_code == 403
    token = user_token(session, world.user_ids[0], world.app_id, scope=SCOPE)  # type: ignore[arg-type]
    session.commit()
    ending = client.post(f"{url}/cancel", json={"at_period_end": True},
                         headers=bearer(token, False))
    assert ending.status_code == 200 and ending.json["cancel_at_period_end"] is True
    resumed = client.post(f"{url}/resume", headers=bearer(token, False))
    assert resumed.status_code == 200 and resumed.json["cancel_at_period_end"] is False
    assert client.post(f"{url}/resume", headers=bearer(token, False)).status_code == 409
    client.post(f"{url}/cancel", json={"at_period_end": True}, headers=bearer(token, False))
    end = datetime.fromisoformat(sub["current_period_end"])
    assert renew(app, end)["canceled"] == [sub["id"]]
    got = client.get(url, headers=bearer(world.merchant_key, False)).json
    assert got["status"] == "canceled" and got["canceled_at"] == sub["current_period_end"]
    assert balance(session, world.user_ids[0]) == 900  # no second period
    # the merchant cancels another one at once
    again = client.post("/v1/subscriptions", json={"plan_id": plan.id},
                        headers=bearer(token)).json
    now = client.post(f"/v1/subscriptions/{again['id']}/cancel", json={},
                      headers=bearer(world.merchant_key, False))
    assert now.status_code == 200 and now.json["status"] == "canceled"
    assert client.post(f"/v1/subscriptions/{again['id']}/cancel", json={},
                       headers=bearer(world.merchant_key, False)).status_code == 409
    other = make_world(session)
    session.commit()
    assert client.get(url, headers=bearer(other.merchant_key, False)).status_code == 404
    verify(app)


def test_proration_is_whole_credits_in_the_persons_favour() -> None:
    day = timedelta(days=1)
    assert service.proration(100, 300, 10 * day, 30 * day) == 66  # 66.67 charged: down
    assert service.proration(300, 100, 10 * day, 30 * day) == -67  # 66.67 back: up
    assert service.proration(100, 400, 15 * day, 30 * day) == 150  # exact
    assert service.proration(400, 100, 15 * day, 30 * day) == -150
    assert service.proration(100, 300, timedelta(0), 30 * day) == 0
    assert service.proration(100, 101, 29 * day, 30 * day) == 0  # 0.97: nothing charged
    assert service.proration(101, 100, 1 * day, 30 * day) == -1  # 0.03: one credit back


def test_upgrade_and_downgrade_prorate_exactly(app: Flask, world: World,
                                               session: Session) -> None:
    basic = make_plan(session, world, amount=100, name="Basic")
    pro = make_plan(session, world, amount=400, name="Pro")
    sub = service.subscribe(session, user_id=world.user_ids[0], plan_id=basic.id,
                            merchant_id=None, app_id=None, now=T0)
    session.commit()  # Jan 31 -> Feb 28: 28 days
    caller = service.Caller(user_id=world.user_ids[0])
    _, charged = service.change_plan(session, sub.id, caller, pro.id,
                                     now=T0 + timedelta(days=7))
    assert charged == 300 * 21 // 28 == 225
    assert balance(session, world.user_ids[0]) == 1000 - 100 - 225
    _, back = service.change_plan(session, sub.id, caller, basic.id,
                                  now=T0 + timedelta(days=14, hours=1))
    # 300 * (13 days 23 hours) / 28 days = 149.55...: 150 back (rounded up)
    assert back == -150
    assert balance(session, world.user_ids[0]) == 1000 - 100 - 225 + 150
    assert pending(session, world.merchant_id) == 100 + 225 - 150
    session.commit()
    assert renew(app, datetime(2027, 2, 28, 9, 0, tzinfo=UTC))["renewed"] == [sub.id]
    assert balance(session, world.user_ids[0]) == 1000 - 100 - 225 + 150 - 100
    verify(app)


def test_changing_plans_refuses_other_intervals_and_short_wallets(
        world: World, session: Session) -> None:
    basic = make_plan(session, world, amount=100)
    yearly = make_plan(session, world, amount=1000, interval="year")
    huge = make_plan(session, world, amount=100_000)
    sub = service.subscribe(session, user_id=world.user_ids[0], plan_id=basic.id,
                            merchant_id=None, app_id=None, now=T0)
    caller = service.Caller(user_id=world.user_ids[0])
    with pytest.raises(service.Conflict):
        service.change_plan(session, sub.id, caller, yearly.id, now=T0)
    with pytest.raises(InsufficientCredits):
        service.change_plan(session, sub.id, caller, huge.id, now=T0 + timedelta(days=1))


def test_changing_plans_after_the_period_ended_waits_for_the_renewal(
        world: World, session: Session) -> None:
    """Between a period's end and the renewal job's run there is no period to prorate:
    409 renewal_due (it was a ValueError, answered 500)."""
    basic = make_plan(session, world, amount=100)
    pro = make_plan(session, world, amount=400, name="Pro")
    sub = service.subscribe(session, user_id=world.user_ids[0], plan_id=basic.id,
                            merchant_id=None, app_id=None, now=T0)
    caller = service.Caller(user_id=world.user_ids[0])
    with pytest.raises(service.Conflict) as refused:
        service.change_plan(session, sub.id, caller, pro.id,
                            now=sub.current_period_end + timedelta(minutes=5))
    assert refused.value.code == "renewal_due"
    assert balance(session, world.user_ids[0]) == 1000 - 100


def test_a_second_subscription_to_one_plan_meets_the_unique_index(
        world: World, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two subscribe calls at once both pass the check for a live subscription; the
    second then meets the first's row in the unique index: 409, not 500, and nothing of
    it stays (the check is skipped here to play the second call)."""
    basic = make_plan(session, world, amount=100)
    first = service.subscribe(session, user_id=world.user_ids[0], plan_id=basic.id,
                              merchant_id=None, app_id=None, now=T0)
    real_scalar = session.scalar
    skipped: list[bool] = []

    def unchecked(statement: Any, *args: Any, **kwargs: Any) -> Any:
        if not skipped and "subscriptions" in str(statement):
            skipped.append(True)
            return None  # the concurrent call's view: no live subscription yet
        return real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(session, "scalar", unchecked)
    with pytest.raises(service.Conflict) as refused:
        service.subscribe(session, user_id=world.user_ids[0], plan_id=basic.id,
                          merchant_id=None, app_id=None, now=T0)
    monkeypatch.undo()
    assert skipped and refused.value.code == "already_subscribed"
    assert [c.subscription_id for c in charges(session, first.id)] == [first.id]
    assert balance(session, world.user_ids[0]) == 1000 - 100


# --- entitlements ------------------------------------------------------------------------

def test_entitlements_for_the_app_and_the_merchant(client: FlaskClient, world: World,
                                                   session: Session) -> None:
    plan = make_plan(session, world, amount=100)
    gone = make_plan(session, world, amount=10, name="Old")
    other = make_world(session)
    foreign = make_plan(session, other, amount=10)
    top_up(session, world.user_ids[1], 500)
    live = service.subscribe(session, user_id=world.user_ids[0], plan_id=plan.id,
                             merchant_id=None, app_id=None)
    ended = service.subscribe(session, user_id=world.user_ids[0], plan_id=gone.id,
                              merchant_id=None, app_id=None)
    service.cancel(session, ended.id, service.Caller(user_id=world.user_ids[0]),
                   at_period_end=False)
    elsewhere = service.subscribe(session, user_id=world.user_ids[0], plan_id=foreign.id,
                                  merchant_id=None, app_id=None)
    theirs = service.subscribe(session, user_id=world.user_ids[1], plan_id=plan.id,
                               merchant_id=None, app_id=None)
    token = user_token(session, world.user_ids[0], world.app_id)  # any token of the app
    session.commit()
    app_view = client.get("/v1/subscriptions?status=active", headers=bearer(token, False))
    assert app_view.status_code == 200
    assert [s["id"] for s in app_view.json["data"]] == [live.id]
    assert app_view.json["data"][0]["plan_name"] == "Supporter"
    everything = client.get("/v1/subscriptions", headers=bearer(token, False)).json["data"]
    assert {s["id"] for s in everything} == {live.id, ended.id}
    merchant = client.get("/v1/subscriptions?status=active",
                          headers=bearer(world.merchant_key, False)).json["data"]
    assert {s["id"] for s in merchant} == {live.id, theirs.id}
    one = client.get(f"/v1/subscriptions?status=active&user_id={world.user_ids[1]}",
                     headers=bearer(world.merchant_key, False)).json["data"]
    assert [s["id"] for s in one] == [theirs.id]
    assert client.get(f"/v1/subscriptions/{elsewhere.id}",
                      headers=bearer(token, False)).status_code == 404
    assert client.get(f"/v1/subscriptions/{elsewhere.id}",
                      headers=bearer(world.merchant_key, False)).status_code == 404
    assert client.get("/v1/subscriptions").status_code == 401


# --- the consent page ---------------------------------------------------------------------

def test_the_consent_page_shows_the_recurring_amounts_and_grants_the_scope(
        client: FlaskClient, world: World, session: Session) -> None:
    from tests.support import oauth_client as oauth

    make_plan(session, world, amount=120, interval="month", trial_days=7, name="Gold")
    session.commit()
    csrf = oauth.sign_in(client, world.user_ids[0])
    verifier, challenge = oauth.pkce_pair()
    url = oauth.authorize_url(world.app_id, "http://127.0.0.1/cb", challenge, scope=SCOPE)
    page = client.get(url).get_data(as_text=True)
    assert "Gold: 120 credits every month after a 7-day free trial" in page
    assert "until you cancel" in page
    plain = client.get(oauth.authorize_url(world.app_id, "http://127.0.0.1/cb", challenge))
    assert "credits every month" not in plain.get_data(as_text=True)
    code = oauth.redirect_params(oauth.approve(client, url, csrf))["code"]
    token = oauth.exchange(client, world.app_id, code, verifier, "http://127.0.0.1/cb")
    assert token.json["scope"] == SCOPE


def test_the_merchant_summary_counts_subscribers_recurring_credits_and_churn(
        client: FlaskClient, world: World, session: Session) -> None:
    monthly = make_plan(session, world, amount=100)
    weekly = make_plan(session, world, amount=10, interval="week", name="Weekly")
    yearly = make_plan(session, world, amount=1000, interval="year", name="Yearly")
    top_up(session, world.user_ids[1], 2000)
    caller = service.Caller(merchant_id=world.merchant_id)
    for user_id in world.user_ids:
        service.subscribe(session, user_id=user_id, plan_id=monthly.id, merchant_id=None,
                          app_id=None)
    service.subscribe(session, user_id=world.user_ids[1], plan_id=weekly.id, merchant_id=None,
                      app_id=None)
    leaving = service.subscribe(session, user_id=world.user_ids[1], plan_id=yearly.id,
                                merchant_id=None, app_id=None)
    service.cancel(session, leaving.id, caller, at_period_end=False)
    session.commit()
    answer = client.get("/v1/subscriptions/summary", headers=bearer(world.merchant_key, False))
    assert answer.status_code == 200, answer.json
    # 2 x 100 per month + 10 x 52 / 12 per month = 243.33: 243
    assert answer.json == {"object": "subscription_summary", "active_subscribers": 3,
                           "monthly_recurring_credits": 243,
                           "churn_30d": {"ended": 1, "base": 4, "percent": 25.0}}
    token = user_token(session, world.user_ids[0], world.app_id)
    session.commit()
    assert client.get("/v1/subscriptions/summary",
                      headers=bearer(token, False)).status_code == 403
