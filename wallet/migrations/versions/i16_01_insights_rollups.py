"""insights: daily rollups (days, facets, buyer bitmaps and buyer numbers) and their watermark; purchases and refunds
indexed by (merchant, created_at) for the live tail after the watermark

Revision ID: i16_01
Revises: i12b_01
Create Date: 2026-12-01 10:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i16_01'
down_revision = 'i12b_01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('insights_watermark',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_insights_watermark'))
    )
    op.create_table('insights_daily',
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('app_id', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    *(sa.Column(name, sa.BigInteger(), nullable=False) for name in (
        'purchases', 'credits', 'refunds', 'refunded_credits', 'redemptions',
        'redeemed_credits', 'voids', 'voided_credits')),
    sa.PrimaryKeyConstraint('merchant_id', 'app_id', 'day', name=op.f('pk_insights_daily'))
    )
    op.create_table('insights_facets',
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('app_id', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('facet', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=500), nullable=False),
    sa.Column('purchases', sa.BigInteger(), nullable=False),
    sa.Column('credits', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('merchant_id', 'app_id', 'day', 'facet', 'key',
                            name=op.f('pk_insights_facets'))
    )
    op.create_table('insights_buyer_index',
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.String(length=40), nullable=False),
    sa.Column('idx', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('merchant_id', 'user_id', name=op.f('pk_insights_buyer_index')),
    sa.UniqueConstraint('merchant_id', 'idx', name='uq_insights_buyer_idx')
    )
    op.create_table('insights_buyer_sets',
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('app_id', sa.String(length=40), nullable=False),
    sa.Column('grain', sa.String(length=1), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('buyers', sa.LargeBinary(), nullable=False),
    sa.Column('repeaters', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('merchant_id', 'app_id', 'grain', 'period',
                            name=op.f('pk_insights_buyer_sets'))
    )
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.create_index('ix_purchases_merchant_created', ['merchant_id', 'created_at'],
                              unique=False)
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('ix_refunds_merchant_created', ['merchant_id', 'created_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_merchant_created')
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.drop_index('ix_purchases_merchant_created')
    op.drop_table('insights_buyer_sets')
    op.drop_table('insights_buyer_index')
    op.drop_table('insights_facets')
    op.drop_table('insights_daily')
    op.drop_table('insights_watermark')
