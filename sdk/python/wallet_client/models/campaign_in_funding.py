from enum import StrEnum

class CampaignInFunding(StrEnum):
    GIFT_CARD = "gift_card"
    PROMOTION = "promotion"

    def __str__(self) -> str:
        return str(self.value)
