"""``POST /v1/purchases`` below Flask (``wallet.purchases.fast``): the layer answers the
happy path with the very bytes and headers of the Flask view, and hands everything
else to Flask, whose answer is then the only one.

- ``accepted`` against ``PurchaseIn`` over hostile bodies (both ways: what one takes
  the other takes, with the same data);
- parity on PostgreSQL: the same requests with the layer on and off, compared by
  status, JSON and headers (ids and times aside), the layer answering exactly the
  happy ones;
- production (HSTS over https and behind a proxy).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError
from sqlalchemy import func, select

from tests.support.buyers import make_world, pending, top_up, user_token
from tests.support.databases import temporary_database
from wallet import create_app
from wallet.credits import service as credits
from wallet.db import INT64_MAX, db
from wallet.ledger.models import LedgerTransaction
from wallet.oauth.models import OAuthGrant
from wallet.oauth.service import revoke_grant
from wallet.purchases import api as purchases_api
from wallet.purchases import fast, hot
from wallet.purchases.models import Purchase

# -- accepted == PurchaseIn -------------------------------------------------------------

CONTROLS = ["\x00", "\x1f", "\x7f", "\x85", "\x9f", "\n", "\t", "\ud800", "\udfff"]
HOSTILE: list[Any] = [
    None, [], "x", 1, 1.5, True, {},
    {"amount": 1}, {"description": "x"},
    {"amount": 0, "description": "x"}, {"amount": -1, "description": "x"},
    {"amount": INT64_MAX, "description": "x"}, {"amount": INT64_MAX + 1, "description": "x"},
    {"amount": 10**30, "description": "x"}, {"amount": True, "description": "x"},
    {"amount": 1.0, "description": "x"}, {"amount": "1", "description": "x"},
    {"amount": None, "description": "x"}, {"amount": [1], "description": "x"},
    {"amount": 1, "description": ""}, {"amount": 1, "description": "x" * 500},
    {"amount": 1, "description": "x" * 501}, {"amount": 1, "description": 5},
    {"amount": 1, "description": None}, {"amount": 1, "description": ["x"]},
    {"amount": 1, "description": "\u00a0 ünï 🎟"}, {"amount": 1, "description": "\u2028"},
    *({"amount": 1, "description": f"a{c}b"} for c in CONTROLS),
    {"amount": 1, "description": "x", "extra": 1},
    {"amount": 1, "description": "x", "metadata": None},
    {"amount": 1, "description": "x", "metadata": {}},
    {"amount": 1, "description": "x", "metadata": []},
    {"amount": 1, "description": "x", "metadata": "x"},
    {"amount": 1, "description": "x", "metadata": {"k": 1}},
    {"amount": 1, "description": "x", "metadata": {"k": None}},
    {"amount": 1, "description": "x", "metadata": {"k": {"a": "b"}}},
    {"amount": 1, "description": "x", "metadata": {"k": ""}},
    {"amount": 1, "description": "x", "metadata": {"": "v"}},
    {"amount": 1, "description": "x", "metadata": {"k" * 40: "v" * 500}},
    {"amount": 1, "description": "x", "metadata": {"k" * 41: "v"}},
    {"amount": 1, "description": "x", "metadata": {"k": "v" * 501}},
    {"amount": 1, "description": "x", "metadata": {str(n): "v" for n in range(20)}},
    {"amount": 1, "description": "x", "metadata": {str(n): "v" for n in range(21)}},
    *({"amount": 1, "description": "x", "metadata": {f"k{c}": "v"}} for c in CONTROLS),
    *({"amount": 1, "description": "x", "metadata": {"k": f"v{c}"}} for c in CONTROLS),
]


def schema_loads(body: Any) -> Any:
    try:
        return purchases_api.PURCHASE_IN.load(body)
    except ValidationError:
        return None
    except (TypeError, AttributeError):  # not a mapping: the parser refuses it too
        return None


def as_data(found: tuple[int, str, dict[str, str] | None] | None) -> Any:
    if found is None:
        return None
    amount, description, metadata = found
    return {"amount": amount, "description": description, "metadata": metadata}


@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
def test_accepted_is_the_schema(body: Any) -> None:
    assert as_data(fast.accepted(body)) == schema_loads(body)


def test_the_hostile_list_has_both_answers() -> None:
    taken = [body for body in HOSTILE if fast.accepted(body) is not None]
    assert 8 <= len(taken) < len(HOSTILE) - 40


TEXT = st.text(alphabet=st.sampled_from(["a", "ü", " ", "🎟", "\u2028", *CONTROLS]),
               max_size=45) | st.text(max_size=3) | st.sampled_from(["x" * 500, "x" * 501])
VALUES = (st.integers(min_value=-2, max_value=3) | st.sampled_from([INT64_MAX, INT64_MAX + 1])
          | st.booleans() | st.none() | st.floats(allow_nan=False, allow_infinity=False) | TEXT)
METADATA = st.none() | VALUES | st.dictionaries(TEXT, TEXT | VALUES, max_size=22)
BODIES = st.dictionaries(st.sampled_from(["amount", "description", "metadata", "other"]),
                         VALUES | METADATA, min_size=1) | st.fixed_dictionaries(
    {"amount": st.integers(min_value=-1, max_value=INT64_MAX + 1), "description": TEXT},
    optional={"metadata": METADATA})


@settings(max_examples=600, deadline=None)
@given(BODIES)
def test_accepted_is_the_schema_on_generated_bodies(body: Any) -> None:
    # through JSON, as a request body would come
    parsed = json.loads(json.dumps(body))
    assert as_data(fast.accepted(parsed)) == schema_loads(parsed)


# -- parity on PostgreSQL ---------------------------------------------------------------


@pytest.fixture
def pg_app(committed_app: Flask, engine_name: str) -> Iterator[Flask]:
    if engine_name != "postgresql":
        pytest.skip("the layer is PostgreSQL's (SQLite: Flask only)")
    yield committed_app
    engine = committed_app.extensions.get(purchases_api.HOT_EXTENSION)
    if engine is not None:
        engine.dispose()


class Spy:
    """Which requests the layer answered itself."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answered: list[bool] = []
        original = fast.FastPurchases._answer

        def answer(layer: fast.FastPurchases, environ: dict[str, Any]) -> Any:
            found = original(layer, environ)
            self.answered.append(found is not None)
            return found

        monkeypatch.setattr(fast.FastPurchases, "_answer", answer)


