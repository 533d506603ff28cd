from enum import StrEnum

class ShortfallOutReason(StrEnum):
    CHARGEBACK = "chargeback"
    REFUND = "refund"

    def __str__(self) -> str:
        return str(self.value)
