"""operator console: audit of operator actions (append-only), operator accounts, sessions

Revision ID: i16c_01
Revises: i18_01
Create Date: 2026-12-01 10:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i16c_01'
down_revision = 'i18_01'
branch_labels = None
depends_on = None

APPEND_ONLY_PG = """
CREATE FUNCTION operator_actions_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'operator_actions is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER operator_actions_no_update BEFORE UPDATE OR DELETE ON operator_actions
    FOR EACH ROW EXECUTE FUNCTION operator_actions_append_only();
"""
APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER operator_actions_no_update BEFORE UPDATE ON operator_actions
       BEGIN SELECT RAISE(ABORT, 'operator_actions is append-only'); END""",
    """CREATE TRIGGER operator_actions_no_delete BEFORE DELETE ON operator_actions
       BEGIN SELECT RAISE(ABORT, 'operator_actions is append-only'); END""",
]


def upgrade():
    op.create_table('operator_actions',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('actor_type', sa.String(length=10), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('actor_label', sa.String(length=320), nullable=False),
    sa.Column('action', sa.String(length=120), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("actor_type IN ('key', 'operator', 'cli')",
                       name=op.f('ck_operator_actions_actor_type')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_operator_actions')),
    sa.UniqueConstraint('id', name=op.f('uq_operator_actions_id'))
    )
    with op.batch_alter_table('operator_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_actions_created_at'), ['created_at'],
                              unique=False)
        batch_op.create_index('ix_operator_actions_target', ['target_type', 'target_id'],
                              unique=False)

    op.create_table('operators',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('totp_sealed', sa.LargeBinary(length=128), nullable=False),
    sa.Column('totp_last_step', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operators')),
    sa.UniqueConstraint('email', name=op.f('uq_operators_email'))
    )
    op.create_table('operator_sessions',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('operator_id', sa.String(length=40), nullable=True),
    sa.Column('api_key_id', sa.String(length=40), nullable=True),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(operator_id IS NULL) <> (api_key_id IS NULL)',
                       name=op.f('ck_operator_sessions_one_credential')),
    sa.ForeignKeyConstraint(['api_key_id'], ['api_keys.id'],
                            name=op.f('fk_operator_sessions_api_key_id_api_keys')),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'],
                            name=op.f('fk_operator_sessions_operator_id_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_sessions')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_operator_sessions_token_digest'))
    )
    with op.batch_alter_table('operator_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_sessions_expires_at'), ['expires_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_operator_sessions_operator_id'), ['operator_id'],
                              unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_PG)
    else:
        for statement in APPEND_ONLY_SQLITE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER operator_actions_no_update ON operator_actions')
        op.execute('DROP FUNCTION operator_actions_append_only()')
    else:
        op.execute('DROP TRIGGER operator_actions_no_update')
        op.execute('DROP TRIGGER operator_actions_no_delete')
    op.drop_table('operator_sessions')
    op.drop_table('operators')
    op.drop_table('operator_actions')
