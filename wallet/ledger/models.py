"""Ledger tables: accounts, their balance rows, transactions and postings.

A posting moves a positive ``amount`` of one asset from ``debit_account_id``
to ``credit_account_id``. Every transaction therefore sums to zero per asset
by construction, and the database enforces it: the amount is CHECKed
positive, and composite foreign keys on ``(account_id, asset)`` make both
accounts hold the posting's asset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, utcnow


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("id", "asset", name="id_asset"),
        CheckConstraint("shards >= 1 AND shards <= 256", name="shards_range"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    asset: Mapped[str] = mapped_column(String(16))
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=False)
    shards: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccountBalance(Base):
    """One balance row of an account; hot accounts have several (shards)."""

    __tablename__ = "account_balances"
    __table_args__ = (
        CheckConstraint("allow_negative OR balance >= 0", name="no_overdraft"),
        CheckConstraint("allow_positive OR balance <= 0", name="owe_only"),
        # room on each page for in-place (HOT) updates: migration i12b_01
        {"postgresql_with": {"fillfactor": 70}},
    )

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id"), primary_key=True, autoincrement=False
    )
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=False)
    # False on accounts that may only owe (merchant debt): the balance stays <= 0.
    allow_positive: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class LedgerTransaction(Base):
    """An immutable journal entry; corrections are new, linked transactions."""

    __tablename__ = "transactions"
    __table_args__ = (
        # Only the few transactions that reverse another are indexed (refunds,
        # reversals): every posting inserts a transaction, and an index entry for
        # each NULL would be one more index page written per posting (migration
        # i12c_ledger_01). ``reverses_id = :x`` implies NOT NULL, so both engines
        # use it for lookups.
        Index("ix_transactions_reverses_id", "reverses_id",
              sqlite_where=text("reverses_id IS NOT NULL"),
              postgresql_where=text("reverses_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    reference: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    # The transaction this one reverses, in full or in part (refunds).
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("transactions.id"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Posting(Base):
    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive_amount"),
        CheckConstraint("debit_account_id <> credit_account_id", name="distinct_accounts"),
        ForeignKeyConstraint(
            ["debit_account_id", "asset"], ["accounts.id", "accounts.asset"],
            name="fk_postings_debit_asset",
        ),
        ForeignKeyConstraint(
            ["credit_account_id", "asset"], ["accounts.id", "accounts.asset"],
            name="fk_postings_credit_asset",
        ),
        Index("ix_postings_debit_account", "debit_account_id", "transaction_id"),
        Index("ix_postings_credit_account", "credit_account_id", "transaction_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id"), index=True)
    debit_account_id: Mapped[int] = mapped_column(BigInteger)
    credit_account_id: Mapped[int] = mapped_column(BigInteger)
    asset: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)


class JournalSeal(Base):
    """The place of a transaction in the hash chain, written by ``ledger seal``."""

    __tablename__ = "journal_seals"

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=False)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id"), unique=True)
    chain_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerCheckpoint(Base):
    """A signed statement: the chain up to ``upto_seq`` hashes to ``chain_hash``."""

    __tablename__ = "ledger_checkpoints"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    upto_seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    chain_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
