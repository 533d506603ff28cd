from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ExpiringSoonOut")



@_attrs_define
class ExpiringSoonOut:
    """ 
        Attributes:
            credits_ (int):
            days (int):
     """

    credits_: int
    days: int





    def to_dict(self) -> dict[str, Any]:
        credits_ = self.credits_

        days = self.days


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "credits": credits_,
            "days": days,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credits_ = d.pop("credits")

        days = d.pop("days")

        expiring_soon_out = cls(
            credits_=credits_,
            days=days,
        )

        return expiring_soon_out

