from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="Totals")



@_attrs_define
class Totals:
    """ 
        Attributes:
            purchases (int | Unset):
            credits_ (int | Unset):
            unique_buyers (int | Unset):
            refunds (int | Unset):
            refunded_credits (int | Unset):
            net_credits (int | Unset):
     """

    purchases: int | Unset = UNSET
    credits_: int | Unset = UNSET
    unique_buyers: int | Unset = UNSET
    refunds: int | Unset = UNSET
    refunded_credits: int | Unset = UNSET
    net_credits: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        purchases = self.purchases

        credits_ = self.credits_

        unique_buyers = self.unique_buyers

        refunds = self.refunds

        refunded_credits = self.refunded_credits

        net_credits = self.net_credits


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if purchases is not UNSET:
            field_dict["purchases"] = purchases
        if credits_ is not UNSET:
            field_dict["credits"] = credits_
        if unique_buyers is not UNSET:
            field_dict["unique_buyers"] = unique_buyers
        if refunds is not UNSET:
            field_dict["refunds"] = refunds
        if refunded_credits is not UNSET:
            field_dict["refunded_credits"] = refunded_credits
        if net_credits is not UNSET:
            field_dict["net_credits"] = net_credits

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        purchases = d.pop("purchases", UNSET)

        credits_ = d.pop("credits", UNSET)

        unique_buyers = d.pop("unique_buyers", UNSET)

        refunds = d.pop("refunds", UNSET)

        refunded_credits = d.pop("refunded_credits", UNSET)

        net_credits = d.pop("net_credits", UNSET)

        totals = cls(
            purchases=purchases,
            credits_=credits_,
            unique_buyers=unique_buyers,
            refunds=refunds,
            refunded_credits=refunded_credits,
            net_credits=net_credits,
        )

        return totals