VOLATILE = ("id", "user_id", "created_at")


def normalized(response: Any) -> tuple[Any, ...]:
    headers = {k: v for k, v in response.headers.items()}
    body = response.get_json(silent=True)
    if isinstance(body, dict):
        for key in VOLATILE:
            if key in body:
                body[key] = type(body[key]).__name__
    if re.fullmatch(r"req_[0-9a-f]{16}", headers.get("X-Request-Id", "")):
        headers["X-Request-Id"] = "req_<generated>"
    if "Content-Length" in headers and isinstance(body, dict) and "id" in body:
        headers["Content-Length"] = "n"  # ids and microseconds may differ in length
    return response.status_code, body, headers


def _world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        session = db.session()
        world = make_world(session, users=6)  # one grant per person and app: one token each
        for user in world.user_ids:
            top_up(session, user, 100)
        tokens = [user_token(session, user, world.app_id, per_purchase_cap=50)
                  for user in world.user_ids[:2]]
        narrow = [user_token(session, user, world.app_id, scope="wallet:read")
                  for user in world.user_ids[2:4]]
        revoked = user_token(session, world.user_ids[4], world.app_id)
        first = user_token(session, world.user_ids[5], world.app_id)
        session.commit()
    # the merchant's first sale opens its account: the Python path's (Flask's) own
    opened = app.test_client().post("/v1/purchases", json={"amount": 1, "description": "1st"},
                                    headers={"Authorization": f"Bearer {first}",
                                             "Idempotency-Key": "first"})
    assert opened.status_code == 201
    return {"world": world, "tokens": tokens, "narrow": narrow, "revoked": revoked}


