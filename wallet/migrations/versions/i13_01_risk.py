"""risk: KYC and bank history, reserves, reviews, audit records; accounts that may only owe (merchant debt)

Revision ID: i13_01
Revises: i16_01
Create Date: 2026-12-01 10:56:18.689724

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i13_01'
down_revision = 'i16_01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('risk_audit_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('subject_id', sa.String(length=60), nullable=False),
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_audit_records'))
    )
    with op.batch_alter_table('risk_audit_records', schema=None) as batch_op:
        batch_op.create_index('ix_risk_audit_records_subject', ['subject_id', 'created_at'], unique=False)

    op.create_table('risk_bank_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('iban_last4', sa.String(length=4), nullable=False),
    sa.Column('holder_name', sa.String(length=70), nullable=False),
    sa.Column('previous_iban_last4', sa.String(length=4), nullable=True),
    sa.Column('previous_holder_name', sa.String(length=70), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('locked_until >= created_at', name=op.f('ck_risk_bank_changes_lock_after_change')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_risk_bank_changes_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_bank_changes'))
    )
    with op.batch_alter_table('risk_bank_changes', schema=None) as batch_op:
        batch_op.create_index('ix_risk_bank_changes_merchant_created', ['merchant_id', 'created_at'], unique=False)

    op.create_table('risk_kyc_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'verified', 'rejected')", name=op.f('ck_risk_kyc_events_status')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_risk_kyc_events_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_kyc_events'))
    )
    with op.batch_alter_table('risk_kyc_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_kyc_events_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('risk_merchant_settings',
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('reserve_percent', sa.Integer(), nullable=False),
    sa.Column('reserve_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('reserve_days >= 0', name=op.f('ck_risk_merchant_settings_reserve_days')),
    sa.CheckConstraint('reserve_percent >= 0 AND reserve_percent <= 100', name=op.f('ck_risk_merchant_settings_reserve_percent')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_risk_merchant_settings_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('merchant_id', name=op.f('pk_risk_merchant_settings'))
    )
    op.create_table('risk_reviews',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'open') = (decided_at IS NULL)", name=op.f('ck_risk_reviews_decided')),
    sa.CheckConstraint("status IN ('open', 'approved', 'rejected')", name=op.f('ck_risk_reviews_status')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_risk_reviews_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_reviews'))
    )
    with op.batch_alter_table('risk_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_risk_reviews_merchant_status', ['merchant_id', 'status'], unique=False)

    with op.batch_alter_table('account_balances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_positive', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.create_check_constraint('owe_only', 'allow_positive OR balance <= 0')

    with op.batch_alter_table('topups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispute_won_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('topups', schema=None) as batch_op:
        batch_op.drop_column('dispute_won_at')

    with op.batch_alter_table('account_balances', schema=None) as batch_op:
        batch_op.drop_constraint('ck_account_balances_owe_only', type_='check')
        batch_op.drop_column('allow_positive')

    with op.batch_alter_table('risk_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_reviews_merchant_status')

    op.drop_table('risk_reviews')
    op.drop_table('risk_merchant_settings')
    with op.batch_alter_table('risk_kyc_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_kyc_events_merchant_id'))

    op.drop_table('risk_kyc_events')
    with op.batch_alter_table('risk_bank_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_bank_changes_merchant_created')

    op.drop_table('risk_bank_changes')
    with op.batch_alter_table('risk_audit_records', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_audit_records_subject')

    op.drop_table('risk_audit_records')
