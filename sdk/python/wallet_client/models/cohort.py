from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Cohort")



@_attrs_define
class Cohort:
    """ 
        Attributes:
            month (str | Unset):
            buyers (int | Unset):
            active (list[int] | Unset):
            retention (list[float] | Unset):
     """

    month: str | Unset = UNSET
    buyers: int | Unset = UNSET
    active: list[int] | Unset = UNSET
    retention: list[float] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        month = self.month

        buyers = self.buyers

        active: list[int] | Unset = UNSET
        if not isinstance(self.active, Unset):
            active = self.active



        retention: list[float] | Unset = UNSET
        if not isinstance(self.retention, Unset):
            retention = self.retention




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if month is not UNSET:
            field_dict["month"] = month
        if buyers is not UNSET:
            field_dict["buyers"] = buyers
        if active is not UNSET:
            field_dict["active"] = active
        if retention is not UNSET:
            field_dict["retention"] = retention

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        month = d.pop("month", UNSET)

        buyers = d.pop("buyers", UNSET)

        active = cast(list[int], d.pop("active", UNSET))


        retention = cast(list[float], d.pop("retention", UNSET))


        cohort = cls(
            month=month,
            buyers=buyers,
            active=active,
            retention=retention,
        )

        return cohort

