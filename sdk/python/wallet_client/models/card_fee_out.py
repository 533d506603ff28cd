from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CardFeeOut")



@_attrs_define
class CardFeeOut:
    """ 
        Attributes:
            percent_bp (int):
            fixed (int):
     """

    percent_bp: int
    fixed: int





    def to_dict(self) -> dict[str, Any]:
        percent_bp = self.percent_bp

        fixed = self.fixed


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "percent_bp": percent_bp,
            "fixed": fixed,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        percent_bp = d.pop("percent_bp")

        fixed = d.pop("fixed")

        card_fee_out = cls(
            percent_bp=percent_bp,
            fixed=fixed,
        )

        return card_fee_out

