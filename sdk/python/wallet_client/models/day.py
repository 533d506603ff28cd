from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="Day")



@_attrs_define
class Day:
    """ 
        Attributes:
            day (str | Unset):
            purchases (int | Unset):
            credits_ (int | Unset):
            refunds (int | Unset):
            refunded_credits (int | Unset):
     """

    day: str | Unset = UNSET
    purchases: int | Unset = UNSET
    credits_: int | Unset = UNSET
    refunds: int | Unset = UNSET
    refunded_credits: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        day = self.day

        purchases = self.purchases

        credits_ = self.credits_

        refunds = self.refunds

        refunded_credits = self.refunded_credits


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if day is not UNSET:
            field_dict["day"] = day
        if purchases is not UNSET:
            field_dict["purchases"] = purchases
        if credits_ is not UNSET:
            field_dict["credits"] = credits_
        if refunds is not UNSET:
            field_dict["refunds"] = refunds
        if refunded_credits is not UNSET:
            field_dict["refunded_credits"] = refunded_credits

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        day = d.pop("day", UNSET)

        purchases = d.pop("purchases", UNSET)

        credits_ = d.pop("credits", UNSET)

        refunds = d.pop("refunds", UNSET)

        refunded_credits = d.pop("refunded_credits", UNSET)

        day = cls(
            day=day,
            purchases=purchases,
            credits_=credits_,
            refunds=refunds,
            refunded_credits=refunded_credits,
        )

        return day

