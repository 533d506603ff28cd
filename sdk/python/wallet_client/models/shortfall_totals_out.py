from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ShortfallTotalsOut")



@_attrs_define
class ShortfallTotalsOut:
    """ 
        Attributes:
            open_ (int):
            written_off (int):
            collected (int):
     """

    open_: int
    written_off: int
    collected: int





    def to_dict(self) -> dict[str, Any]:
        open_ = self.open_

        written_off = self.written_off

        collected = self.collected


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "open": open_,
            "written_off": written_off,
            "collected": collected,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        open_ = d.pop("open")

        written_off = d.pop("written_off")

        collected = d.pop("collected")

        shortfall_totals_out = cls(
            open_=open_,
            written_off=written_off,
            collected=collected,
        )

        return shortfall_totals_out

