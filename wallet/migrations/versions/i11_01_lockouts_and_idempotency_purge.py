"""lockout counters shared by every node; index to purge idempotency keys

Revision ID: i11_01
Revises: 0007
Create Date: 2026-12-01 06:40:00

The manual-code throttle of 0005 (``voucher_code_throttles``) is replaced by the
generic ``attempt_counters`` of ``wallet.web.lockouts``; its rows only hold failure
counts of the last 15 minutes, so nothing is carried over.
"""
from alembic import op
import sqlalchemy as sa


revision = 'i11_01'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attempt_counters',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('in_flight', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_attempt_counters'))
    )
    with op.batch_alter_table('attempt_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_counters_window_started_at'),
                              ['window_started_at'], unique=False)
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_created_at'), ['created_at'],
                              unique=False)
    op.drop_table('voucher_code_throttles')


def downgrade():
    op.create_table('voucher_code_throttles',
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_voucher_code_throttles'))
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_created_at'))
    with op.batch_alter_table('attempt_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_counters_window_started_at'))
    op.drop_table('attempt_counters')
