"""Proving the ledger: seal the journal into a hash chain, and verify everything.

``seal_batch`` appends unsealed transactions to a SHA-256 hash chain and signs
a checkpoint (Ed25519) over the chain head. It runs outside the request path
(CLI, cron) and is safe to run concurrently: PostgreSQL serialises sealers on
an advisory lock, SQLite on its write lock, and the unique sequence numbers
would reject a duplicate anyway.

The chain is in *seal order*: a transaction joins the chain when a sealer
first sees it committed. On PostgreSQL ids are handed out before commit, so a
long transaction can commit after a higher id was sealed; the sealer looks
back ``lookback`` ids below the highest sealed one to pick such stragglers up.

``verify`` recomputes every balance from the postings, checks every posting
and transaction, walks the whole chain and checks every checkpoint signature.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import Table, func, insert, literal, select, text, union_all
from sqlalchemy.orm import Session

from wallet.db import is_postgres, utcnow
from wallet.ledger.models import (
    Account,
    AccountBalance,
    JournalSeal,
    LedgerCheckpoint,
    LedgerTransaction,
    Posting,
)

GENESIS = bytes(32)
CHECKPOINT_DOMAIN = b"wallet-ledger-checkpoint:v1:"
SEAL_LOCK_KEY = 0x57A11E7  # any constant: the advisory lock that serialises sealers

accounts_t = cast(Table, Account.__table__)
balances_t = cast(Table, AccountBalance.__table__)
transactions_t = cast(Table, LedgerTransaction.__table__)
postings_t = cast(Table, Posting.__table__)
seals_t = cast(Table, JournalSeal.__table__)
checkpoints_t = cast(Table, LedgerCheckpoint.__table__)


def transaction_bytes(txn: Any, postings: list[Any]) -> bytes:
    """The canonical bytes of a transaction and its postings, as chained."""
    return json.dumps(
        [
            txn.id, txn.reference, txn.kind, txn.fingerprint, txn._mapping["metadata"],
            txn.reverses_id,
            txn.created_at.isoformat(),
            [[p.id, p.debit_account_id, p.credit_account_id, p.asset, p.amount]
             for p in postings],
        ],
        sort_keys=True, separators=(",", ":"), ensure_ascii=True,
    ).encode()


def chain(previous: bytes, content: bytes) -> bytes:
    return hashlib.sha256(previous + content).digest()


def checkpoint_message(upto_seq: int, chain_hash: bytes) -> bytes:
    return CHECKPOINT_DOMAIN + upto_seq.to_bytes(8, "big") + chain_hash


def public_key_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass
class SealResult:
    sealed: int
    upto_seq: int
    chain_hash: bytes


def seal_batch(
    session: Session, signing_key: Ed25519PrivateKey, *, limit: int = 5000,
    lookback: int = 100_000,
) -> SealResult:
    """Chain up to ``limit`` unsealed transactions and sign a checkpoint."""
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SEAL_LOCK_KEY})
    head = session.execute(
        select(seals_t.c.seq, seals_t.c.chain_hash).order_by(seals_t.c.seq.desc()).limit(1)
    ).first()
    seq, chain_hash = (head.seq, bytes(head.chain_hash)) if head else (0, GENESIS)
    highest = session.execute(select(func.max(seals_t.c.transaction_id))).scalar() or 0
    sealed_ids = select(seals_t.c.transaction_id).where(
        seals_t.c.transaction_id > highest - lookback
    )
    candidates = session.execute(
        select(transactions_t)
        .where(transactions_t.c.id > highest - lookback,
               transactions_t.c.id.not_in(sealed_ids))
        .order_by(transactions_t.c.id)
        .limit(limit)
    ).all()
    if not candidates:
        return SealResult(0, seq, chain_hash)
    postings = _postings_by_transaction(session, [t.id for t in candidates])
    rows = []
    for txn in candidates:
        seq += 1
        chain_hash = chain(chain_hash, transaction_bytes(txn, postings.get(txn.id, [])))
        rows.append({"seq": seq, "transaction_id": txn.id, "chain_hash": chain_hash})
    session.execute(insert(seals_t), rows)
    session.execute(
        insert(checkpoints_t).values(
            upto_seq=seq, chain_hash=chain_hash,
            public_key=public_key_bytes(signing_key),
            signature=signing_key.sign(checkpoint_message(seq, chain_hash)),
            created_at=utcnow(),
        )
    )
    return SealResult(len(rows), seq, chain_hash)


def _postings_by_transaction(session: Session, ids: list[int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for p in session.execute(
        select(postings_t).where(postings_t.c.transaction_id.in_(ids)).order_by(postings_t.c.id)
    ):
        grouped.setdefault(p.transaction_id, []).append(p)
    return grouped


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    accounts: int = 0
    transactions: int = 0
    sealed: int = 0
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unsealed(self) -> int:
        return self.transactions - self.sealed


def verify(
    session: Session, public_key: Ed25519PublicKey, *, batch: int = 2000
) -> VerifyReport:
    """Check balances, postings, the hash chain and the signed checkpoints."""
    report = VerifyReport()
    _check_balances(session, report)
    _check_postings(session, report)
    _check_chain(session, report, batch)
    _check_checkpoints(session, report, public_key)
    return report


def _check_balances(session: Session, report: VerifyReport) -> None:
    movements = union_all(
        select(postings_t.c.credit_account_id.label("account_id"),
               postings_t.c.amount.label("amount")),
        select(postings_t.c.debit_account_id.label("account_id"),
               (literal(0) - postings_t.c.amount).label("amount")),
    ).subquery()
    from_postings = dict(
        session.execute(
            select(movements.c.account_id, func.sum(movements.c.amount))
            .group_by(movements.c.account_id)
        ).all()
    )
    stored = session.execute(
        select(accounts_t.c.id, accounts_t.c.code, accounts_t.c.allow_negative,
               func.coalesce(func.sum(balances_t.c.balance), 0),
               func.count(balances_t.c.shard), accounts_t.c.shards)
        .select_from(accounts_t.outerjoin(balances_t, balances_t.c.account_id == accounts_t.c.id))
        .group_by(accounts_t.c.id, accounts_t.c.code, accounts_t.c.allow_negative,
                  accounts_t.c.shards)
    ).all()
    report.accounts = len(stored)
    known = set()
    for account_id, code, allow_negative, balance, rows, shards in stored:
        known.add(account_id)
        expected = int(from_postings.get(account_id, 0))
        if int(balance) != expected:
            report.problems.append(
                f"account {account_id} ({code}): stored balance {balance} but postings sum "
                f"to {expected}"
            )
        if rows != shards:
            report.problems.append(
                f"account {account_id} ({code}): {rows} balance rows, expected {shards}"
            )
        if not allow_negative and expected < 0:
            report.problems.append(
                f"account {account_id} ({code}): negative balance {expected} on an account "
                "that forbids overdraft"
            )
    for account_id in sorted(set(from_postings) - known):
        report.problems.append(f"postings reference unknown account {account_id}")
    negative_rows = session.execute(
        select(balances_t.c.account_id, balances_t.c.shard, balances_t.c.balance)
        .where(balances_t.c.balance < 0, balances_t.c.allow_negative.is_(False))
    ).all()
    for account_id, shard, value in negative_rows:
        report.problems.append(
            f"account {account_id}: balance row {shard} is negative ({value})"
        )
    _check_owe_only(session, report, from_postings)


def _check_owe_only(session: Session, report: VerifyReport,
                    from_postings: dict[int, Any]) -> None:
    """Accounts that may only owe (merchant debt) never hold credits, and only refunds,
    reversals and disputes make them owe more."""
    from wallet.ledger.chart import DEBT_MAY_GROW_BY, Kind

    owe_only = session.execute(
        select(balances_t.c.account_id).where(balances_t.c.allow_positive.is_(False))
        .distinct()).scalars().all()
    for account_id in owe_only:
        if int(from_postings.get(account_id, 0)) > 0:
            report.problems.append(
                f"account {account_id}: holds credits but may only owe (merchant debt)")
    debt = accounts_t.alias("debt")
    wrong = session.execute(
        select(postings_t.c.id, transactions_t.c.kind)
        .join(transactions_t, transactions_t.c.id == postings_t.c.transaction_id)
        .join(debt, debt.c.id == postings_t.c.debit_account_id)
        .where(debt.c.kind == Kind.MERCHANT_DEBT.value,
               transactions_t.c.kind.not_in(sorted(DEBT_MAY_GROW_BY)))
    ).all()
    for posting_id, kind in wrong:
        report.problems.append(
            f"posting {posting_id}: a {kind} transaction put a merchant into debt (only "
            "refunds, reversals and disputes may)")


def _check_postings(session: Session, report: VerifyReport) -> None:
    debit = accounts_t.alias("debit")
    credit = accounts_t.alias("credit")
    bad = session.execute(
        select(postings_t.c.id, postings_t.c.transaction_id)
        .select_from(
            postings_t.outerjoin(debit, debit.c.id == postings_t.c.debit_account_id)
            .outerjoin(credit, credit.c.id == postings_t.c.credit_account_id)
        )
        .where(
            (postings_t.c.amount <= 0)
            | (postings_t.c.debit_account_id == postings_t.c.credit_account_id)
            | debit.c.asset.is_(None) | credit.c.asset.is_(None)
            | (debit.c.asset != postings_t.c.asset) | (credit.c.asset != postings_t.c.asset)
        )
    ).all()
    for posting_id, txn_id in bad:
        report.problems.append(
            f"posting {posting_id} of transaction {txn_id} is unbalanced (non-positive "
            "amount, same account twice, or an account of another asset)"
        )
    empty = session.execute(
        select(transactions_t.c.id).where(
            ~select(postings_t.c.id)
            .where(postings_t.c.transaction_id == transactions_t.c.id).exists()
        )
    ).scalars().all()
    for txn_id in empty:
        report.problems.append(f"transaction {txn_id} has no postings")
    orphans = session.execute(
        select(postings_t.c.id).where(
            ~select(transactions_t.c.id)
            .where(transactions_t.c.id == postings_t.c.transaction_id).exists()
        )
    ).scalars().all()
    for posting_id in orphans:
        report.problems.append(f"posting {posting_id} belongs to no transaction")
    report.transactions = session.execute(select(func.count(transactions_t.c.id))).scalar_one()


def _iter_seals(session: Session, batch: int) -> Iterator[Any]:
    after = 0
    while True:
        rows = session.execute(
            select(seals_t).where(seals_t.c.seq > after).order_by(seals_t.c.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def _check_chain(session: Session, report: VerifyReport, batch: int) -> None:
    previous, expected_seq = GENESIS, 1
    pending: list[Any] = []

    def flush() -> None:
        nonlocal previous
        ids = [s.transaction_id for s in pending]
        txns = {t.id: t for t in session.execute(
            select(transactions_t).where(transactions_t.c.id.in_(ids))
        )}
        postings = _postings_by_transaction(session, ids)
        for seal in pending:
            txn = txns.get(seal.transaction_id)
            if txn is None:
                report.problems.append(
                    f"seal {seal.seq}: transaction {seal.transaction_id} was deleted"
                )
                previous = bytes(seal.chain_hash)
                continue
            computed = chain(previous, transaction_bytes(txn, postings.get(txn.id, [])))
            if computed != bytes(seal.chain_hash):
                report.problems.append(
                    f"seal {seal.seq}: transaction {txn.id} ({txn.reference}) was altered "
                    "after it was sealed (hash mismatch)"
                )
            previous = bytes(seal.chain_hash)
        pending.clear()

    for seal in _iter_seals(session, batch):
        if seal.seq != expected_seq:
            report.problems.append(f"hash chain has a gap: seal {expected_seq} is missing")
        expected_seq = seal.seq + 1
        report.sealed += 1
        pending.append(seal)
        if len(pending) >= batch:
            flush()
    flush()


def _check_checkpoints(
    session: Session, report: VerifyReport, public_key: Ed25519PublicKey
) -> None:
    trusted = public_key_bytes(public_key)
    seal_hashes = {
        seq: bytes(value) for seq, value in session.execute(
            select(seals_t.c.seq, seals_t.c.chain_hash)
            .join(checkpoints_t, checkpoints_t.c.upto_seq == seals_t.c.seq)
        )
    }
    for cp in session.execute(select(checkpoints_t).order_by(checkpoints_t.c.upto_seq)):
        report.checkpoints += 1
        if bytes(cp.public_key) != trusted:
            report.problems.append(
                f"checkpoint {cp.upto_seq}: signed by an unknown key"
            )
            continue
        try:
            public_key.verify(bytes(cp.signature), checkpoint_message(cp.upto_seq,
                                                                      bytes(cp.chain_hash)))
        except InvalidSignature:
            report.problems.append(f"checkpoint {cp.upto_seq}: signature is invalid")
            continue
        if seal_hashes.get(cp.upto_seq) != bytes(cp.chain_hash):
            report.problems.append(
                f"checkpoint {cp.upto_seq}: the chain no longer hashes to the signed value"
            )
