"""Every value-moving flow at once, over real HTTP, and the checks that nothing was lost.

``seed`` makes the actors (an operator, two merchants with an app and a counter each,
a few funded people with an app token per merchant) straight through the services.
``Mixed.step`` then does one random operation as an outside client would: purchases
(some sent twice with one Idempotency-Key), partial and full refunds by the merchant,
gift vouchers issued, redeemed in full or in part at a counter, claimed into a wallet,
top-ups by checkout and signed webhook (some replayed, some refunded or charged back,
which claws credits back), promotional grants that expire during the run, payout
requests, and reads. ``Journal`` keeps every answer; ``check_outcome`` then proves:
no 5xx, every acknowledged operation exists exactly once, every resend replayed its
first answer, the merchants' earnings match their purchases, refunds and redemptions,
no balance that forbids it is negative, and ``ledger verify`` passes.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from flask import Flask
from sqlalchemy import func, select, text

from vouchers.models import Voucher, VoucherRedemption
from wallet.credits.models import CreditLot
from wallet.db import db
from wallet.ledger import chart
from wallet.ledger.core import Move, post
from wallet.ledger.models import LedgerTransaction
from wallet.merchants import service as merchants_service
from wallet.oauth.service import mint_access_token
from wallet.payouts.earnings import lock_payout_account
from wallet.people import service as people_service
from wallet.purchases.models import Purchase, Refund
from wallet.topups.models import TopUp

IBAN = "DE89370400440532013000"
WORKLOAD_CONFIG: dict[str, Any] = {
    "PURCHASE_VELOCITY": None,
    "DAILY_TOPUP_LIMIT_CREDITS": None,
    "MAX_WALLET_CREDITS": None,
    "PAYOUT_HOLD_DAYS": 0,
    "PAYOUT_MINIMUM": 200,
    "PAYOUT_STEP": 100,
    "PAYOUT_FEE": 0,
    # gifts and payouts at once: the risk rules' holds off (their own tests: test_risk_*)
    "RISK_GIFT_SETTLE_DAYS": 0, "RISK_GIFT_DAILY_CREDITS": 0, "RISK_GIFT_HOURLY_COUNT": 0,
    "RISK_PAYOUT_LOCK_DAYS": 0, "RISK_FIRST_PAYOUT_HOLD_DAYS": 0,
    "RISK_CONCENTRATION_WINDOW_DAYS": 0,
}


# --- actors ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shop:
    id: str
    key: str
    app_id: str
    counter_key: str


@dataclass(frozen=True)
class Person:
    id: str
    tokens: dict[str, str]  # merchant id -> app token for that merchant's app


@dataclass(frozen=True)
class Actors:
    admin_key: str
    shops: list[Shop]
    people: list[Person]


def seed(app: Flask, *, people: int = 8, merchants: int = 2, credits_each: int = 5000) -> Actors:
    """The actors, committed; every person starts with ``credits_each`` paid credits."""
    with app.app_context():
        session = db.session()
        _key, admin_key = merchants_service.issue_key(session, "admin", label="stress")
        shops = []
        for n in range(merchants):
            merchant = merchants_service.create_merchant(session, f"Shop {n}")
            merchant.kyc_status = "verified"
            row = lock_payout_account(session, merchant.id)
            row.iban, row.holder_name, row.schedule = IBAN, f"Shop {n} GmbH", "weekly"
            client = merchants_service.create_app_client(session, merchant.id, f"App {n}",
                                                         ["http://127.0.0.1/cb"])
            counter = merchants_service.create_counter(session, merchant.id, f"Till {n}")
            _k, secret = merchants_service.issue_key(session, "secret", merchant_id=merchant.id)
            _c, counter_key = merchants_service.issue_key(
                session, "counter", merchant_id=merchant.id, counter_id=counter.id)
            shops.append(Shop(merchant.id, secret, client.id, counter_key))
        clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING).id
        persons = []
        for _ in range(people):
            user = people_service.create_user(session, f"s{uuid.uuid4().hex[:12]}@example.com",
                                              "password123")
            paid = chart.user_account(session, user.id).id
            post(session, reference=f"seed:{user.id}", kind="topup",
                 moves=[Move(clearing, paid, credits_each)])
            tokens = {shop.id: mint_access_token(session, user_id=user.id, app_id=shop.app_id,
                                                 expires_in=86400)[0] for shop in shops}
            persons.append(Person(user.id, tokens))
        session.commit()
    return Actors(admin_key, shops, persons)


# --- answers ---------------------------------------------------------------------------------

@dataclass
class Answer:
    op: str
    method: str
    path: str
    body: Any
    headers: dict[str, str]
    status: int  # 0: no answer (the connection failed)
    json: Any = None
    resend_of: Answer | None = None
    elapsed: float = 0.0


@dataclass
class Journal:
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def statuses(self) -> Counter[int]:
        return Counter(a.status for a in self.answers)

    def ok(self, op: str) -> list[Answer]:
        """Every 2xx answer of ``op`` (first answers, replays and retries)."""
        return [a for a in self.answers if a.op == op and 200 <= a.status < 300]

    def acknowledged(self, op: str, field_name: str) -> set[str]:
        """The ids the client was given for ``op``; one Idempotency-Key never got two."""
        by_key: dict[str, set[str]] = {}
        for answer in self.ok(op):
            key = answer.headers.get("Idempotency-Key") or str(id(answer))
            by_key.setdefault(key, set()).add(answer.json[field_name])
        twice = {key: ids for key, ids in by_key.items() if len(ids) > 1}
        assert not twice, f"{op}: one Idempotency-Key, several results: {twice}"
        return {next(iter(ids)) for ids in by_key.values()}


class Client:
    """One outside client: a keep-alive HTTP session to ``base_url``."""

    def __init__(self, base_url: str, journal: Journal, timeout: float = 60) -> None:
        self.base_url = base_url
        self.journal = journal
        self.timeout = timeout
        self.http = requests.Session()

    def call(self, op: str, method: str, path: str, *, token: str | None = None,
             body: Any = None, key: str | None = None, raw: bytes | None = None,
             headers: dict[str, str] | None = None, resend_of: Answer | None = None) -> Answer:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if key:
            sent["Idempotency-Key"] = key
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base_url + path, json=body, data=raw,
                                         headers=sent, timeout=self.timeout)
        except requests.RequestException:
            answer = Answer(op, method, path, body if raw is None else raw, sent, 0,
                            resend_of=resend_of, elapsed=time.perf_counter() - started)
        else:
            try:
                payload = response.json()
            except ValueError:
                payload = response.text
            answer = Answer(op, method, path, body if raw is None else raw, sent,
                            response.status_code, payload, resend_of,
                            time.perf_counter() - started)
            answer.headers = {**sent, **{k: v for k, v in response.headers.items()
                                         if k in ("Idempotent-Replayed", "Retry-After")}}
        self.journal.add(answer)
        return answer

    def resend(self, first: Answer, token: str | None = None) -> Answer:
        """The same request again, with the same Idempotency-Key."""
        headers = {k: v for k, v in first.headers.items()
                   if k not in ("Idempotent-Replayed", "Retry-After")}
        return self.call(first.op, first.method, first.path, body=None if isinstance(
            first.body, bytes) else first.body, raw=first.body if isinstance(
            first.body, bytes) else None, headers=headers, resend_of=first)


# --- the workload ----------------------------------------------------------------------------

Signer = Callable[..., tuple[bytes, str]]

OPS: list[tuple[str, int]] = [
    ("purchase", 34), ("refund", 12), ("gift", 8), ("redeem", 8), ("claim", 4),
    ("topup", 8), ("topup_reversal", 3), ("grant", 5), ("payout_request", 3),
    ("read", 5),
]


class Mixed:
    """The shared state of a run (what exists to refund, redeem, claw back) and its steps."""

    def __init__(self, actors: Actors, sign: Signer | None = None, *, resend_rate: float = 0.2,
                 ops: list[tuple[str, int]] = OPS) -> None:
        self.actors = actors
        self.sign = sign
        self.resend_rate = resend_rate
        self.ops = ops
        self.lock = threading.Lock()
        self.purchases: list[tuple[str, str, int]] = []  # (purchase id, merchant id, amount)
        self.vouchers: list[str] = []  # codes
        self.topups: list[dict[str, Any]] = []  # credited top-ups

    def step(self, rng: random.Random, client: Client) -> None:
        op = rng.choices([name for name, _ in self.ops], [w for _, w in self.ops])[0]
        getattr(self, op)(rng, client)

    def _maybe_resend(self, rng: random.Random, client: Client, first: Answer) -> None:
        if first.status and rng.random() < self.resend_rate:
            client.resend(first)

    def _pick(self, rng: random.Random, items: list[Any]) -> Any:
        with self.lock:
            return rng.choice(items) if items else None

    def purchase(self, rng: random.Random, client: Client) -> None:
        person, shop = rng.choice(self.actors.people), rng.choice(self.actors.shops)
        first = client.call("purchase", "POST", "/v1/purchases", token=person.tokens[shop.id],
                            key=uuid.uuid4().hex,
                            body={"amount": rng.randint(1, 40), "description": "Sticker"})
        if first.status == 201:
            with self.lock:
                self.purchases.append((first.json["id"], shop.id, first.json["amount"]))
        self._maybe_resend(rng, client, first)

    def refund(self, rng: random.Random, client: Client) -> None:
        picked = self._pick(rng, self.purchases)
        if picked is None:
            return
        purchase_id, merchant_id, amount = picked
        shop = next(s for s in self.actors.shops if s.id == merchant_id)
        body = {} if rng.random() < 0.3 else {"amount": rng.randint(1, amount)}
        first = client.call("refund", "POST", f"/v1/purchases/{purchase_id}/refunds",
                            token=shop.key, key=uuid.uuid4().hex, body=body)
        self._maybe_resend(rng, client, first)

    def gift(self, rng: random.Random, client: Client) -> None:
        person, shop = rng.choice(self.actors.people), rng.choice(self.actors.shops)
        body: dict[str, Any] = {"value": rng.randint(5, 60)}
        if rng.random() < 0.3:  # some expire during the run: value back to the giver
            body["expires_at"] = (datetime.now(UTC) + timedelta(seconds=rng.randint(3, 20))
                                  ).isoformat()
        first = client.call("gift", "POST", "/v1/vouchers", token=person.tokens[shop.id],
                            key=uuid.uuid4().hex, body=body)
        if first.status == 201:
            with self.lock:
                self.vouchers.append(first.json["code"])
        self._maybe_resend(rng, client, first)

    def redeem(self, rng: random.Random, client: Client) -> None:
        code = self._pick(rng, self.vouchers)
        if code is None:
            return
        shop = rng.choice(self.actors.shops)
        body: dict[str, Any] = {"code": code}
        if rng.random() < 0.5:
            body["amount"] = rng.randint(1, 20)
        first = client.call("redeem", "POST", "/v1/vouchers/redeem", token=shop.counter_key,
                            key=uuid.uuid4().hex, body=body)
        self._maybe_resend(rng, client, first)

    def claim(self, rng: random.Random, client: Client) -> None:
        code = self._pick(rng, self.vouchers)
        if code is None:
            return
        person, shop = rng.choice(self.actors.people), rng.choice(self.actors.shops)
        first = client.call("claim", "POST", "/v1/vouchers/claim", token=person.tokens[shop.id],
                            key=uuid.uuid4().hex, body={"code": code})
        self._maybe_resend(rng, client, first)

    def topup(self, rng: random.Random, client: Client) -> None:
        person, shop = rng.choice(self.actors.people), rng.choice(self.actors.shops)
        made = client.call("checkout", "POST", "/v1/topups/checkout",
                           token=person.tokens[shop.id], key=uuid.uuid4().hex,
                           body={"pack_id": "starter", "currency": "USD"})
        if made.status != 201:
            return
        topup = made.json
        assert self.sign is not None
        raw, signature = self.sign("payment_succeeded", topup, topup["price_minor"])
        paid = client.call("webhook", "POST", "/v1/webhooks/sandbox", raw=raw,
                           headers={"Content-Type": "application/json",
                                    "Sandbox-Signature": signature})
        if paid.status == 200:
            with self.lock:
                self.topups.append(topup)
            self._maybe_resend(rng, client, paid)  # a replayed webhook changes nothing

    def topup_reversal(self, rng: random.Random, client: Client) -> None:
        topup = self._pick(rng, self.topups)
        if topup is None:
            return
        kind = rng.choice(["refunded", "chargeback"])
        amount = rng.randint(1, topup["price_minor"])
        assert self.sign is not None
        raw, signature = self.sign(kind, topup, amount)
        client.call("webhook", "POST", "/v1/webhooks/sandbox", raw=raw,
                    headers={"Content-Type": "application/json",
                             "Sandbox-Signature": signature})

    def grant(self, rng: random.Random, client: Client) -> None:
        person = rng.choice(self.actors.people)
        expires = datetime.now(UTC) + timedelta(seconds=rng.randint(2, 30))
        first = client.call("grant", "POST", "/v1/grants", token=self.actors.admin_key,
                            key=uuid.uuid4().hex,
                            body={"user_id": person.id, "credits": rng.randint(5, 50),
                                  "expires_at": expires.isoformat(), "reason": "Stress"})
        self._maybe_resend(rng, client, first)

    def payout_request(self, rng: random.Random, client: Client) -> None:
        shop = rng.choice(self.actors.shops)
        first = client.call("payout_request", "POST", "/v1/payouts", token=shop.key,
                            key=uuid.uuid4().hex, body={})
        self._maybe_resend(rng, client, first)

    def read(self, rng: random.Random, client: Client) -> None:
        person, shop = rng.choice(self.actors.people), rng.choice(self.actors.shops)
        client.call("read", "GET", "/v1/wallet", token=person.tokens[shop.id])
        client.call("read", "GET", "/v1/balance", token=shop.key)


# The requests whose Idempotency-Key matters when a process dies: the purchase's own
# in-transaction key, and the endpoints of ``@idempotent`` (refunds, grants, redeem).
KEYED_OPS: list[tuple[str, int]] = [("purchase", 4), ("refund", 3), ("grant", 2), ("redeem", 3)]


def not_final(answer: Answer) -> bool:
    """No answer, a 503, or 409 in progress: the client must send it again."""
    in_progress = (answer.status == 409 and isinstance(answer.json, dict)
                   and answer.json["error"]["code"] == "idempotency_request_in_progress")
    return answer.status in (0, 503) or in_progress


def settle(client: Client, first: Answer, within: float = 30) -> tuple[Answer, float]:
    """Send ``first`` again with its key until the answer is final; returns it and how
    long that took."""
    started = time.monotonic()
    answer = first
    while not_final(answer) and time.monotonic() - started < within:
        time.sleep(0.1)
        answer = client.resend(first)
    return answer, time.monotonic() - started


def run_threads(threads: int, seconds: float, work: Callable[[int], None]) -> None:
    """``work(n)`` in ``threads`` threads; each loops until ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    errors: list[BaseException] = []

    def loop(n: int) -> None:
        try:
            while time.monotonic() < deadline:
                work(n)
        except BaseException as exc:  # a bug in the workload itself must fail the test
            errors.append(exc)
            raise

    pool = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(seconds + 120)
    assert not errors, errors
    assert not any(t.is_alive() for t in pool), "a client thread did not finish"


