"""Worked accounting scenarios and bad input at the ledger core."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet.ledger import chart, core
from wallet.ledger.core import Move, post
from wallet.ledger.errors import (
    AssetMismatch,
    InsufficientFunds,
    InvalidAmount,
    InvalidPosting,
    ReferenceConflict,
    UnknownAccount,
)
from wallet.ledger.models import LedgerTransaction, Posting

INT64_MAX = 2**63 - 1


def count_rows(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(LedgerTransaction)) or 0,
        session.scalar(select(func.count()).select_from(Posting)) or 0,
    )


@pytest.fixture
def accounts(session: Session) -> dict[str, int]:
    """A small chart: a platform source, two users, a hot merchant account, fees."""
    return {
        "clearing": chart.platform_account(session, chart.Kind.TOPUP_CLEARING).id,
        "alice": chart.user_account(session, "usr_alice").id,
        "bob": chart.user_account(session, "usr_bob").id,
        "merchant": chart.merchant_account(session, "mer_shop", chart.Kind.MERCHANT_PENDING).id,
        "available": chart.merchant_account(
            session, "mer_shop", chart.Kind.MERCHANT_AVAILABLE).id,
    }


def topup(session: Session, account: int, clearing: int, amount: int, ref: str) -> core.Posted:
    return post(session, reference=ref, kind="topup",
                moves=[Move(debit=clearing, credit=account, amount=amount)])


def test_topup_purchase_refund_scenario(session: Session, accounts: dict[str, int]) -> None:
    topup(session, accounts["alice"], accounts["clearing"], 1000, "topup:1")
    purchase = post(session, reference="purchase:1", kind="purchase",
                    moves=[Move(debit=accounts["alice"], credit=accounts["merchant"], amount=7)])
    assert purchase.created
    assert purchase.balances_after[accounts["alice"]] == 993
    refund = post(session, reference="refund:1", kind="refund", reverses_id=purchase.id,
                  moves=[Move(debit=accounts["merchant"], credit=accounts["alice"], amount=3)])
    assert refund.created
    balances = core.balances(session, accounts.values())
    assert balances[accounts["alice"]] == 996
    assert balances[accounts["merchant"]] == 4
    assert balances[accounts["clearing"]] == -1000
    assert sum(balances.values()) == 0


def test_multi_leg_transaction_sums_to_zero(session: Session, accounts: dict[str, int]) -> None:
    topup(session, accounts["alice"], accounts["clearing"], 100, "t")
    posted = post(session, reference="split", kind="split", moves=[
        Move(debit=accounts["alice"], credit=accounts["bob"], amount=60),
        Move(debit=accounts["alice"], credit=accounts["merchant"], amount=40),
    ])
    assert posted.balances_after[accounts["alice"]] == 0
    assert core.balance(session, accounts["bob"]) == 60
    assert core.balance(session, accounts["merchant"]) == 40


def test_reverse_restores_balances_once(session: Session, accounts: dict[str, int]) -> None:
    posted = topup(session, accounts["alice"], accounts["clearing"], 50, "t")
    reversal = core.reverse(session, posted.id)
    assert reversal.created
    assert core.balance(session, accounts["alice"]) == 0
    again = core.reverse(session, posted.id)
    assert not again.created
    assert again.id == reversal.id
    assert core.balance(session, accounts["alice"]) == 0


def test_reverse_refuses_when_funds_are_gone(session: Session, accounts: dict[str, int]) -> None:
    posted = topup(session, accounts["alice"], accounts["clearing"], 50, "t")
    post(session, reference="spend", kind="purchase",
         moves=[Move(debit=accounts["alice"], credit=accounts["merchant"], amount=30)])
    with pytest.raises(InsufficientFunds):
        core.reverse(session, posted.id)


def test_same_reference_same_content_replays(session: Session, accounts: dict[str, int]) -> None:
    first = topup(session, accounts["alice"], accounts["clearing"], 10, "once")
    before = count_rows(session)
    second = topup(session, accounts["alice"], accounts["clearing"], 10, "once")
    assert (second.id, second.created) == (first.id, False)
    assert count_rows(session) == before
    assert core.balance(session, accounts["alice"]) == 10


def test_same_reference_other_content_conflicts(session: Session,
                                                accounts: dict[str, int]) -> None:
    topup(session, accounts["alice"], accounts["clearing"], 10, "once")
    with pytest.raises(ReferenceConflict):
        topup(session, accounts["alice"], accounts["clearing"], 11, "once")
    assert core.balance(session, accounts["alice"]) == 10


def test_overdraft_is_refused(session: Session, accounts: dict[str, int]) -> None:
    topup(session, accounts["alice"], accounts["clearing"], 5, "t")
    with pytest.raises(InsufficientFunds) as caught:
        post(session, reference="too-much", kind="purchase",
             moves=[Move(debit=accounts["alice"], credit=accounts["merchant"], amount=6)])
    assert caught.value.account_id == accounts["alice"]


def test_hot_account_spreads_over_shards_and_drains(session: Session,
                                                   accounts: dict[str, int]) -> None:
    topup(session, accounts["alice"], accounts["clearing"], 10_000, "t")
    for i in range(64):
        post(session, reference=f"p{i}", kind="purchase",
             moves=[Move(debit=accounts["alice"], credit=accounts["merchant"], amount=10)])
    assert core.balance(session, accounts["merchant"]) == 640
    moved = post(session, reference="release", kind="release", moves=[
        Move(debit=accounts["merchant"], credit=accounts["available"], amount=600)])
    assert moved.created
    assert core.balance(session, accounts["merchant"]) == 40
    with pytest.raises(InsufficientFunds):
        post(session, reference="release-2", kind="release", moves=[
            Move(debit=accounts["merchant"], credit=accounts["available"], amount=41)])


@pytest.mark.parametrize(
    "amount",
    [0, -1, 1.5, 7.0, "7", None, True, False, INT64_MAX + 1, 10**30, float("nan")],
)
def test_bad_amounts_are_typed_errors_and_write_nothing(
    session: Session, accounts: dict[str, int], amount: object
) -> None:
    before = count_rows(session)
    with pytest.raises(InvalidAmount):
        post(session, reference=f"bad-{amount!r}", kind="purchase",
             moves=[Move(debit=accounts["clearing"], credit=accounts["alice"],
                         amount=amount)])  # type: ignore[arg-type]
    assert count_rows(session) == before


def test_int64_max_amount_is_accepted(session: Session, accounts: dict[str, int]) -> None:
    topup(session, accounts["alice"], accounts["clearing"], INT64_MAX, "max")
    assert core.balance(session, accounts["alice"]) == INT64_MAX


def test_net_overflow_of_one_account_is_refused(session: Session,
                                                accounts: dict[str, int]) -> None:
    with pytest.raises(InvalidAmount):
        post(session, reference="overflow", kind="x", moves=[
            Move(debit=accounts["clearing"], credit=accounts["alice"], amount=INT64_MAX),
            Move(debit=accounts["clearing"], credit=accounts["alice"], amount=1),
        ])


def test_unknown_accounts_and_bad_shapes(session: Session, accounts: dict[str, int]) -> None:
    before = count_rows(session)
    with pytest.raises(UnknownAccount):
        post(session, reference="u", kind="x",
             moves=[Move(debit=accounts["clearing"], credit=999_999, amount=1)])
    with pytest.raises(UnknownAccount):
        post(session, reference="u2", kind="x",
             moves=[Move(debit="1", credit=accounts["alice"], amount=1)])  # type: ignore[arg-type]
    with pytest.raises(InvalidPosting):
        post(session, reference="same", kind="x",
             moves=[Move(debit=accounts["alice"], credit=accounts["alice"], amount=1)])
    with pytest.raises(InvalidPosting):
        post(session, reference="empty", kind="x", moves=[])
    with pytest.raises(InvalidPosting):
        post(session, reference="", kind="x",
             moves=[Move(debit=accounts["clearing"], credit=accounts["alice"], amount=1)])
    with pytest.raises(UnknownAccount):
        core.balance(session, 999_999)
    assert count_rows(session) == before


def test_mixed_assets_are_refused(session: Session, accounts: dict[str, int]) -> None:
    eur = core.open_account(session, "platform:eur-bank", kind="bank", asset="EUR",
                            allow_negative=True)
    before = count_rows(session)
    with pytest.raises(AssetMismatch):
        post(session, reference="mixed", kind="x",
             moves=[Move(debit=eur.id, credit=accounts["alice"], amount=1)])
    assert count_rows(session) == before


def test_open_account_is_idempotent_and_checks_attributes(session: Session) -> None:
    first = core.open_account(session, "x:1", kind="k", asset="CREDIT")
    assert core.open_account(session, "x:1", kind="k", asset="CREDIT") == first
    with pytest.raises(InvalidPosting):
        core.open_account(session, "x:1", kind="k", asset="EUR")
    with pytest.raises(InvalidPosting):
        core.open_account(session, "x:2", kind="k", asset="CREDIT", shards=0)


def test_hold_reads_balances_and_post_credits_the_held_shard(
    session: Session, accounts: dict[str, int]
) -> None:
    """``hold`` locks what a flow will post to (one shard of a credited hot account, every
    shard of a drained one) and reads the balances; ``post(held=)`` uses that shard."""
    post(session, reference="fund", kind="topup",
         moves=[Move(accounts["clearing"], accounts["alice"], 500)])
    held = core.hold(session, [accounts["alice"], accounts["merchant"]])
    assert held.balances == {accounts["alice"]: 500}
    shard = held.shards[accounts["merchant"]]
    assert 0 <= shard < chart.HOT_SHARDS
    post(session, reference="buy", kind="purchase",
         moves=[Move(accounts["alice"], accounts["merchant"], 120)], held=held)
    rows = dict(session.execute(
        select(core.balances_t.c.shard, core.balances_t.c.balance)
        .where(core.balances_t.c.account_id == accounts["merchant"])).all())
    assert rows[shard] == 120 and sum(rows.values()) == 120

    drained = core.hold(session, [accounts["available"]], drain=[accounts["merchant"]])
    assert drained.balances == {accounts["merchant"]: 120, accounts["available"]: 0}
    assert drained.shards == {}


def test_post_after_hold_moves_only_held_accounts(
    session: Session, accounts: dict[str, int]
) -> None:
    post(session, reference="fund", kind="topup",
         moves=[Move(accounts["clearing"], accounts["alice"], 500)])
    held = core.hold(session, [accounts["alice"], accounts["merchant"]])
    before = count_rows(session)
    with pytest.raises(InvalidPosting):
        post(session, reference="sneaky", kind="transfer",
             moves=[Move(accounts["alice"], accounts["bob"], 10)], held=held)
    assert count_rows(session) == before


# Digests written by the json.dumps-only fingerprint (before the hand-written fast path):
# stored fingerprints must keep matching, or every replay would be a conflict.
PINNED_FINGERPRINTS = [
    (("purchase", [Move(2, 3, 5), Move(4, 3, INT64_MAX)],
      {"b": [1, "é"], "a": {"z": None, "y": 1.5}}, 17),
     "2a96c7abb3f366b633d6083b8fda4c173abbc09cbc10846416905c38843abe1f"),
    (("topup", [Move(1, 2, 100)], {}, None),
     "4a95c931e584c2447e6d1194b072843bd5b6ad62798349c05189b07331340ad6"),
    (('k"indé', [Move(1, 2, 100)], {}, None),
     "666eeed3f66a131e29ed2bdb20ae8a620d6b2d5353ce660456475ae2170cb230"),
]


@pytest.mark.parametrize(("args", "digest"), PINNED_FINGERPRINTS)
def test_fingerprint_is_stable(args: tuple, digest: str) -> None:  # type: ignore[type-arg]
    assert core.fingerprint(*args) == digest
    assert core._fingerprint_json(*args) == digest


@pytest.mark.parametrize("args", [
    ("refund", [Move(1, 2, 3)], {"sources": [[1, 2]], "reason": "ünïcode\n\"q\""}, 9),
    ("transfer", [Move(10, 20, 1), Move(30, 20, 2), Move(20, 40, 3)], {}, None),
    ("x", [Move(1, 2, 1)], {"n": True, "f": 0.1, "none": None}, 0),
    ("reversal", [Move(2**40, 1, INT64_MAX)], {}, 2**50),
])
def test_fingerprint_fast_path_is_the_json_definition(args: tuple) -> None:  # type: ignore[type-arg]
    assert core.fingerprint(*args) == core._fingerprint_json(*args)


def test_first_refused_row_in_account_order_raises_and_the_caller_rolls_back(
    session: Session, accounts: dict[str, int]
) -> None:
    """Two checked debits in one transaction (one UPDATE on SQLite, one statement on
    PostgreSQL): the refusal names the first short account in (account id) order."""
    alice, bob = accounts["alice"], accounts["bob"]
    topup(session, alice, accounts["clearing"], 5, "ta")
    topup(session, bob, accounts["clearing"], 5, "tb")
    session.commit()
    first, second = sorted([alice, bob])
    with pytest.raises(InsufficientFunds) as caught:
        post(session, reference="two-short", kind="purchase",
             moves=[Move(debit=alice, credit=accounts["merchant"], amount=6),
                    Move(debit=bob, credit=accounts["merchant"], amount=6)])
    assert caught.value.account_id == first
    session.rollback()
    with pytest.raises(InsufficientFunds) as caught:
        post(session, reference="second-short", kind="purchase",
             moves=[Move(debit=first, credit=accounts["available"], amount=5),
                    Move(debit=second, credit=accounts["available"], amount=6)])
    assert caught.value.account_id == second
    session.rollback()
    posted = post(session, reference="both-fit", kind="purchase",
                  moves=[Move(debit=alice, credit=accounts["available"], amount=5),
                         Move(debit=bob, credit=accounts["available"], amount=4)])
    session.commit()
    assert posted.balances_after == {alice: 0, bob: 1, accounts["available"]: 9}
    assert core.balances(session, [alice, bob]) == {alice: 0, bob: 1}


def test_a_missing_balance_row_is_an_unknown_account(
    session: Session, accounts: dict[str, int]
) -> None:
    from wallet.ledger.models import AccountBalance

    session.execute(AccountBalance.__table__.delete().where(
        AccountBalance.account_id == accounts["bob"]))
    with pytest.raises(UnknownAccount):
        topup(session, accounts["bob"], accounts["clearing"], 5, "no-row")
    session.rollback()


@pytest.mark.parametrize("count", [1, 2, 32, 33, 600])
def test_single_balances_read_any_number_of_accounts(count: int) -> None:
    """The SQLite read of ``balances_after`` (UNION ALL up to 32 accounts, then an IN
    list: SQLite refuses a compound SELECT of more than 500 terms) returns every row."""
    import sqlite3

    from wallet.ledger.core import _single_balances_sql

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE account_balances (account_id INTEGER, shard INTEGER, "
                 "balance INTEGER, PRIMARY KEY (account_id, shard))")
    conn.executemany("INSERT INTO account_balances VALUES (?, ?, ?)",
                     [(i, s, 10 * i + s) for i in range(1, 701) for s in (0, 1)])
    ids = list(range(700, 700 - count, -1))
    assert dict(conn.execute(_single_balances_sql(count), ids).fetchall()) == {
        i: 10 * i for i in ids}
