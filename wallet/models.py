"""Import every table so metadata (and Alembic autogenerate) sees them all."""

from wallet.identity.models import ApiKey, App, Counter, Merchant, User
from wallet.ledger.models import (
    Account,
    AccountBalance,
    JournalSeal,
    LedgerCheckpoint,
    LedgerTransaction,
    Posting,
)

__all__ = [
    "Account", "AccountBalance", "ApiKey", "App", "Counter", "JournalSeal", "LedgerCheckpoint",
    "LedgerTransaction", "Merchant", "Posting", "User",
]
