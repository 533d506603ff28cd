"""subscriptions: plans, subscriptions and their charges

Revision ID: i15_01
Revises: i16c_01
Create Date: 2026-12-01 10:50:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'i15_01'
down_revision = 'i16c_01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plans',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('merchant_id', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('description', sa.String(length=500), nullable=True),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('interval', sa.String(length=10), nullable=False),
        sa.Column('trial_days', sa.Integer(), nullable=False),
        sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('amount > 0', name=op.f('ck_plans_positive_amount')),
        sa.CheckConstraint("interval IN ('week', 'month', 'year')", name=op.f('ck_plans_interval')),
        sa.CheckConstraint('trial_days >= 0 AND trial_days <= 730', name=op.f('ck_plans_trial_days')),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_plans_merchant_id_merchants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    )
    op.create_index('ix_plans_merchant_created', 'plans', ['merchant_id', 'created_at'], unique=False)
    op.create_table(
        'subscriptions',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.String(length=40), nullable=False),
        sa.Column('plan_id', sa.String(length=40), nullable=False),
        sa.Column('merchant_id', sa.String(length=40), nullable=False),
        sa.Column('app_id', sa.String(length=40), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('anchor', sa.DateTime(timezone=True), nullable=False),
        sa.Column('paid_through', sa.Integer(), nullable=False),
        sa.Column('current_period_start', sa.DateTime(timezone=True), nullable=False),
        sa.Column('current_period_end', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cancel_at_period_end', sa.Boolean(), nullable=False),
        sa.Column('past_due_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('canceled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('trialing', 'active', 'past_due', 'canceled')", name=op.f('ck_subscriptions_status')),
        sa.CheckConstraint('paid_through >= -1', name=op.f('ck_subscriptions_paid_through')),
        sa.CheckConstraint('current_period_end > current_period_start', name=op.f('ck_subscriptions_period')),
        sa.CheckConstraint("(status = 'past_due') = (past_due_since IS NOT NULL)", name=op.f('ck_subscriptions_past_due_since')),
        sa.CheckConstraint("(status = 'canceled') = (canceled_at IS NOT NULL)", name=op.f('ck_subscriptions_canceled_at')),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_subscriptions_plan_id_plans')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subscriptions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions')),
    )
    op.create_index('uq_subscriptions_live_user_plan', 'subscriptions', ['user_id', 'plan_id'], unique=True,
                    sqlite_where=sa.text("status <> 'canceled'"), postgresql_where=sa.text("status <> 'canceled'"))
    op.create_index('ix_subscriptions_due', 'subscriptions', ['current_period_end'], unique=False,
                    sqlite_where=sa.text("status <> 'canceled'"), postgresql_where=sa.text("status <> 'canceled'"))
    op.create_index('ix_subscriptions_merchant_created', 'subscriptions', ['merchant_id', 'created_at'], unique=False)
    op.create_index('ix_subscriptions_user_created', 'subscriptions', ['user_id', 'created_at'], unique=False)
    op.create_table(
        'subscription_charges',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('reference', sa.String(length=120), nullable=False),
        sa.Column('subscription_id', sa.String(length=40), nullable=False),
        sa.Column('merchant_id', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('period', sa.Integer(), nullable=True),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('txn_id', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('period', 'proration', 'proration_refund')", name=op.f('ck_subscription_charges_kind')),
        sa.CheckConstraint('amount > 0', name=op.f('ck_subscription_charges_positive_amount')),
        sa.CheckConstraint("(kind = 'period') = (period IS NOT NULL)", name=op.f('ck_subscription_charges_period')),
        sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_subscription_charges_subscription_id_subscriptions')),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_subscription_charges')),
        sa.UniqueConstraint('reference', name=op.f('uq_subscription_charges_reference')),
    )
    op.create_index('uq_subscription_charges_period', 'subscription_charges', ['subscription_id', 'period'], unique=True,
                    sqlite_where=sa.text("kind = 'period'"), postgresql_where=sa.text("kind = 'period'"))
    op.create_index('ix_subscription_charges_merchant_created', 'subscription_charges', ['merchant_id', 'created_at'], unique=False)


def downgrade():
    op.drop_table('subscription_charges')
    op.drop_table('subscriptions')
    op.drop_table('plans')
