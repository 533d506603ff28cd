"""Two auto-reload scans at once never start two top-ups for one crossing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.support.buyers import make_world, top_up
from tests.support.topup_helpers import spend
from tests.test_subscriptions_concurrency import _in_threads
from wallet.credits import service as credits
from wallet.db import db
from wallet.subscriptions import autoreload
from wallet.subscriptions.cli import reload_all
from wallet.topups.api import runtime
from wallet.topups.models import TopUp
from wallet.topups.providers.sandbox import SandboxProvider

T0 = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
PEOPLE = 40


def _people_below_threshold(app: Flask) -> list[str]:
    """PEOPLE wallets with a saved card and {200, starter}, each spent down to 100."""
    with app.app_context():
        session = db.session()
        world = make_world(session, users=PEOPLE)
        provider = runtime(app).provider("sandbox")
        assert isinstance(provider, SandboxProvider)
        pack = runtime(app).prices.get("starter", "USD")
        for user_id in world.user_ids:
            top_up(session, user_id, 600)
            card = provider.save_card(user_id=user_id, card_number="4242424242424242",
                                      exp_month=12, exp_year=2040, cvc="123",
                                      now=int(T0.timestamp()))
            autoreload.save_card(session, user_id, card, "sandbox", now=T0)
            autoreload.set_rule(session, user_id, threshold=200, pack=pack, enabled=True,
                                now=T0)
        session.commit()
        for user_id in world.user_ids:
            spend(session, user_id, 500)
        session.commit()
        return world.user_ids


def _check(app: Flask, people: list[str]) -> None:
    with app.app_context():
        session = db.session()
        per_person = dict(session.execute(
            select(TopUp.user_id, func.count()).group_by(TopUp.user_id)).all())
        assert per_person == {user_id: 1 for user_id in people}
        assert {credits.summary(session, u).total for u in people} == {600}
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["ok"], result.output


def test_two_scans_in_threads_start_one_topup_per_crossing(committed_app: Flask) -> None:
    app = committed_app
    people = _people_below_threshold(app)
    first, second = _in_threads(app, [lambda: reload_all(T0), lambda: reload_all(T0)])
    assert isinstance(first, autoreload.ReloadResult), first
    assert isinstance(second, autoreload.ReloadResult), second
    assert not set(first.started) & set(second.started)
    assert sorted(first.started + second.started) == sorted(people)
    _check(app, people)
    with app.app_context():
        assert reload_all(T0).started == []  # and a later run: nothing
    _check(app, people)


def test_two_autoreload_processes_at_once_on_postgres(
        committed_app: Flask, engine_name: str) -> None:
    """``flask subscriptions autoreload`` twice at once, as cron on two nodes would."""
    from tests.support.webhook_world import ROOT, worker_env

    if engine_name != "postgresql":
        pytest.skip("two processes on one SQLite file are serialised by its write lock")
    app = committed_app
    people = _people_below_threshold(app)
    env = {**worker_env(app), "WALLET_AUTORELOAD_BATCH": "3"}
    flask = Path(sys.executable).parent / "flask"
    command = [str(flask), "--app", "wallet", "subscriptions", "autoreload", "--now",
               T0.isoformat(), "--json"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    started = [set(json.loads(out)["started"]) for out, _ in outputs]
    assert not started[0] & started[1]
    assert started[0] | started[1] == set(people)
    _check(app, people)


def test_two_first_card_saves_at_once_answer_200_and_keep_one_card(
        committed_app: Flask, engine_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two ``POST /v1/autoreload/card`` for a person without a rule, both past the read
    that finds no rule before either inserts (a barrier holds them there): the second
    insert meets the first's row in the primary key. Both answer 200, one rule remains,
    holding a card; never a 500."""
    import threading

    from tests.support.topup_helpers import CSRF, sign_in
    from wallet.subscriptions.models import AutoReloadRule

    if engine_name != "postgresql":
        pytest.skip("SQLite takes its write lock at BEGIN: the two saves cannot interleave")
    app = committed_app
    with app.app_context():
        user = make_world(db.session(), users=1).user_ids[0]
        db.session.commit()
    clients = [app.test_client() for _ in range(2)]
    for client in clients:
        sign_in(client, user)
    both_read = threading.Barrier(2, timeout=30)
    seen = threading.local()
    waits: list[int] = []
    read = autoreload._rule_for_update

    def read_then_wait(session: object, user_id: str) -> object:
        rule = read(session, user_id)  # type: ignore[arg-type]
        if rule is None and not getattr(seen, "waited", False):
            seen.waited = True
            waits.append(1)
            both_read.wait()  # both found no rule: both will insert
        return rule

    monkeypatch.setattr(autoreload, "_rule_for_update", read_then_wait)
    answers: list[object] = [None, None]

    def save(index: int, number: str) -> None:
        answers[index] = clients[index].post(
            "/v1/autoreload/card",
            json={"card_number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123"},
            headers={"X-CSRF-Token": CSRF, "Idempotency-Key": f"save-{index}"})

    threads = [threading.Thread(target=save, args=(i, n), daemon=True) for i, n in
               enumerate(("4242 4242 4242 4242", "4000 0000 0000 9995"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [t for t in threads if t.is_alive()], "a save still waits after 60 s"
    statuses = [getattr(a, "status_code", a) for a in answers]
    assert statuses == [200, 200], [getattr(a, "json", a) for a in answers]
    assert waits == [1, 1]  # both inserted after both had read: the race took place
    with app.app_context():
        rules = list(db.session.scalars(select(AutoReloadRule)))
        assert [r.user_id for r in rules] == [user]
        assert rules[0].payment_method_ref is not None
        assert rules[0].card_last4 in {"4242", "9995"}
        # each save answered with its own card; the rule holds one of them (the last write)
        last4 = [a.json["card"]["last4"] for a in answers]  # type: ignore[attr-defined]
        assert last4 == ["4242", "9995"]
