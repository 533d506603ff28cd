"""``post_many``: the ledger's batch post (renewal job), same rules as ``post``."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from wallet.ledger import chart
from wallet.ledger.core import Entry, Move, balance, balances, hold, post, post_many
from wallet.ledger.errors import InsufficientFunds, InvalidPosting, ReferenceConflict


@pytest.fixture
def accounts(session: Session) -> dict[str, int]:
    ids = {
        "clearing": chart.platform_account(session, chart.Kind.TOPUP_CLEARING).id,
        "alice": chart.user_account(session, "usr_pm_alice").id,
        "bob": chart.user_account(session, "usr_pm_bob").id,
        "merchant": chart.merchant_account(session, "mer_pm", chart.Kind.MERCHANT_PENDING).id,
    }
    for who in ("alice", "bob"):
        post(session, reference=f"pm-topup-{who}", kind="topup",
             moves=[Move(ids["clearing"], ids[who], 100)])
    return ids


def test_many_transactions_post_once_each_and_replay(session: Session,
                                                     accounts: dict[str, int]) -> None:
    a, b, m = accounts["alice"], accounts["bob"], accounts["merchant"]
    held = hold(session, [a, b, m])
    entries = [Entry("pm-1", "purchase", [Move(a, m, 30)], {"n": 1}),
               Entry("pm-2", "purchase", [Move(a, m, 20), Move(b, m, 5)], {"n": 2}),
               Entry("pm-3", "purchase", [Move(b, m, 95)], {"n": 3})]
    posted = post_many(session, entries, held=held)
    assert [p.created for p in posted] == [True, True, True]
    assert len({p.id for p in posted}) == 3
    assert balances(session, [a, b]) == {a: 50, b: 0}
    assert balance(session, m) == 150
    again = post_many(session, entries[:2], held=held)  # a replay moves nothing
    assert [(p.id, p.created) for p in again] == [(p.id, False) for p in posted[:2]]
    assert balance(session, a) == 50
    with pytest.raises(ReferenceConflict):
        post_many(session, [Entry("pm-1", "purchase", [Move(a, m, 31)], {"n": 1})], held=held)


def test_a_shortfall_or_an_unheld_account_is_refused(session: Session,
                                                      accounts: dict[str, int]) -> None:
    a, b, m = accounts["alice"], accounts["bob"], accounts["merchant"]
    held = hold(session, [a, m])
    with pytest.raises(InvalidPosting):
        post_many(session, [Entry("pm-x", "purchase", [Move(b, m, 1)])], held=held)
    with pytest.raises(InsufficientFunds), session.begin_nested():  # the caller rolls back
        post_many(session, [Entry("pm-y", "purchase", [Move(a, m, 60)]),
                            Entry("pm-z", "purchase", [Move(a, m, 41)])], held=held)
    assert balance(session, a) == 100
    with pytest.raises(InvalidPosting):
        post_many(session, [Entry("pm-w", "refund", [Move(m, a, 1)])],
                  held=hold(session, [a, m]))


def test_one_reference_twice_in_one_batch_is_refused(session: Session,
                                                     accounts: dict[str, int]) -> None:
    """The batch INSERT would write the transaction once and its moves twice."""
    a, m = accounts["alice"], accounts["merchant"]
    held = hold(session, [a, m])
    entry = Entry("pm-twice", "purchase", [Move(a, m, 10)], {"n": 1})
    with pytest.raises(InvalidPosting):
        post_many(session, [entry, entry], held=held)
    assert balance(session, a) == 100 and balance(session, m) == 0