def _requests(token: str, narrow: str) -> list[dict[str, Any]]:
    """(kwargs of client.post) the same for both sides; the happy ones flagged."""
    auth = {"Authorization": f"Bearer {token}"}

    def post(key: str | None, body: Any = None, raw: bytes | None = None,
             headers: dict[str, str] | None = None, happy: bool = False,
             **kwargs: Any) -> dict[str, Any]:
        sent = {**auth, **({"Idempotency-Key": key} if key is not None else {}),
                "X-Request-Id": f"rid-{len(made)}", **(headers or {})}
        request: dict[str, Any] = {"headers": sent, **kwargs}
        if raw is not None:
            request["data"] = raw
            request.setdefault("content_type", "application/json")
        else:
            request["json"] = body
        request["happy"] = happy
        made.append(request)
        return request

    made: list[dict[str, Any]] = []

    ok = {"amount": 10, "description": "Tides ünïcode 🎟", "metadata": {"sku": "x", "é": ""}}
    return [
        post("a", ok, happy=True),
        post("a", ok, happy=True),  # replayed
        post("a", {**ok, "amount": 11}),  # key reused: refused by the function
        post("b", {"amount": 5, "description": "plain"}, happy=True),
        post("c", {"amount": 5, "description": "null meta", "metadata": None}, happy=True),
        post("d", {"amount": 1, "description": "x", "metadata": {str(n): "v" for n in range(20)}},
             happy=True),
        post("e", {"amount": 60, "description": "over the per-purchase cap"}),
        post("f", {"amount": 45, "description": "fits"}, happy=True),  # 79 left
        post("g", {"amount": 40, "description": "insufficient now"}),  # 34 left
        post("h", {"amount": 25, "description": "fits"}, happy=True),
        post("i", {"amount": 1, "description": "x", "extra": 1}),
        post("j", {"amount": 1.0, "description": "x"}),
        post("k", {"amount": True, "description": "x"}),
        post("l", {"amount": 2**63, "description": "x"}),
        post("m", {"amount": 1, "description": "a\x00b"}),
        post("n", {"amount": 1, "description": "x", "metadata": {str(n): "v" for n in range(21)}}),
        post("o", {"amount": 1, "description": "x", "metadata": {"k": "\x85"}}),
        post("p", raw=b'{"amount": 1, "description": '),
        post("q", raw=b'{"amount": 1, "description": "\\ud800"}'),
        post("r", raw=b'{"amount": 1' + b"0" * 60 + b', "description": "x"}'),
        post("s", raw=b"[" * 100),
        post("t", raw=b'{"amount": 1, "description": "text/plain"}', content_type="text/plain"),
        post("u", raw=b'{"amount": 2, "description": "+json"}',
             content_type="application/merge-patch+json; charset=utf-8", happy=True),
        post(None, {"amount": 1, "description": "no key"}),
        post("v" * 256, {"amount": 1, "description": "long key"}),
        post("w\u00e9", {"amount": 1, "description": "non-ascii key"}),
        post("x", {"amount": 1, "description": "no scope"},
             headers={"Authorization": f"Bearer {narrow}"}),
        post("y", {"amount": 1, "description": "bad mac"},
             headers={"Authorization": f"Bearer {token[:-2]}xx"}),
        post("z", {"amount": 1, "description": "opaque token"},
             headers={"Authorization": "Bearer at_" + "a" * 43}),
        post("A", {"amount": 1, "description": "basic"},
             headers={"Authorization": "Basic dXNlcjpwYXNz"}),
        post("B", {"amount": 1, "description": "lower-case scheme"},
             headers={"Authorization": f"bearer  {token} "}, happy=True),
        post("C", {"amount": 1, "description": "bad request id"},
             headers={"X-Request-Id": "bad id!"}, happy=True),
        post("D", {"amount": 1, "description": "with a cookie"}, cookie="junk"),
        post("E", {"amount": 1, "description": "over https"}, base_url="https://localhost",
             happy=True),
        post("F", {"amount": 1, "description": "a" * 501}),
        post("G", {"amount": 0, "description": "zero"}),
    ]


