"""purchase hot path: grant versions for signed access tokens; the purchase function

Revision ID: i12_01_purchase_function
Revises: i13_01
Create Date: 2026-12-01 10:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i12_01_purchase_function'
down_revision = 'i13_01'
branch_labels = None
depends_on = None


# wallet_purchase: one purchase in ONE statement on PostgreSQL (docs/purchases.md,
# "The hot path"). Called in autocommit mode, so the statement is the transaction: a
# refusal RAISEs (SQLSTATE P0001, MESSAGE = the error code, DETAIL = a number for the
# message) and nothing stays; an answer is one row. Writes follow the lock order of
# docs/ledger.md: the reference's advisory lock, balance rows in (account id, shard)
# order, then the rows written after the ledger (purchase, risk counters, the event).
# wallet.purchases.hot calls it; wallet.purchases.service is the same purchase in Python.
PURCHASE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION wallet_purchase(
    p_user text, p_app text, p_merchant text,
    p_grant text, p_grant_version integer, p_token_digest text,
    p_amount bigint, p_description text, p_metadata text,
    p_idempotency_key text, p_fingerprint text, p_reference text,
    p_purchase_id text, p_event_id text,
    p_ledger_metadata text, p_ledger_metadata_canonical text,
    p_per_purchase_cap bigint, p_daily_cap bigint, p_daily_per_app bigint,
    p_velocity bigint, p_now timestamptz,
    p_event_head text, p_event_tail text
) RETURNS TABLE (outcome text, id text, amount bigint, description text,
                 metadata json, balance_after bigint, created_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_frozen boolean;
    v_paid bigint;            -- the paid account
    v_paid_balance bigint := 0;
    v_merchant bigint;        -- the merchant's pending account
    v_shards integer;
    v_shard integer;
    v_asset text;
    v_lot_ids bigint[] := '{}';
    v_lot_balances bigint[] := '{}';
    v_take_ids bigint[] := '{}';
    v_takes bigint[] := '{}';
    v_promo bigint := 0;
    v_remaining bigint;
    v_take bigint;
    v_paid_take bigint;
    v_balance_after bigint;
    v_txn bigint;
    v_moves text := '';
    v_day bigint := floor(extract(epoch FROM p_now) / 86400);
    v_minute bigint := floor(extract(epoch FROM p_now) / 60);
    v_all_minute integer;
    v_app_today bigint;
    v_row record;
    i integer;
BEGIN
    -- the token: still issued, not revoked, its grant live at the token's version
    IF p_token_digest IS NOT NULL THEN
        PERFORM 1 FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id
         WHERE t.access_digest = p_token_digest AND t.revoked_at IS NULL
           AND t.expires_at > p_now AND g.id = p_grant AND g.revoked_at IS NULL
           AND g.version = p_grant_version;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'invalid_token';
        END IF;
    END IF;

    -- the Idempotency-Key: one request at a time, then replay or conflict
    IF NOT pg_try_advisory_xact_lock(hashtextextended(p_reference, 0)) THEN
        RAISE EXCEPTION 'idempotency_request_in_progress';
    END IF;
    SELECT p.id, p.amount, p.description, p.metadata, p.balance_after, p.created_at,
           p.fingerprint
      INTO v_row FROM purchases p
     WHERE p.user_id = p_user AND p.app_id = p_app AND p.idempotency_key = p_idempotency_key;
    IF FOUND THEN
        IF v_row.fingerprint <> p_fingerprint THEN
            RAISE EXCEPTION 'idempotency_key_reused';
        END IF;
        RETURN QUERY SELECT 'replayed'::text, v_row.id::text, v_row.amount::bigint,
                            v_row.description::text,
                            v_row.metadata::json, v_row.balance_after::bigint,
                            v_row.created_at::timestamptz;
        RETURN;
    END IF;

    IF p_per_purchase_cap IS NOT NULL AND p_amount > p_per_purchase_cap THEN
        RAISE EXCEPTION 'per_purchase_cap_exceeded' USING DETAIL = p_per_purchase_cap::text;
    END IF;
    SELECT u.frozen INTO v_frozen FROM users u WHERE u.id = p_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user_not_found';
    END IF;
    IF v_frozen THEN
        RAISE EXCEPTION 'wallet_frozen';
    END IF;
    SELECT a.id, a.shards, a.asset INTO v_merchant, v_shards, v_asset
      FROM accounts a WHERE a.code = 'merchant:' || p_merchant || ':pending';
    IF v_merchant IS NULL THEN
        RAISE EXCEPTION 'python_path';  -- the merchant's first sale opens its account
    END IF;
    v_shard := CASE WHEN v_shards = 1 THEN 0 ELSE floor(random() * v_shards)::integer END;
    SELECT a.id, b.balance INTO v_paid, v_paid_balance
      FROM accounts a JOIN account_balances b ON b.account_id = a.id AND b.shard = 0
     WHERE a.code = 'user:' || p_user || ':paid';
    v_paid_balance := coalesce(v_paid_balance, 0);

    -- live promotional lots, soonest expiry first (as credits.load_spendable)
    SELECT coalesce(array_agg(x.account_id ORDER BY x.ord), '{}')
      INTO v_lot_ids
      FROM (SELECT l.account_id,
                   row_number() OVER (ORDER BY l.expires_at IS NULL, l.expires_at, l.id) AS ord
              FROM credit_lots l JOIN account_balances lb
                ON lb.account_id = l.account_id AND lb.shard = 0 AND lb.balance > 0
             WHERE l.user_id = p_user AND (l.expires_at IS NULL OR l.expires_at > p_now)) x;
    IF cardinality(v_lot_ids) > 0 THEN
        -- hold: lock every row the purchase posts to, in (account id, shard) order,
        -- then re-read the balances under the locks
        PERFORM 1 FROM account_balances b
         WHERE (b.account_id = ANY (v_lot_ids) AND b.shard = 0)
            OR (b.account_id = v_paid AND b.shard = 0)
            OR (b.account_id = v_merchant AND b.shard = v_shard)
         ORDER BY b.account_id, b.shard FOR UPDATE;
        SELECT array_agg(b.balance ORDER BY array_position(v_lot_ids, b.account_id))
          INTO v_lot_balances
          FROM account_balances b WHERE b.account_id = ANY (v_lot_ids) AND b.shard = 0;
        IF v_paid IS NOT NULL THEN
            SELECT b.balance INTO v_paid_balance FROM account_balances b
             WHERE b.account_id = v_paid AND b.shard = 0;
        END IF;
    END IF;

    -- the plan: lots in order, then paid credits
    v_remaining := p_amount;
    FOR i IN 1 .. cardinality(v_lot_ids) LOOP
        v_promo := v_promo + v_lot_balances[i];
        IF v_remaining > 0 AND v_lot_balances[i] > 0 THEN
            v_take := least(v_lot_balances[i], v_remaining);
            v_take_ids := v_take_ids || v_lot_ids[i];
            v_takes := v_takes || v_take;
            v_remaining := v_remaining - v_take;
        END IF;
    END LOOP;
    v_paid_take := v_remaining;
    IF v_paid_take > v_paid_balance OR (v_paid_take > 0 AND v_paid IS NULL) THEN
        RAISE EXCEPTION 'insufficient_credits' USING DETAIL = (v_promo + v_paid_balance)::text;
    END IF;

    -- the ledger transaction (fingerprint as wallet.ledger.core.fingerprint)
    FOR i IN 1 .. cardinality(v_take_ids) LOOP
        v_moves := v_moves || CASE WHEN i > 1 THEN ',' ELSE '' END
                   || '[' || v_take_ids[i] || ',' || v_merchant || ',' || v_takes[i] || ']';
    END LOOP;
    IF v_paid_take > 0 THEN
        v_moves := v_moves || CASE WHEN v_moves <> '' THEN ',' ELSE '' END
                   || '[' || v_paid || ',' || v_merchant || ',' || v_paid_take || ']';
    END IF;
    INSERT INTO transactions (reference, kind, fingerprint, metadata, reverses_id, created_at)
    VALUES (p_reference, 'purchase',
            encode(sha256(convert_to('["purchase",[' || v_moves || '],'
                                     || p_ledger_metadata_canonical || ',null]', 'UTF8')),
                   'hex'),
            p_ledger_metadata::json, NULL, p_now)
    ON CONFLICT (reference) DO NOTHING
    RETURNING transactions.id INTO v_txn;
    IF v_txn IS NULL THEN
        RAISE EXCEPTION 'idempotency_request_in_progress';
    END IF;

    -- balance rows in (account id, shard) order: lots, paid and the merchant's shard
    FOR v_row IN
        SELECT m.account_id, m.shard, m.delta FROM (
            SELECT t.account_id, 0 AS shard, -t.take AS delta
              FROM unnest(v_take_ids, v_takes) AS t(account_id, take)
            UNION ALL SELECT v_paid, 0, -v_paid_take WHERE v_paid_take > 0
            UNION ALL SELECT v_merchant, v_shard, p_amount) m
        ORDER BY m.account_id, m.shard
    LOOP
        IF v_row.account_id = v_paid AND v_row.delta < 0 THEN
            UPDATE account_balances b SET balance = b.balance + v_row.delta
             WHERE b.account_id = v_paid AND b.shard = 0 AND b.balance >= -v_row.delta
            RETURNING b.balance INTO v_paid_balance;
            IF NOT FOUND THEN  -- spent in between (paid credits are not read under a lock)
                SELECT b.balance INTO v_paid_balance FROM account_balances b
                 WHERE b.account_id = v_paid AND b.shard = 0;
                RAISE EXCEPTION 'insufficient_credits' USING DETAIL = (v_promo + v_paid_balance)::text;
            END IF;
        ELSE
            UPDATE account_balances b SET balance = b.balance + v_row.delta
             WHERE b.account_id = v_row.account_id AND b.shard = v_row.shard;
        END IF;
    END LOOP;
    INSERT INTO postings (transaction_id, debit_account_id, credit_account_id, asset, amount)
    SELECT v_txn, d.account_id, v_merchant, v_asset, d.take
      FROM unnest(v_take_ids, v_takes) AS d(account_id, take)
    UNION ALL SELECT v_txn, v_paid, v_merchant, v_asset, v_paid_take WHERE v_paid_take > 0;
    v_balance_after := v_paid_balance + v_promo - (p_amount - v_paid_take);

    -- after the ledger: the purchase, the risk counters, the outbox event
    INSERT INTO purchases (id, user_id, app_id, merchant_id, amount, refunded, description,
                           metadata, idempotency_key, fingerprint, balance_after, txn_id,
                           created_at)
    VALUES (p_purchase_id, p_user, p_app, p_merchant, p_amount, 0, p_description,
            p_metadata::json, p_idempotency_key, p_fingerprint, v_balance_after, v_txn, p_now);
    IF p_velocity IS NOT NULL OR p_daily_cap IS NOT NULL OR p_daily_per_app IS NOT NULL THEN
        FOR v_row IN
            INSERT INTO spend_counters AS c (user_id, app_id, day, day_total, minute,
                                             minute_count)
            VALUES (p_user, '*', v_day, p_amount, v_minute, 1),
                   (p_user, p_app, v_day, p_amount, v_minute, 1)
            ON CONFLICT (user_id, app_id) DO UPDATE SET
              day_total = CASE WHEN c.day = excluded.day THEN c.day_total + excluded.day_total
                               ELSE excluded.day_total END,
              day = excluded.day,
              minute_count = CASE WHEN c.minute = excluded.minute THEN c.minute_count + 1
                                  ELSE 1 END,
              minute = excluded.minute
            RETURNING c.app_id, c.day_total, c.minute_count
        LOOP
            IF v_row.app_id = '*' THEN
                v_all_minute := v_row.minute_count;
            ELSE
                v_app_today := v_row.day_total;
            END IF;
        END LOOP;
        IF p_velocity IS NOT NULL AND v_all_minute > p_velocity THEN
            RAISE EXCEPTION 'purchase_velocity_exceeded' USING DETAIL = p_velocity::text;
        END IF;
        IF p_daily_cap IS NOT NULL AND v_app_today > p_daily_cap THEN
            RAISE EXCEPTION 'daily_cap_exceeded' USING DETAIL = v_app_today::text;
        END IF;
        IF p_daily_per_app IS NOT NULL AND v_app_today > p_daily_per_app THEN
            RAISE EXCEPTION 'daily_spend_limit_exceeded' USING DETAIL = v_app_today::text;
        END IF;
    END IF;
    INSERT INTO events (id, type, merchant_id, data, created_at)
    VALUES (p_event_id, 'purchase.created', p_merchant,
            (p_event_head || v_balance_after || p_event_tail)::json, p_now);
    RETURN QUERY SELECT 'created'::text, p_purchase_id, p_amount, p_description,
                        p_metadata::json, v_balance_after, p_now;
END
$$;
"""

PURCHASE_FUNCTION_ARGS = (
    "text, text, text, text, integer, text, bigint, text, text, text, text, text, text, "
    "text, text, text, bigint, bigint, bigint, bigint, timestamptz, text, text")


def upgrade():
    with op.batch_alter_table('oauth_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                      nullable=False))
    if op.get_bind().dialect.name == 'postgresql':
        op.get_bind().exec_driver_sql(PURCHASE_FUNCTION)  # no bind parameters: '::' stays


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"DROP FUNCTION IF EXISTS wallet_purchase({PURCHASE_FUNCTION_ARGS})")
    with op.batch_alter_table('oauth_grants', schema=None) as batch_op:
        batch_op.drop_column('version')
