from enum import StrEnum

class StatusInStatus(StrEnum):
    CANCELED = "canceled"
    FAILED = "failed"
    PAID = "paid"
    SUBMITTED = "submitted"

    def __str__(self) -> str:
        return str(self.value)
