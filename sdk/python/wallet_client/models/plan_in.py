from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.plan_in_interval import PlanInInterval
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PlanIn")



@_attrs_define
class PlanIn:
    """ 
        Attributes:
            name (str):
            amount (int): Credits per interval.
            interval (PlanInInterval):
            trial_days (int | Unset):  Default: 0.
            description (None | str | Unset):
     """

    name: str
    amount: int
    interval: PlanInInterval
    trial_days: int | Unset = 0
    description: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        amount = self.amount

        interval = self.interval.value

        trial_days = self.trial_days

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "amount": amount,
            "interval": interval,
        })
        if trial_days is not UNSET:
            field_dict["trial_days"] = trial_days
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        amount = d.pop("amount")

        interval = PlanInInterval(d.pop("interval"))




        trial_days = d.pop("trial_days", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        plan_in = cls(
            name=name,
            amount=amount,
            interval=interval,
            trial_days=trial_days,
            description=description,
        )

        return plan_in

