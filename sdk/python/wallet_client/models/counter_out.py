from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="CounterOut")



@_attrs_define
class CounterOut:
    """ 
        Attributes:
            counter_id (str | Unset):
            counter_name (str | Unset):
            merchant_id (str | Unset):
            merchant_name (str | Unset):
     """

    counter_id: str | Unset = UNSET
    counter_name: str | Unset = UNSET
    merchant_id: str | Unset = UNSET
    merchant_name: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        counter_id = self.counter_id

        counter_name = self.counter_name

        merchant_id = self.merchant_id

        merchant_name = self.merchant_name


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if counter_id is not UNSET:
            field_dict["counter_id"] = counter_id
        if counter_name is not UNSET:
            field_dict["counter_name"] = counter_name
        if merchant_id is not UNSET:
            field_dict["merchant_id"] = merchant_id
        if merchant_name is not UNSET:
            field_dict["merchant_name"] = merchant_name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        counter_id = d.pop("counter_id", UNSET)

        counter_name = d.pop("counter_name", UNSET)

        merchant_id = d.pop("merchant_id", UNSET)

        merchant_name = d.pop("merchant_name", UNSET)

        counter_out = cls(
            counter_id=counter_id,
            counter_name=counter_name,
            merchant_id=merchant_id,
            merchant_name=merchant_name,
        )

        return counter_out

