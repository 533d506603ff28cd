from enum import StrEnum

class VoucherSummaryOutStatus(StrEnum):
    ACTIVE = "active"
    CLAIMED = "claimed"
    EXPIRED = "expired"
    REDEEMED = "redeemed"
    REVOKED = "revoked"

    def __str__(self) -> str:
        return str(self.value)
