from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CapsIn")



@_attrs_define
class CapsIn:
    """ 
        Attributes:
            per_purchase_cap (int | None | Unset):
            daily_cap (int | None | Unset):
     """

    per_purchase_cap: int | None | Unset = UNSET
    daily_cap: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        per_purchase_cap: int | None | Unset
        if isinstance(self.per_purchase_cap, Unset):
            per_purchase_cap = UNSET
        else:
            per_purchase_cap = self.per_purchase_cap

        daily_cap: int | None | Unset
        if isinstance(self.daily_cap, Unset):
            daily_cap = UNSET
        else:
            daily_cap = self.daily_cap


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if per_purchase_cap is not UNSET:
            field_dict["per_purchase_cap"] = per_purchase_cap
        if daily_cap is not UNSET:
            field_dict["daily_cap"] = daily_cap

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_per_purchase_cap(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        per_purchase_cap = _parse_per_purchase_cap(d.pop("per_purchase_cap", UNSET))


        def _parse_daily_cap(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        daily_cap = _parse_daily_cap(d.pop("daily_cap", UNSET))


        caps_in = cls(
            per_purchase_cap=per_purchase_cap,
            daily_cap=daily_cap,
        )

        return caps_in

