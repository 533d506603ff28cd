from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CardCheckoutOut")



@_attrs_define
class CardCheckoutOut:
    """ 
        Attributes:
            checkout_session_id (str):
            checkout_url (str): Send the person here; Stripe brings them back to the wallet page with
                ?card_setup=<checkout_session_id>.
     """

    checkout_session_id: str
    checkout_url: str





    def to_dict(self) -> dict[str, Any]:
        checkout_session_id = self.checkout_session_id

        checkout_url = self.checkout_url


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "checkout_session_id": checkout_session_id,
            "checkout_url": checkout_url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        checkout_session_id = d.pop("checkout_session_id")

        checkout_url = d.pop("checkout_url")

        card_checkout_out = cls(
            checkout_session_id=checkout_session_id,
            checkout_url=checkout_url,
        )

        return card_checkout_out