# --- the checks ------------------------------------------------------------------------------

def no_5xx(journal: Journal) -> None:
    bad = [a for a in journal.answers if a.status >= 500 or a.status == 0]
    assert not bad, [(a.op, a.path, a.status, a.json) for a in bad[:10]]


def resends_replayed(journal: Journal) -> int:
    """Every resend of a request that succeeded answered exactly the first answer."""
    count = 0
    for again in journal.answers:
        first = again.resend_of
        if first is None or not 200 <= first.status < 300:
            continue
        count += 1
        if first.op == "webhook":  # a provider's retry: recorded once, changes nothing
            assert again.status == 200 and again.json["duplicate"] is True, again
            continue
        assert (again.status, again.json) == (first.status, first.json), (first, again)
    return count


def exactly_once(app: Flask, journal: Journal) -> dict[str, int]:
    """What was acknowledged exists once, and nothing else exists."""
    with app.app_context():
        session = db.session()
        stored = {
            ("purchase", "id"): session.scalars(select(Purchase.id)).all(),
            ("refund", "id"): session.scalars(select(Refund.id)).all(),
            ("gift", "id"): session.scalars(select(Voucher.id)).all(),
            ("grant", "id"): session.scalars(select(CreditLot.id)).all(),
            ("redemption", "redemption_id"): session.scalars(
                select(VoucherRedemption.id)).all(),
        }
        credited = int(session.scalar(select(func.count()).select_from(TopUp)
                                      .where(TopUp.credited > 0)) or 0)
    counts = {}
    for (op, field_name), ids in stored.items():
        if op == "redemption":
            acknowledged = (journal.acknowledged("redeem", field_name)
                            | journal.acknowledged("claim", field_name))
        else:
            acknowledged = journal.acknowledged(op, field_name)
        assert len(ids) == len(set(ids)), op
        assert acknowledged == set(ids), (op, len(acknowledged), len(ids))
        counts[op] = len(ids)
    paid_webhooks = {a.body for a in journal.ok("webhook") if a.json.get("outcome") == "paid"}
    assert credited == len(paid_webhooks)
    counts["topup"] = credited
    return counts


