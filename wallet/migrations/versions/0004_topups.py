"""top-ups: checkouts, processed provider events, shortfalls

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-21 13:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
STATUSES = "status IN ('created', 'pending', 'succeeded', 'failed', 'held', 'refunded', 'charged_back')"


def upgrade():
    op.create_table('topups',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.String(length=40), nullable=False),
    sa.Column('pack_id', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('price_minor', sa.BigInteger(), nullable=False),
    sa.Column('credits', sa.BigInteger(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('provider_ref', sa.String(length=255), nullable=True),
    sa.Column('checkout_url', sa.String(length=2000), nullable=True),
    sa.Column('payment_ref', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.Column('refunded_minor', sa.BigInteger(), nullable=False),
    sa.Column('disputed_minor', sa.BigInteger(), nullable=False),
    sa.Column('failure_code', sa.String(length=60), nullable=True),
    sa.Column('failure_message', sa.String(length=500), nullable=True),
    sa.Column('hold_reason', sa.String(length=60), nullable=True),
    sa.Column('credited', sa.BigInteger(), nullable=False),
    sa.Column('clawed_back', sa.BigInteger(), nullable=False),
    sa.Column('shortfall', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(STATUSES, name=op.f('ck_topups_status')),
    sa.CheckConstraint('price_minor > 0 AND credits > 0', name=op.f('ck_topups_positive_amounts')),
    sa.CheckConstraint(
        'refunded_minor >= 0 AND disputed_minor >= 0 AND credited >= 0 '
        'AND clawed_back >= 0 AND shortfall >= 0',
        name=op.f('ck_topups_non_negative_facts'),
    ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_topups_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topups')),
    sa.UniqueConstraint('provider', 'provider_ref', name='uq_topups_provider_ref'),
    )
    op.create_index('ix_topups_user_created', 'topups', ['user_id', 'created_at'], unique=False)
    op.create_index('ix_topups_payment_ref', 'topups', ['provider', 'payment_ref'], unique=False)

    op.create_table('topup_events',
    sa.Column('id', BIGINT_PK, nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('raw_type', sa.String(length=100), nullable=False),
    sa.Column('topup_id', sa.String(length=40), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('event_created', sa.BigInteger(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topup_events')),
    sa.UniqueConstraint('provider', 'event_id', name='uq_topup_events_provider_event'),
    )
    op.create_index(op.f('ix_topup_events_topup_id'), 'topup_events', ['topup_id'], unique=False)

    op.create_table('topup_shortfalls',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.String(length=40), nullable=False),
    sa.Column('topup_id', sa.String(length=40), nullable=False),
    sa.Column('credits', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'collected', 'written_off')",
                       name=op.f('ck_topup_shortfalls_status')),
    sa.CheckConstraint('credits > 0', name=op.f('ck_topup_shortfalls_positive_credits')),
    sa.ForeignKeyConstraint(['topup_id'], ['topups.id'],
                            name=op.f('fk_topup_shortfalls_topup_id_topups')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_topup_shortfalls_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topup_shortfalls')),
    )
    op.create_index('ix_topup_shortfalls_user_status', 'topup_shortfalls',
                    ['user_id', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_topup_shortfalls_user_status', table_name='topup_shortfalls')
    op.drop_table('topup_shortfalls')
    op.drop_index(op.f('ix_topup_events_topup_id'), table_name='topup_events')
    op.drop_table('topup_events')
    op.drop_index('ix_topups_payment_ref', table_name='topups')
    op.drop_index('ix_topups_user_created', table_name='topups')
    op.drop_table('topups')
