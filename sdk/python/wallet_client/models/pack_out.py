from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="PackOut")



@_attrs_define
class PackOut:
    """ 
        Attributes:
            id (str):
            currency (str):
            price_minor (int): ISO 4217 minor units
            price_display (str):
            credits_ (int):
            bonus_credits (int):
            total_credits (int): credits + bonus
     """

    id: str
    currency: str
    price_minor: int
    price_display: str
    credits_: int
    bonus_credits: int
    total_credits: int





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        currency = self.currency

        price_minor = self.price_minor

        price_display = self.price_display

        credits_ = self.credits_

        bonus_credits = self.bonus_credits

        total_credits = self.total_credits


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "currency": currency,
            "price_minor": price_minor,
            "price_display": price_display,
            "credits": credits_,
            "bonus_credits": bonus_credits,
            "total_credits": total_credits,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        currency = d.pop("currency")

        price_minor = d.pop("price_minor")

        price_display = d.pop("price_display")

        credits_ = d.pop("credits")

        bonus_credits = d.pop("bonus_credits")

        total_credits = d.pop("total_credits")

        pack_out = cls(
            id=id,
            currency=currency,
            price_minor=price_minor,
            price_display=price_display,
            credits_=credits_,
            bonus_credits=bonus_credits,
            total_credits=total_credits,
        )

        return pack_out

