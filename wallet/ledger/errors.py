"""Typed errors raised by the ledger core."""

from __future__ import annotations

from wallet.errors import Conflict, InsufficientCredits, InvalidRequest, NotFound


class LedgerError(InvalidRequest):
    """A transaction the ledger refuses to post; nothing was written."""

    code = "ledger_invalid"


class InvalidAmount(LedgerError):
    code = "invalid_amount"
    default_message = "Amounts must be whole numbers between 1 and 9223372036854775807."


class InvalidPosting(LedgerError):
    code = "invalid_posting"


class AssetMismatch(LedgerError):
    code = "asset_mismatch"
    default_message = "Every account in a posting must hold the posting's asset."


class UnknownAccount(NotFound):
    code = "unknown_account"
    default_message = "No such account."


class InsufficientFunds(InsufficientCredits):
    """A debit would take an account that forbids overdraft below zero."""

    code = "insufficient_funds"
    default_message = "The account does not hold enough to cover this transaction."

    def __init__(self, account_id: int, message: str | None = None) -> None:
        super().__init__(message, details={"account_id": account_id})
        self.account_id = account_id


class ReferenceConflict(Conflict):
    """The reference was used before for a transaction with other content."""

    code = "reference_conflict"
    default_message = "This reference was already used for a different transaction."


class AlreadyReversed(Conflict):
    code = "already_reversed"
    default_message = "This transaction has already been reversed."
