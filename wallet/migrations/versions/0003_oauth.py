"""oauth grants, tokens and authorization codes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 13:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "oauth_grants",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("per_purchase_cap", sa.BigInteger(), nullable=True),
        sa.Column("daily_cap", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("per_purchase_cap IS NULL OR per_purchase_cap > 0",
                           name=op.f("ck_oauth_grants_per_purchase_cap_positive")),
        sa.CheckConstraint("daily_cap IS NULL OR daily_cap > 0",
                           name=op.f("ck_oauth_grants_daily_cap_positive")),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"],
                                name=op.f("fk_oauth_grants_app_id_apps")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_oauth_grants_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_grants")),
        sa.UniqueConstraint("user_id", "app_id", name="user_app"),
    )
    op.create_index(op.f("ix_oauth_grants_user_id"), "oauth_grants", ["user_id"])
    op.create_index(op.f("ix_oauth_grants_app_id"), "oauth_grants", ["app_id"])
    op.create_table(
        "oauth_tokens",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("grant_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("access_digest", sa.String(length=64), nullable=False),
        sa.Column("refresh_digest", sa.String(length=64), nullable=True),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refresh_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["grant_id"], ["oauth_grants.id"],
                                name=op.f("fk_oauth_tokens_grant_id_oauth_grants")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_oauth_tokens_user_id_users")),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"],
                                name=op.f("fk_oauth_tokens_app_id_apps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_tokens")),
        sa.UniqueConstraint("access_digest", name=op.f("uq_oauth_tokens_access_digest")),
        sa.UniqueConstraint("refresh_digest", name=op.f("uq_oauth_tokens_refresh_digest")),
    )
    op.create_index(op.f("ix_oauth_tokens_grant_id"), "oauth_tokens", ["grant_id"])
    op.create_table(
        "oauth_codes",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("code_challenge_method", sa.String(length=10), nullable=False),
        sa.Column("per_purchase_cap", sa.BigInteger(), nullable=True),
        sa.Column("daily_cap", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"],
                                name=op.f("fk_oauth_codes_app_id_apps")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_oauth_codes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_codes")),
        sa.UniqueConstraint("code_digest", name=op.f("uq_oauth_codes_code_digest")),
    )


def downgrade():
    op.drop_table("oauth_codes")
    op.drop_index(op.f("ix_oauth_tokens_grant_id"), table_name="oauth_tokens")
    op.drop_table("oauth_tokens")
    op.drop_index(op.f("ix_oauth_grants_app_id"), table_name="oauth_grants")
    op.drop_index(op.f("ix_oauth_grants_user_id"), table_name="oauth_grants")
    op.drop_table("oauth_grants")