def dispute_moves(session: Any, accounts: str) -> int:
    """What chargebacks took from (and won disputes gave back to) the matching accounts."""
    return int(session.scalar(text(
        "SELECT COALESCE(SUM(CASE WHEN c.code LIKE :m THEN p.amount ELSE 0 END), 0) "
        "- COALESCE(SUM(CASE WHEN d.code LIKE :m THEN p.amount ELSE 0 END), 0) "
        "FROM postings p JOIN transactions t ON t.id = p.transaction_id "
        "JOIN accounts c ON c.id = p.credit_account_id "
        "JOIN accounts d ON d.id = p.debit_account_id "
        "WHERE t.kind IN ('dispute_recovery', 'dispute_restore')"), {"m": accounts}) or 0)


def books_balance(app: Flask, actors: Actors) -> int:
    """Per-asset totals, the merchants' earnings against their business rows (less what
    chargebacks took back from them), no forbidden negative, and ``ledger verify``; returns
    the credits chargebacks recovered from merchants."""
    with app.app_context():
        session = db.session()
        totals = session.execute(text(
            "SELECT a.asset, SUM(b.balance) FROM account_balances b "
            "JOIN accounts a ON a.id = b.account_id GROUP BY a.asset")).all()
        assert all(total == 0 for _, total in totals), totals
        negative = session.scalar(text(
            "SELECT COUNT(*) FROM account_balances WHERE NOT allow_negative AND balance < 0"))
        assert negative == 0
        taken = 0
        recoveries = session.scalars(select(LedgerTransaction.meta)
                                     .where(LedgerTransaction.kind == "dispute_recovery")).all()
        for shop in actors.shops:
            accounts = f"merchant:{shop.id}:%"  # pending, available, in transit, reserve, debt
            earned = session.scalar(text(
                "SELECT COALESCE(SUM(b.balance), 0) FROM account_balances b JOIN accounts a "
                "ON a.id = b.account_id WHERE a.code LIKE :m"), {"m": accounts})
            disputed = dispute_moves(session, accounts)
            recovered = sum(int(meta["credits"]) for meta in recoveries
                            if meta.get("merchant_id") == shop.id)
            assert disputed == -recovered, (shop.id, disputed, recovered)
            sold = session.scalar(select(func.coalesce(
                func.sum(Purchase.amount - Purchase.refunded), 0))
                .where(Purchase.merchant_id == shop.id))
            redeemed = session.scalar(select(func.coalesce(func.sum(VoucherRedemption.amount), 0))
                                      .where(VoucherRedemption.merchant_id == shop.id))
            assert earned == int(sold or 0) + int(redeemed or 0) + disputed, shop.id
            taken += recovered
        refunded = session.execute(text(
            "SELECT p.id FROM purchases p LEFT JOIN refunds r ON r.purchase_id = p.id "
            "GROUP BY p.id, p.refunded, p.amount "
            "HAVING p.refunded <> COALESCE(SUM(r.amount), 0) OR p.refunded > p.amount")).all()
        assert not refunded
    runner = app.test_cli_runner()
    sealed = runner.invoke(args=["ledger", "seal"])
    assert sealed.exit_code == 0, sealed.output
    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0, verified.output
    return taken
