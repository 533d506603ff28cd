from enum import StrEnum

class GetReviewsStatus(StrEnum):
    ALL = "all"
    APPROVED = "approved"
    OPEN = "open"
    REJECTED = "rejected"

    def __str__(self) -> str:
        return str(self.value)
