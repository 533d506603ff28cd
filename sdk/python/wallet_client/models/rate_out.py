from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="RateOut")



@_attrs_define
class RateOut:
    """ 
        Attributes:
            credits_ (int):
            money_minor (int):
            currency (str):
     """

    credits_: int
    money_minor: int
    currency: str





    def to_dict(self) -> dict[str, Any]:
        credits_ = self.credits_

        money_minor = self.money_minor

        currency = self.currency


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "credits": credits_,
            "money_minor": money_minor,
            "currency": currency,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credits_ = d.pop("credits")

        money_minor = d.pop("money_minor")

        currency = d.pop("currency")

        rate_out = cls(
            credits_=credits_,
            money_minor=money_minor,
            currency=currency,
        )

        return rate_out

