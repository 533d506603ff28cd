from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ReserveIn")



@_attrs_define
class ReserveIn:
    """ 
        Attributes:
            percent (int):
            days (int):
     """

    percent: int
    days: int





    def to_dict(self) -> dict[str, Any]:
        percent = self.percent

        days = self.days


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "percent": percent,
            "days": days,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        percent = d.pop("percent")

        days = d.pop("days")

        reserve_in = cls(
            percent=percent,
            days=days,
        )

        return reserve_in

