from enum import StrEnum

class RuleOutState(StrEnum):
    ARMED = "armed"
    IN_FLIGHT = "in_flight"
    OFF = "off"
    WAITING = "waiting"

    def __str__(self) -> str:
        return str(self.value)
