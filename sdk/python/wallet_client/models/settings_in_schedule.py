from enum import StrEnum

class SettingsInSchedule(StrEnum):
    MANUAL = "manual"
    MONTHLY = "monthly"
    WEEKLY = "weekly"

    def __str__(self) -> str:
        return str(self.value)
