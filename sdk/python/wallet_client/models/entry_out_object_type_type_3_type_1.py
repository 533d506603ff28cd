from enum import StrEnum

class EntryOutObjectTypeType3Type1(StrEnum):
    GRANT = "grant"
    PURCHASE = "purchase"
    TOPUP = "topup"
    VOUCHER = "voucher"

    def __str__(self) -> str:
        return str(self.value)
