"""Many writers at once on one ledger: no lost update, no overdraft, no deadlock."""

from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from wallet.db import db
from wallet.ledger import audit, chart, core
from wallet.ledger.core import Move
from wallet.ledger.errors import InsufficientFunds
from wallet.ledger.models import LedgerTransaction

THREADS = 16
TRANSFERS_PER_THREAD = 200
START_BALANCE = 300


def _setup(app: Flask) -> tuple[list[int], int, int]:
    with app.app_context():
        session = db.session()
        clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING).id
        users = [chart.user_account(session, f"usr_{i}").id for i in range(4)]
        hot = chart.merchant_account(session, "mer_hot", chart.Kind.MERCHANT_PENDING).id
        for i, account in enumerate(users):
            core.post(session, reference=f"seed:{i}", kind="topup",
                      moves=[Move(debit=clearing, credit=account, amount=START_BALANCE)])
        db.session.commit()
        return users, hot, clearing


@pytest.mark.slow
def test_concurrent_random_transfers_with_a_hot_account(committed_app: Flask) -> None:
    users, hot, clearing = _setup(committed_app)
    participants = [*users, hot]
    outcomes: Counter[str] = Counter()
    successes: list[str] = []
    unexpected: list[BaseException] = []
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        with committed_app.app_context():
            for n in range(TRANSFERS_PER_THREAD):
                debit, credit = rng.sample(participants, 2)
                if rng.random() < 0.5:  # half of all transfers pay the hot account
                    debit, credit = rng.choice(users), hot
                amount = rng.randint(1, 120)
                reference = f"t:{seed}:{n}"
                try:
                    core.post(db.session, reference=reference, kind="transfer",
                              moves=[Move(debit=debit, credit=credit, amount=amount)])
                    db.session.commit()
                    outcome = "ok"
                except InsufficientFunds:
                    db.session.rollback()
                    outcome = "insufficient"
                except DBAPIError as exc:  # a deadlock or lock timeout would land here
                    db.session.rollback()
                    with lock:
                        unexpected.append(exc)
                    outcome = "error"
                with lock:
                    outcomes[outcome] += 1
                    if outcome == "ok":
                        successes.append(reference)
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    assert not unexpected, f"database errors leaked: {unexpected[:3]}"
    assert outcomes["ok"] + outcomes["insufficient"] == THREADS * TRANSFERS_PER_THREAD
    assert outcomes["insufficient"] > 0, "the test should exercise overdraft attempts"

    with committed_app.app_context():
        session = db.session()
        balances = core.balances(session, [*participants, clearing])
        assert all(balances[a] >= 0 for a in participants)
        assert sum(balances.values()) == 0
        assert sum(balances[a] for a in participants) == len(users) * START_BALANCE
        references = set(session.scalars(
            select(LedgerTransaction.reference).where(LedgerTransaction.kind == "transfer")
        ))
        assert references == set(successes)
        assert session.scalar(select(func.count()).select_from(LedgerTransaction)) == (
            len(successes) + len(users)
        )
        report = audit.verify(session, audit.Ed25519PrivateKey.generate().public_key())
        assert report.ok, report.problems


@pytest.mark.slow
def test_concurrent_sealers_never_fork_the_chain(committed_app: Flask) -> None:
    users, _, clearing = _setup(committed_app)
    with committed_app.app_context():
        for i in range(300):
            core.post(db.session, reference=f"extra:{i}", kind="topup",
                      moves=[Move(debit=clearing, credit=users[i % 4], amount=1)])
        db.session.commit()
    from wallet.cli import ledger_signing_key

    key = ledger_signing_key(committed_app)
    errors: list[BaseException] = []

    def sealer() -> None:
        with committed_app.app_context():
            try:
                while True:
                    result = audit.seal_batch(db.session, key, limit=37)
                    db.session.commit()
                    if result.sealed == 0:
                        break
            except BaseException as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sealer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors
    with committed_app.app_context():
        report = audit.verify(db.session, key.public_key())
        assert report.ok, report.problems
        assert report.sealed == report.transactions == 304
