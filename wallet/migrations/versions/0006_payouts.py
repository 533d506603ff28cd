"""payouts: payout accounts (settings, release watermark), batches, payouts

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-21 13:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payout_accounts',
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=True),
    sa.Column('bic', sa.String(length=11), nullable=True),
    sa.Column('holder_name', sa.String(length=70), nullable=True),
    sa.Column('schedule', sa.String(length=10), nullable=False),
    sa.Column('released_upto', sa.BigInteger(), nullable=False),
    sa.Column('payout_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_scheduled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("schedule IN ('weekly', 'monthly', 'manual')", name=op.f('ck_payout_accounts_schedule')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_payout_accounts_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('merchant_id', name=op.f('pk_payout_accounts'))
    )
    op.create_table('payout_batches',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payout_count', sa.Integer(), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('fee_minor', sa.BigInteger(), nullable=False),
    sa.Column('pain001', sa.LargeBinary(), nullable=True),
    sa.Column('csv', sa.Text(), nullable=False),
    sa.Column('pain001_path', sa.String(length=500), nullable=True),
    sa.Column('csv_path', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_batches'))
    )
    op.create_table('payouts',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('batch_id', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('credits', sa.BigInteger(), nullable=False),
    sa.Column('gross_minor', sa.BigInteger(), nullable=False),
    sa.Column('fee_minor', sa.BigInteger(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=True),
    sa.Column('holder_name', sa.String(length=70), nullable=False),
    sa.Column('failure_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'submitted', 'paid', 'failed', 'canceled')", name=op.f('ck_payouts_status')),
    sa.CheckConstraint("origin IN ('run', 'request')", name=op.f('ck_payouts_origin')),
    sa.CheckConstraint('credits > 0 AND amount_minor > 0 AND fee_minor >= 0', name=op.f('ck_payouts_amounts')),
    sa.CheckConstraint('gross_minor = amount_minor + fee_minor', name=op.f('ck_payouts_gross')),
    sa.ForeignKeyConstraint(['batch_id'], ['payout_batches.id'], name=op.f('fk_payouts_batch_id_payout_batches')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_payouts_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts')),
    sa.UniqueConstraint('merchant_id', 'seq', name='merchant_seq')
    )
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payouts_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_payouts_merchant_created', ['merchant_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_payouts_status_batch', ['status', 'batch_id'], unique=False)


def downgrade():
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_index('ix_payouts_status_batch')
        batch_op.drop_index('ix_payouts_merchant_created')
        batch_op.drop_index(batch_op.f('ix_payouts_batch_id'))
    op.drop_table('payouts')
    op.drop_table('payout_batches')
    op.drop_table('payout_accounts')
