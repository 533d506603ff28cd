from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CheckoutConfirmIn")



@_attrs_define
class CheckoutConfirmIn:
    """ 
        Attributes:
            checkout_session_id (str): From /card/checkout.
     """

    checkout_session_id: str





    def to_dict(self) -> dict[str, Any]:
        checkout_session_id = self.checkout_session_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "checkout_session_id": checkout_session_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        checkout_session_id = d.pop("checkout_session_id")

        checkout_confirm_in = cls(
            checkout_session_id=checkout_session_id,
        )

        return checkout_confirm_in

