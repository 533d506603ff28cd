from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CreditsOut")



@_attrs_define
class CreditsOut:
    """ 
        Attributes:
            total (int):
            paid (int):
            promotional (int):
     """

    total: int
    paid: int
    promotional: int





    def to_dict(self) -> dict[str, Any]:
        total = self.total

        paid = self.paid

        promotional = self.promotional


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "total": total,
            "paid": paid,
            "promotional": promotional,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total = d.pop("total")

        paid = d.pop("paid")

        promotional = d.pop("promotional")

        credits_out = cls(
            total=total,
            paid=paid,
            promotional=promotional,
        )

        return credits_out

