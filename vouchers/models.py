"""Voucher tables: signing keys, vouchers, campaigns, redemptions.

A voucher row is the server's half of a signed QR: the signed body says what the voucher is
worth; the row says what is left (``remaining``), who funded it and whether it is still live.
``remaining`` only ever shrinks, by a conditional ``UPDATE … WHERE remaining >= :amount``
(see ``vouchers.service``), so no race can spend a voucher twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, UTCDateTime, utcnow

KEY_STATUSES = ("active", "retired", "revoked")
VOUCHER_STATUSES = ("active", "redeemed", "claimed", "revoked", "expired")
FUNDINGS = ("user", "promotion", "gift_card")


class VoucherKey(Base):
    """An Ed25519 voucher signing key; the private seed is AES-GCM encrypted under the KEK."""

    __tablename__ = "voucher_keys"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'retired', 'revoked')", name="status"),
    )

    kid: Mapped[str] = mapped_column(String(8), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary(64))
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class VoucherCampaign(Base):
    """A batch of operator-issued vouchers of one value, funded as promotion or gift cards."""

    __tablename__ = "voucher_campaigns"
    __table_args__ = (
        CheckConstraint("funding IN ('promotion', 'gift_card')", name="funding"),
        CheckConstraint("voucher_count > 0 AND value > 0", name="positive"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    funding: Mapped[str] = mapped_column(String(12))
    voucher_count: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    transaction_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Voucher(Base):
    __tablename__ = "vouchers"
    __table_args__ = (
        CheckConstraint(
            "status IN ('active', 'redeemed', 'claimed', 'revoked', 'expired')", name="status"
        ),
        CheckConstraint("funding IN ('user', 'promotion', 'gift_card')", name="funding"),
        CheckConstraint("value > 0 AND remaining >= 0 AND remaining <= value", name="remaining"),
        CheckConstraint("funding <> 'user' OR funder_user_id IS NOT NULL", name="user_funder"),
        Index("ix_vouchers_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The 128-bit id inside the signed body, as 32 lowercase hex characters.
    body_id: Mapped[str] = mapped_column(String(32), unique=True)
    kid: Mapped[str] = mapped_column(ForeignKey("voucher_keys.kid"))
    value: Mapped[int] = mapped_column(BigInteger)
    remaining: Mapped[int] = mapped_column(BigInteger)
    flags: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="active")
    funding: Mapped[str] = mapped_column(String(12))
    funder_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id"), index=True, default=None
    )
    campaign_id: Mapped[str | None] = mapped_column(
        ForeignKey("voucher_campaigns.id"), index=True, default=None
    )
    payload: Mapped[str] = mapped_column(Text)
    # SHA-256 of the normalised manual code, hex, for look-ups.
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    # The manual code sealed under the KEK (AES-GCM, the voucher id as associated data), so
    # its issuer can see it again; None for vouchers issued before it was kept.
    code_sealed: Mapped[bytes | None] = mapped_column(LargeBinary(64), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class VoucherRedemption(Base):
    """One use of a voucher: a (partial) redemption at a counter, or a claim into a wallet.

    A counter may void its own redemption for a short while (``vouchers.redemptions``):
    ``voided_at`` is set once, and the ledger transaction ``void_transaction_id`` puts the
    value back on the voucher.
    """

    __tablename__ = "voucher_redemptions"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive_amount"),
        CheckConstraint("kind IN ('redeem', 'claim')", name="kind"),
        CheckConstraint("(voided_at IS NULL) = (void_transaction_id IS NULL)", name="void"),
        CheckConstraint("voided_at IS NULL OR kind = 'redeem'", name="void_redeem_only"),
        Index("ix_voucher_redemptions_counter_created", "counter_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    voucher_id: Mapped[str] = mapped_column(ForeignKey("vouchers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[int] = mapped_column(BigInteger)
    remaining_after: Mapped[int] = mapped_column(BigInteger)
    merchant_id: Mapped[str | None] = mapped_column(ForeignKey("merchants.id"), default=None)
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"), default=None)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    transaction_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    void_transaction_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
