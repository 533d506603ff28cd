from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CardCheckoutIn")



@_attrs_define
class CardCheckoutIn:
    """ 
        Attributes:
            currency (str): The currency the saved card will be charged in (the packs').
     """

    currency: str





    def to_dict(self) -> dict[str, Any]:
        currency = self.currency


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "currency": currency,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        card_checkout_in = cls(
            currency=currency,
        )

        return card_checkout_in

