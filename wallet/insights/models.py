"""Daily rollups of a merchant's sales, kept by ``flask --app wallet insights rollup``.

Every row is one UTC day (or month) of one merchant and one app. Redemptions at a
merchant's counters are not in an app: their rows carry ``app_id = ""``. The rollup of
a day is recomputed whole (delete, insert), so running the job twice, or on two nodes,
gives the same rows; ``insights_watermark`` holds the last day rolled up.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, UTCDateTime, utcnow


class InsightsWatermark(Base):
    """The last UTC day whose rollups are complete (one row, ``name = "rollup"``)."""

    __tablename__ = "insights_watermark"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InsightsDaily(Base):
    """Per day: purchases, refunds (by the refund's day), voucher redemptions and voids."""

    __tablename__ = "insights_daily"

    merchant_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    purchases: Mapped[int] = mapped_column(BigInteger)
    credits: Mapped[int] = mapped_column(BigInteger)
    refunds: Mapped[int] = mapped_column(BigInteger)
    refunded_credits: Mapped[int] = mapped_column(BigInteger)
    redemptions: Mapped[int] = mapped_column(BigInteger)
    redeemed_credits: Mapped[int] = mapped_column(BigInteger)
    voids: Mapped[int] = mapped_column(BigInteger)
    voided_credits: Mapped[int] = mapped_column(BigInteger)


class InsightsFacet(Base):
    """Per day, purchases split by one facet: ``hour`` (0-23), ``item`` or ``size`` bucket."""

    __tablename__ = "insights_facets"

    merchant_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    facet: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(500), primary_key=True)
    purchases: Mapped[int] = mapped_column(BigInteger)
    credits: Mapped[int] = mapped_column(BigInteger)


class InsightsBuyerIndex(Base):
    """A merchant's buyers numbered 1, 2, 3 … in the order the rollup first met them."""

    __tablename__ = "insights_buyer_index"
    __table_args__ = (UniqueConstraint("merchant_id", "idx", name="uq_insights_buyer_idx"),)

    merchant_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer)


class InsightsBuyerSet(Base):
    """The buyers of one day (``grain = "D"``) or month (``"M"``, its first day) as Roaring
    bitmaps of their numbers: everyone who bought, and who bought at least twice.

    ``app_id = "*"`` holds the merchant's buyers over all its apps. Counting distinct and
    repeat buyers over any window is then a union of a few dozen bitmaps.
    """

    __tablename__ = "insights_buyer_sets"

    merchant_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    buyers: Mapped[bytes] = mapped_column(LargeBinary)
    repeaters: Mapped[bytes] = mapped_column(LargeBinary)
