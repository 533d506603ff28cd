from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ReserveOut")



@_attrs_define
class ReserveOut:
    """ 
        Attributes:
            object_ (str):
            merchant_id (str):
            percent (int):
            days (int):
     """

    object_: str
    merchant_id: str
    percent: int
    days: int





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        merchant_id = self.merchant_id

        percent = self.percent

        days = self.days


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "merchant_id": merchant_id,
            "percent": percent,
            "days": days,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = d.pop("object")

        merchant_id = d.pop("merchant_id")

        percent = d.pop("percent")

        days = d.pop("days")

        reserve_out = cls(
            object_=object_,
            merchant_id=merchant_id,
            percent=percent,
            days=days,
        )

        return reserve_out

