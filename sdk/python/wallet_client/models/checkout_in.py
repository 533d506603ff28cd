from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CheckoutIn")



@_attrs_define
class CheckoutIn:
    """ 
        Attributes:
            pack_id (str):
            currency (str):
     """

    pack_id: str
    currency: str





    def to_dict(self) -> dict[str, Any]:
        pack_id = self.pack_id

        currency = self.currency


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "pack_id": pack_id,
            "currency": currency,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pack_id = d.pop("pack_id")

        currency = d.pop("currency")

        checkout_in = cls(
            pack_id=pack_id,
            currency=currency,
        )

        return checkout_in