def _run(app: Flask, token: str, narrow: str, fast_on: bool, spy: Spy) -> list[Any]:
    app.config[fast.CONFIG] = fast_on
    client = app.test_client()
    seen, spy.answered[:] = [], []
    for request in _requests(token, narrow):
        request = dict(request)
        request.pop("happy")
        cookie = request.pop("cookie", None)
        if cookie is not None:  # the test client sends its jar's cookies only
            client.set_cookie("wallet_session", cookie)
        seen.append(normalized(client.post("/v1/purchases", **request)))
        if cookie is not None:
            client.delete_cookie("wallet_session")
    return seen


def test_parity_with_the_flask_view(pg_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    ctx = _world(pg_app)
    world, tokens, narrow = ctx["world"], ctx["tokens"], ctx["narrow"]
    with_layer = _run(pg_app, tokens[0], narrow[0], True, spy)
    answered = list(spy.answered)
    without = _run(pg_app, tokens[1], narrow[1], False, spy)
    assert not any(spy.answered)  # off: the layer never answers
    for n, (ours, flasks) in enumerate(zip(with_layer, without, strict=True)):
        assert ours == flasks, (n, ours, flasks)
    happy = [request["happy"] for request in _requests(tokens[0], narrow[0])]
    assert answered == happy  # the layer answered exactly the happy path
    statuses = {status for status, _, _ in with_layer}
    assert {201, 400, 401, 402, 403, 409, 415} >= statuses >= {201, 400, 401, 402, 403, 409}
    with pg_app.app_context():  # the same money moved on both sides
        session = db.session()
        first, second = (credits.summary(session, user).total for user in world.user_ids[:2])
        assert first == second == 100 - 10 - 5 - 5 - 1 - 45 - 25 - 2 - 1 - 1 - 1 - 1
        purchases = [session.scalar(select(func.count()).select_from(Purchase).where(
            Purchase.user_id == user)) for user in world.user_ids[:2]]
        assert purchases[0] == purchases[1] == sum(happy)  # less a replay, plus the cookie's
        assert pending(session, world.merchant_id) == 2 * (100 - first) + 1


def test_refusals_and_revocation_leave_nothing_behind(pg_app: Flask,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    ctx = _world(pg_app)
    world, token = ctx["world"], ctx["revoked"]
    client = pg_app.test_client()

    def buy(key: str, amount: int) -> Any:
        return client.post("/v1/purchases", json={"amount": amount, "description": "x"},
                           headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})

    with pg_app.app_context():
        before = db.session().scalar(select(func.count()).select_from(LedgerTransaction))
    refused = buy("r1", 101)
    assert refused.status_code == 402
    assert refused.json["error"]["code"] == "insufficient_credits"
    assert buy("r1", 100).status_code == 201  # the refused key was never claimed
    with pg_app.app_context():
        session = db.session()
        grant = session.scalar(select(OAuthGrant).where(OAuthGrant.user_id == world.user_ids[4]))
        assert grant is not None
        revoke_grant(session, grant)
        session.commit()
    gone = buy("r2", 1)
    assert gone.status_code == 401 and gone.json["error"]["code"] == "invalid_token"
    assert spy.answered[-3:] == [False, True, False]
    with pg_app.app_context():
        after = db.session().scalar(select(func.count()).select_from(LedgerTransaction))
        assert after == before + 1


def test_a_bound_session_goes_to_flask(app: Flask, engine_name: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests bind the request session to an outer transaction: the purchase joins it."""
    if engine_name != "postgresql":
        assert not isinstance(app.wsgi_app, fast.FastPurchases)  # SQLite: no layer at all
        return
    spy = Spy(monkeypatch)
    session = db.session()
    world = make_world(session)
    top_up(session, world.user_ids[0], 10)
    token = user_token(session, world.user_ids[0], world.app_id)
    session.commit()
    answer = app.test_client().post(
        "/v1/purchases", json={"amount": 3, "description": "x"},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k"})
    assert answer.status_code == 201 and answer.json["balance_after"] == 7
    assert spy.answered == [False]


def test_production_https_and_proxy(tmp_path: Path, engine_name: str,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if engine_name != "postgresql":
        pytest.skip("the layer is PostgreSQL's")
    from flask_migrate import upgrade

    from tests.test_production_config import production_config

    spy = Spy(monkeypatch)
    with temporary_database("postgresql", tmp_path) as url:
        app = create_app(production_config(tmp_path, DATABASE_URL=url, PROXY_FIX=True))
        try:
            with app.app_context():
                upgrade()
            ctx = _world(app)
            tokens = ctx["tokens"]
            sides = []
            for on, token in ((True, tokens[0]), (False, tokens[1])):
                app.config[fast.CONFIG] = on
                client = app.test_client()
                answers = []
                for n, extra in enumerate([{"base_url": "https://wallet.example.org"},
                                           {"headers": {"X-Forwarded-Proto": "https"}}, {}]):
                    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"k{n}",
                               "X-Request-Id": f"r{n}", **extra.pop("headers", {})}
                    answers.append(normalized(client.post(
                        "/v1/purchases", json={"amount": 1, "description": "x"},
                        headers=headers, **extra)))
                sides.append(answers)
            assert sides[0] == sides[1]
            # the merchant's first sale (Flask), then the layer on, then off
            assert spy.answered == [False, True, True, True, False, False, False]
            hsts = [answer[2].get("Strict-Transport-Security") for answer in sides[0]]
            assert hsts[0] and hsts[1] and hsts[2] is None
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            app.extensions[purchases_api.HOT_EXTENSION].dispose()


def test_an_unexpected_failure_is_handed_to_flask(pg_app: Flask,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure that is no refusal (here: one raised once before the statement) is
    logged and the request handed to Flask, which runs the purchase and answers."""
    spy = Spy(monkeypatch)
    ctx = _world(pg_app)
    original, calls = hot.purchase, []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return original(*args, **kwargs)

    monkeypatch.setattr(hot, "purchase", flaky)
    answer = pg_app.test_client().post(
        "/v1/purchases", json={"amount": 2, "description": "x"},
        headers={"Authorization": f"Bearer {ctx['tokens'][0]}", "Idempotency-Key": "u"})
    assert answer.status_code == 201 and answer.json["balance_after"] == 98
    assert "Idempotent-Replayed" not in answer.headers
    assert spy.answered[-1] is False and len(calls) == 2


def test_limits_on_every_route_go_to_flask(pg_app: Flask,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """With a Flask-Limiter default for every route, only the Flask view counts it."""
    spy = Spy(monkeypatch)
    ctx = _world(pg_app)
    client = pg_app.test_client()

    def buy(key: str) -> Any:
        return client.post("/v1/purchases", json={"amount": 1, "description": "x"},
                           headers={"Authorization": f"Bearer {ctx['tokens'][0]}",
                                    "Idempotency-Key": key})

    monkeypatch.setitem(pg_app.config, "RATELIMIT_DEFAULT", "1000/minute")
    assert buy("a").status_code == 201  # the tests' limiter is off
    monkeypatch.setitem(pg_app.config, "RATELIMIT_ENABLED", True)
    assert buy("b").status_code == 201
    monkeypatch.delitem(pg_app.config, "RATELIMIT_DEFAULT")
    assert buy("c").status_code == 201
    assert spy.answered[-3:] == [True, False, True]


def _scripted_statement(monkeypatch: pytest.MonkeyPatch, script: list[str]) -> list[str]:
    """``hot._call_pooled`` by a script, one step per run of the statement (the layer's
    runs, then the Flask view's): ``commit_then_lose`` runs it (it commits) and then loses
    the connection before the answer; ``held`` answers as a key still held by a dying
    backend does (409 in progress); ``real`` runs it. Returns the steps taken."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    from wallet.errors import Conflict

    real, taken = hot._call_pooled, []

    def scripted(engine: Any, params: Any, *args: Any) -> Any:
        step = script[len(taken)] if len(taken) < len(script) else "real"
        taken.append(step)
        if step == "held":
            raise Conflict("A request with this Idempotency-Key is in progress.",
                           code="idempotency_request_in_progress")
        row = real(engine, params, *args)
        if step == "commit_then_lose":
            raise DBAPIError.instance(
                hot.CALL, params, psycopg.OperationalError("server closed the connection"),
                psycopg.Error, connection_invalidated=True, dialect=engine.dialect)
        return row

    monkeypatch.setattr(hot, "_call_pooled", scripted)
    return taken


def _purchases_of_key(app: Flask, key: str) -> list[tuple[str, Any]]:
    from sqlalchemy import select

    from wallet.purchases.models import Purchase

    with app.app_context():
        try:
            return [(p.id, p.created_at) for p in db.session.scalars(
                select(Purchase).where(Purchase.idempotency_key == key))]
        finally:
            db.session.remove()


def test_a_lost_commit_then_a_503_below_flask_is_answered_once_as_created(
        pg_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The layer's run commits and loses its connection; the retry meets the key still
    held (503 below Flask), so Flask runs the purchase again: it meets the purchase this
    request made and answers it as created (one 201, no ``Idempotent-Replayed``), with the
    stored purchase; one purchase, charged once."""
    spy = Spy(monkeypatch)
    ctx = _world(pg_app)
    taken = _scripted_statement(monkeypatch, ["commit_then_lose", "held", "real"])
    answer = pg_app.test_client().post(
        "/v1/purchases", json={"amount": 2, "description": "x"},
        headers={"Authorization": f"Bearer {ctx['tokens'][0]}", "Idempotency-Key": "lost"})
    assert taken == ["commit_then_lose", "held", "real"]
    assert spy.answered[-1] is False  # Flask answered, once
    assert answer.status_code == 201, answer.json
    assert "Idempotent-Replayed" not in answer.headers
    [(purchase_id, created_at)] = _purchases_of_key(pg_app, "lost")
    assert answer.json["id"] == purchase_id and answer.json["balance_after"] == 98
    assert answer.json["created_at"] == created_at.isoformat()
    # a retry by the client is a replay of that purchase, and says so
    again = pg_app.test_client().post(
        "/v1/purchases", json={"amount": 2, "description": "x"},
        headers={"Authorization": f"Bearer {ctx['tokens'][0]}", "Idempotency-Key": "lost"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == answer.json and len(_purchases_of_key(pg_app, "lost")) == 1


def test_a_key_still_held_after_a_lost_commit_answers_503_in_flask_too(
        pg_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """When Flask's run too meets the key held (the lost run's backend not gone yet), the
    answer is the hot path's 503 with Retry-After (retry with the same key), not 409
    ``idempotency_request_in_progress`` as if another request held it; the retry then
    replays the one purchase."""
    spy = Spy(monkeypatch)
    ctx = _world(pg_app)
    taken = _scripted_statement(monkeypatch, ["commit_then_lose", "held", "held"])
    answer = pg_app.test_client().post(
        "/v1/purchases", json={"amount": 2, "description": "x"},
        headers={"Authorization": f"Bearer {ctx['tokens'][0]}", "Idempotency-Key": "held"})
    assert taken == ["commit_then_lose", "held", "held"] and spy.answered[-1] is False
    assert answer.status_code == 503, answer.json
    assert answer.headers["Retry-After"] == "1"
    again = pg_app.test_client().post(
        "/v1/purchases", json={"amount": 2, "description": "x"},
        headers={"Authorization": f"Bearer {ctx['tokens'][0]}", "Idempotency-Key": "held"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["balance_after"] == 98 and len(_purchases_of_key(pg_app, "held")) == 1
