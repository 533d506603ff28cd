from enum import StrEnum

class IssueInFunding(StrEnum):
    GIFT_CARD = "gift_card"
    PROMOTION = "promotion"

    def __str__(self) -> str:
        return str(self.value)
