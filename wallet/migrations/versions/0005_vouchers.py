"""vouchers: signing keys, campaigns, vouchers, redemptions, manual-code throttles

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-21 13:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger()


def upgrade():
    op.create_table('voucher_keys',
    sa.Column('kid', sa.String(length=8), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('encrypted_private_key', sa.LargeBinary(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('active', 'retired', 'revoked')", name=op.f('ck_voucher_keys_status')),
    sa.PrimaryKeyConstraint('kid', name=op.f('pk_voucher_keys'))
    )
    op.create_table('voucher_campaigns',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('funding', sa.String(length=12), nullable=False),
    sa.Column('voucher_count', sa.Integer(), nullable=False),
    sa.Column('value', BIGINT, nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('transaction_id', BIGINT, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("funding IN ('promotion', 'gift_card')", name=op.f('ck_voucher_campaigns_funding')),
    sa.CheckConstraint('voucher_count > 0 AND value > 0', name=op.f('ck_voucher_campaigns_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_campaigns'))
    )
    op.create_table('voucher_code_throttles',
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_voucher_code_throttles'))
    )
    op.create_table('vouchers',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('body_id', sa.String(length=32), nullable=False),
    sa.Column('kid', sa.String(length=8), nullable=False),
    sa.Column('value', BIGINT, nullable=False),
    sa.Column('remaining', BIGINT, nullable=False),
    sa.Column('flags', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('funding', sa.String(length=12), nullable=False),
    sa.Column('funder_user_id', sa.String(length=40), nullable=True),
    sa.Column('campaign_id', sa.String(length=40), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('active', 'redeemed', 'claimed', 'revoked', 'expired')", name=op.f('ck_vouchers_status')),
    sa.CheckConstraint("funding IN ('user', 'promotion', 'gift_card')", name=op.f('ck_vouchers_funding')),
    sa.CheckConstraint('value > 0 AND remaining >= 0 AND remaining <= value', name=op.f('ck_vouchers_remaining')),
    sa.CheckConstraint("funding <> 'user' OR funder_user_id IS NOT NULL", name=op.f('ck_vouchers_user_funder')),
    sa.ForeignKeyConstraint(['kid'], ['voucher_keys.kid'], name=op.f('fk_vouchers_kid_voucher_keys')),
    sa.ForeignKeyConstraint(['funder_user_id'], ['users.id'], name=op.f('fk_vouchers_funder_user_id_users')),
    sa.ForeignKeyConstraint(['campaign_id'], ['voucher_campaigns.id'], name=op.f('fk_vouchers_campaign_id_voucher_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vouchers')),
    sa.UniqueConstraint('body_id', name=op.f('uq_vouchers_body_id')),
    sa.UniqueConstraint('code_digest', name=op.f('uq_vouchers_code_digest'))
    )
    op.create_index('ix_vouchers_status_expires_at', 'vouchers', ['status', 'expires_at'], unique=False)
    op.create_index(op.f('ix_vouchers_funder_user_id'), 'vouchers', ['funder_user_id'], unique=False)
    op.create_index(op.f('ix_vouchers_campaign_id'), 'vouchers', ['campaign_id'], unique=False)
    op.create_table('voucher_redemptions',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('voucher_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('amount', BIGINT, nullable=False),
    sa.Column('remaining_after', BIGINT, nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=True),
    sa.Column('counter_id', sa.String(length=40), nullable=True),
    sa.Column('user_id', sa.String(length=40), nullable=True),
    sa.Column('transaction_id', BIGINT, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_voucher_redemptions_positive_amount')),
    sa.CheckConstraint("kind IN ('redeem', 'claim')", name=op.f('ck_voucher_redemptions_kind')),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'], name=op.f('fk_voucher_redemptions_voucher_id_vouchers')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_voucher_redemptions_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_voucher_redemptions_counter_id_counters')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_voucher_redemptions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_redemptions'))
    )
    op.create_index(op.f('ix_voucher_redemptions_voucher_id'), 'voucher_redemptions', ['voucher_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_voucher_redemptions_voucher_id'), table_name='voucher_redemptions')
    op.drop_table('voucher_redemptions')
    op.drop_index(op.f('ix_vouchers_campaign_id'), table_name='vouchers')
    op.drop_index(op.f('ix_vouchers_funder_user_id'), table_name='vouchers')
    op.drop_index('ix_vouchers_status_expires_at', table_name='vouchers')
    op.drop_table('vouchers')
    op.drop_table('voucher_code_throttles')
    op.drop_table('voucher_campaigns')
    op.drop_table('voucher_keys')
