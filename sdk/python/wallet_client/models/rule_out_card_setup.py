from enum import StrEnum

class RuleOutCardSetup(StrEnum):
    CHECKOUT = "checkout"
    FORM = "form"

    def __str__(self) -> str:
        return str(self.value)
