from enum import StrEnum

class TopUpOutStatus(StrEnum):
    CHARGED_BACK = "charged_back"
    CREATED = "created"
    FAILED = "failed"
    HELD = "held"
    PENDING = "pending"
    REFUNDED = "refunded"
    SUCCEEDED = "succeeded"

    def __str__(self) -> str:
        return str(self.value)
