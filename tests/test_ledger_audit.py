"""``ledger seal`` / ``ledger verify``: clean ledgers pass, tampering is caught."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import text

from wallet.cli import ledger_signing_key
from wallet.db import db
from wallet.ledger import audit, chart, core
from wallet.ledger.core import Move


def _seed(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING).id
        alice = chart.user_account(session, "usr_alice").id
        shop = chart.merchant_account(session, "mer_shop", chart.Kind.MERCHANT_PENDING).id
        core.post(session, reference="topup", kind="topup",
                  moves=[Move(debit=clearing, credit=alice, amount=100)],
                  metadata={"provider": "sandbox"})
        for i in range(5):
            core.post(session, reference=f"buy:{i}", kind="purchase",
                      moves=[Move(debit=alice, credit=shop, amount=3)])
        db.session.commit()


def _run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def test_clean_ledger_seals_and_verifies(committed_app: Flask) -> None:
    _seed(committed_app)
    code, output = _run(committed_app, "ledger", "verify", "--json")
    assert code == 0, output
    assert json.loads(output)["unsealed"] == 6
    code, output = _run(committed_app, "ledger", "seal")
    assert code == 0, output
    assert "sealed 6 transactions" in output
    code, output = _run(committed_app, "ledger", "verify", "--json")
    report = json.loads(output)
    assert code == 0
    assert report["ok"] and report["sealed"] == 6 and report["checkpoints"] == 1
    code, output = _run(committed_app, "ledger", "seal")
    assert "sealed 0 transactions" in output


TAMPERING: dict[str, tuple[str, str]] = {
    "posting amount changed": (
        "UPDATE postings SET amount = amount + 1 WHERE id = (SELECT min(id) FROM postings)",
        "stored balance",
    ),
    "balance row changed": (
        "UPDATE account_balances SET balance = balance + 5 "
        "WHERE account_id = (SELECT min(account_id) FROM account_balances)",
        "stored balance",
    ),
    "metadata changed": (
        "UPDATE transactions SET metadata = '{\"provider\": \"forged\"}' "
        "WHERE reference = 'topup'",
        "altered after it was sealed",
    ),
    "posting moved to another account": (
        "UPDATE postings SET credit_account_id = "
        "(SELECT id FROM accounts WHERE code = 'platform:topup_clearing') "
        "WHERE id = (SELECT max(id) FROM postings)",
        "stored balance",
    ),
    "transaction deleted": (
        "DELETE FROM postings WHERE transaction_id = (SELECT max(id) FROM transactions);"
        "DELETE FROM journal_seals WHERE transaction_id = (SELECT max(id) FROM transactions);"
        "DELETE FROM transactions WHERE id = (SELECT max(id) FROM transactions)",
        "stored balance",
    ),
    "seal deleted": (
        "DELETE FROM journal_seals WHERE seq = 2",
        "gap",
    ),
    "checkpoint forged": (
        "UPDATE ledger_checkpoints SET upto_seq = upto_seq - 1",
        "checkpoint",
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampering_is_caught(committed_app: Flask, case: str) -> None:
    _seed(committed_app)
    assert _run(committed_app, "ledger", "seal")[0] == 0
    sql, expected = TAMPERING[case]
    with committed_app.app_context():
        with db.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            else:  # an attacker with the database owner's rights
                conn.exec_driver_sql("SET session_replication_role = replica")
            for statement in sql.split(";"):
                conn.execute(text(statement))
        db.engine.dispose()
    code, output = _run(committed_app, "ledger", "verify")
    assert code == 1, output
    assert "ledger FAILED" in output
    assert expected in output


def test_verify_rejects_checkpoints_of_another_key(committed_app: Flask) -> None:
    _seed(committed_app)
    with committed_app.app_context():
        audit.seal_batch(db.session, audit.Ed25519PrivateKey.generate())
        db.session.commit()
        report = audit.verify(db.session, ledger_signing_key(committed_app).public_key())
    assert not report.ok
    assert "unknown key" in report.problems[0]


def test_seal_picks_up_late_commits(committed_app: Flask) -> None:
    """A transaction with a lower id that commits after a seal is chained next time."""
    _seed(committed_app)
    key = ledger_signing_key(committed_app)
    with committed_app.app_context():
        audit.seal_batch(db.session, key)
        db.session.commit()
        session = db.session()
        clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING).id
        bob: Callable[[], int] = lambda: chart.user_account(session, "usr_bob").id  # noqa: E731
        core.post(session, reference="late", kind="topup",
                  moves=[Move(debit=clearing, credit=bob(), amount=1)])
        db.session.commit()
        assert audit.seal_batch(db.session, key).sealed == 1
        db.session.commit()
        assert audit.verify(db.session, key.public_key()).ok
