from enum import StrEnum

class ResolveInAction(StrEnum):
    COLLECT = "collect"
    WRITE_OFF = "write_off"

    def __str__(self) -> str:
        return str(self.value)
