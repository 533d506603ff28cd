"""promotional credit lots, purchases, refunds, spend counters

Revision ID: 0003b
Revises: 0002
Create Date: 2026-11-21 13:55:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0003b"
down_revision = "0002"
branch_labels = None
depends_on = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "credit_lots",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("credits", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("expired_credits", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("credits > 0", name=op.f("ck_credit_lots_positive_credits")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_credit_lots_account_id_accounts")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_credit_lots_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_lots")),
        sa.UniqueConstraint("account_id", name=op.f("uq_credit_lots_account_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_credit_lots_reference")),
    )
    op.create_index("ix_credit_lots_user_expiry", "credit_lots", ["user_id", "expires_at"])
    op.create_index("ix_credit_lots_expires_at", "credit_lots", ["expires_at"])
    op.create_table(
        "purchases",
        sa.Column("seq", BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("txn_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_purchases_positive_amount")),
        sa.CheckConstraint("refunded >= 0 AND refunded <= amount",
                           name=op.f("ck_purchases_refund_bounds")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_purchases")),
        sa.UniqueConstraint("id", name=op.f("uq_purchases_id")),
        sa.UniqueConstraint("user_id", "app_id", "idempotency_key",
                            name="uq_purchases_user_app_key"),
    )
    op.create_index("ix_purchases_user_seq", "purchases", ["user_id", "seq"])
    op.create_index("ix_purchases_merchant_seq", "purchases", ["merchant_id", "seq"])
    op.create_table(
        "refunds",
        sa.Column("seq", BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("purchase_id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("txn_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_refunds_positive_amount")),
        sa.ForeignKeyConstraint(["purchase_id"], ["purchases.id"],
                                name=op.f("fk_refunds_purchase_id_purchases")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_refunds")),
        sa.UniqueConstraint("id", name=op.f("uq_refunds_id")),
    )
    op.create_index("ix_refunds_purchase_id", "refunds", ["purchase_id"])
    op.create_table(
        "spend_counters",
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("day_total", sa.BigInteger(), nullable=False),
        sa.Column("minute", sa.BigInteger(), nullable=False),
        sa.Column("minute_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "app_id", name=op.f("pk_spend_counters")),
    )


def downgrade():
    op.drop_table("spend_counters")
    op.drop_index("ix_refunds_purchase_id", table_name="refunds")
    op.drop_table("refunds")
    op.drop_index("ix_purchases_merchant_seq", table_name="purchases")
    op.drop_index("ix_purchases_user_seq", table_name="purchases")
    op.drop_table("purchases")
    op.drop_index("ix_credit_lots_expires_at", table_name="credit_lots")
    op.drop_index("ix_credit_lots_user_expiry", table_name="credit_lots")
    op.drop_table("credit_lots")
