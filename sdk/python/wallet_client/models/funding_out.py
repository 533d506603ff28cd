from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="FundingOut")



@_attrs_define
class FundingOut:
    """ 
        Attributes:
            credits_sold (int):
            promotions_issued (int):
            gift_cards_sold (int):
            paid_out (int):
     """

    credits_sold: int
    promotions_issued: int
    gift_cards_sold: int
    paid_out: int





    def to_dict(self) -> dict[str, Any]:
        credits_sold = self.credits_sold

        promotions_issued = self.promotions_issued

        gift_cards_sold = self.gift_cards_sold

        paid_out = self.paid_out


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "credits_sold": credits_sold,
            "promotions_issued": promotions_issued,
            "gift_cards_sold": gift_cards_sold,
            "paid_out": paid_out,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credits_sold = d.pop("credits_sold")

        promotions_issued = d.pop("promotions_issued")

        gift_cards_sold = d.pop("gift_cards_sold")

        paid_out = d.pop("paid_out")

        funding_out = cls(
            credits_sold=credits_sold,
            promotions_issued=promotions_issued,
            gift_cards_sold=gift_cards_sold,
            paid_out=paid_out,
        )

        return funding_out

