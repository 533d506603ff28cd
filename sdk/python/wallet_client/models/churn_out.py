from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ChurnOut")



@_attrs_define
class ChurnOut:
    """ 
        Attributes:
            ended (int):
            base (int):
            percent (float): for display only
     """

    ended: int
    base: int
    percent: float





    def to_dict(self) -> dict[str, Any]:
        ended = self.ended

        base = self.base

        percent = self.percent


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "ended": ended,
            "base": base,
            "percent": percent,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ended = d.pop("ended")

        base = d.pop("base")

        percent = d.pop("percent")

        churn_out = cls(
            ended=ended,
            base=base,
            percent=percent,
        )

        return churn_out

