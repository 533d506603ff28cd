"""auto-reload rules (a saved card, threshold and pack per person)

Revision ID: i15_02_autoreload
Revises: i12_01_purchase_function
Create Date: 2026-12-01 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i15_02_autoreload'
down_revision = 'i12_01_purchase_function'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'autoreload_rules',
        sa.Column('user_id', sa.String(length=40), nullable=False),
        sa.Column('provider', sa.String(length=20), nullable=False),
        sa.Column('customer_ref', sa.String(length=255), nullable=True),
        sa.Column('setup_ref', sa.String(length=255), nullable=True),
        sa.Column('payment_method_ref', sa.String(length=255), nullable=True),
        sa.Column('card_last4', sa.String(length=4), nullable=True),
        sa.Column('threshold', sa.BigInteger(), nullable=False),
        sa.Column('pack_id', sa.String(length=40), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('armed', sa.Boolean(), nullable=False),
        sa.Column('topup_id', sa.String(length=40), nullable=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_message', sa.String(length=500), nullable=True),
        sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('disabled_reason', sa.String(length=40), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('threshold > 0', name=op.f('ck_autoreload_rules_positive_threshold')),
        sa.CheckConstraint('failures >= 0', name=op.f('ck_autoreload_rules_failures')),
        sa.CheckConstraint('NOT enabled OR payment_method_ref IS NOT NULL',
                           name=op.f('ck_autoreload_rules_card_to_enable')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_autoreload_rules_user_id_users')),
        sa.ForeignKeyConstraint(['topup_id'], ['topups.id'],
                                name=op.f('fk_autoreload_rules_topup_id_topups')),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_autoreload_rules')),
    )
    op.create_index('ix_autoreload_rules_enabled', 'autoreload_rules', ['enabled'], unique=False)


def downgrade():
    op.drop_index('ix_autoreload_rules_enabled', table_name='autoreload_rules')
    op.drop_table('autoreload_rules')
