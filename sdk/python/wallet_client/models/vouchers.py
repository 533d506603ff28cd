from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="Vouchers")



@_attrs_define
class Vouchers:
    """ 
        Attributes:
            redemptions (int | Unset):
            redeemed_credits (int | Unset):
            voids (int | Unset):
            voided_credits (int | Unset):
            net_redeemed_credits (int | Unset):
     """

    redemptions: int | Unset = UNSET
    redeemed_credits: int | Unset = UNSET
    voids: int | Unset = UNSET
    voided_credits: int | Unset = UNSET
    net_redeemed_credits: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        redemptions = self.redemptions

        redeemed_credits = self.redeemed_credits

        voids = self.voids

        voided_credits = self.voided_credits

        net_redeemed_credits = self.net_redeemed_credits


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if redemptions is not UNSET:
            field_dict["redemptions"] = redemptions
        if redeemed_credits is not UNSET:
            field_dict["redeemed_credits"] = redeemed_credits
        if voids is not UNSET:
            field_dict["voids"] = voids
        if voided_credits is not UNSET:
            field_dict["voided_credits"] = voided_credits
        if net_redeemed_credits is not UNSET:
            field_dict["net_redeemed_credits"] = net_redeemed_credits

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        redemptions = d.pop("redemptions", UNSET)

        redeemed_credits = d.pop("redeemed_credits", UNSET)

        voids = d.pop("voids", UNSET)

        voided_credits = d.pop("voided_credits", UNSET)

        net_redeemed_credits = d.pop("net_redeemed_credits", UNSET)

        vouchers = cls(
            redemptions=redemptions,
            redeemed_credits=redeemed_credits,
            voids=voids,
            voided_credits=voided_credits,
            net_redeemed_credits=net_redeemed_credits,
        )

        return vouchers

