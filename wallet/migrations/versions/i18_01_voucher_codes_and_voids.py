"""vouchers: the issuer's manual code kept sealed; voids of counter redemptions

Revision ID: i18_01
Revises: 0007
Create Date: 2026-12-01 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i18_01'
down_revision = 'i14_01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_sealed', sa.LargeBinary(length=64), nullable=True))

    with op.batch_alter_table('voucher_redemptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('void_transaction_id', sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(
            'void', '(voided_at IS NULL) = (void_transaction_id IS NULL)')
        batch_op.create_check_constraint(
            'void_redeem_only', "voided_at IS NULL OR kind = 'redeem'")
        batch_op.create_index('ix_voucher_redemptions_counter_created',
                              ['counter_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('voucher_redemptions', schema=None) as batch_op:
        batch_op.drop_index('ix_voucher_redemptions_counter_created')
        batch_op.drop_constraint('ck_voucher_redemptions_void_redeem_only', type_='check')
        batch_op.drop_constraint('ck_voucher_redemptions_void', type_='check')
        batch_op.drop_column('void_transaction_id')
        batch_op.drop_column('voided_at')

    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.drop_column('code_sealed')
