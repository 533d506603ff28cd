"""index only the transactions that reverse another (refunds, reversals)

Every posting inserts a transaction, nearly always with ``reverses_id`` NULL, and the
full index wrote an entry (an index page, on SQLite a WAL frame) for each of them.
The partial index holds only the non-NULL ones; ``reverses_id = :x`` implies NOT NULL,
so lookups by the transaction reversed use it on both engines (benchmarks/README.md,
"Session 4: the ledger post").

Revision ID: i12c_ledger_01
Revises: i15_02_autoreload
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i12c_ledger_01'
down_revision = 'i15_02_autoreload'
branch_labels = None
depends_on = None

WHERE = sa.text("reverses_id IS NOT NULL")


def upgrade():
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_transactions_reverses_id')
        batch_op.create_index('ix_transactions_reverses_id', ['reverses_id'], unique=False,
                              sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade():
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_transactions_reverses_id')
        batch_op.create_index('ix_transactions_reverses_id', ['reverses_id'], unique=False)
