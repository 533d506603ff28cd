"""Property tests: any sequence of transfers keeps the ledger's invariants."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.ledger import chart, core
from wallet.ledger.core import Move
from wallet.ledger.errors import InsufficientFunds
from wallet.ledger.models import Posting

ACCOUNTS = 5  # index 0 is the platform source (may go negative); the rest may not

transfers = st.lists(
    st.tuples(
        st.integers(0, ACCOUNTS - 1),
        st.integers(0, ACCOUNTS - 1),
        st.integers(1, 500),
    ).filter(lambda t: t[0] != t[1]),
    max_size=25,
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(transfers)
def test_transfers_keep_invariants(session: Session, moves: list[tuple[int, int, int]]) -> None:
    nested = session.begin_nested()
    try:
        ids = [chart.platform_account(session, chart.Kind.TOPUP_CLEARING).id] + [
            chart.user_account(session, f"usr_p{i}").id for i in range(1, ACCOUNTS)
        ]
        # the hot merchant account takes one seat so sharded debits are exercised too
        ids[-1] = chart.merchant_account(session, "mer_prop", chart.Kind.MERCHANT_PENDING).id
        model = dict.fromkeys(ids, 0)
        for n, (src, dst, amount) in enumerate(moves):
            debit, credit = ids[src], ids[dst]
            step = session.begin_nested()
            try:
                core.post(session, reference=f"prop:{n}", kind="transfer",
                          moves=[Move(debit=debit, credit=credit, amount=amount)])
            except InsufficientFunds:
                step.rollback()
                assert src != 0 and model[debit] < amount
                continue
            step.commit()
            model[debit] -= amount
            model[credit] += amount
        balances = core.balances(session, ids)
        assert balances == model
        assert sum(balances.values()) == 0
        assert all(balances[a] >= 0 for a in ids[1:])
        from_postings = dict.fromkeys(ids, 0)
        for posting in session.scalars(select(Posting)):
            from_postings[posting.debit_account_id] -= posting.amount
            from_postings[posting.credit_account_id] += posting.amount
        assert from_postings == balances
    finally:
        nested.rollback()
