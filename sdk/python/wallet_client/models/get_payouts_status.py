from enum import StrEnum

class GetPayoutsStatus(StrEnum):
    CANCELED = "canceled"
    FAILED = "failed"
    PAID = "paid"
    PENDING = "pending"
    SUBMITTED = "submitted"

    def __str__(self) -> str:
        return str(self.value)
