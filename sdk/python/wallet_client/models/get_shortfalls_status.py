from enum import StrEnum

class GetShortfallsStatus(StrEnum):
    ALL = "all"
    COLLECTED = "collected"
    OPEN = "open"
    WRITTEN_OFF = "written_off"

    def __str__(self) -> str:
        return str(self.value)
