from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="SetupOut")



@_attrs_define
class SetupOut:
    """ 
        Attributes:
            setup_intent_id (str):
            client_secret (str): For Stripe.js confirmCardSetup on the page.
     """

    setup_intent_id: str
    client_secret: str





    def to_dict(self) -> dict[str, Any]:
        setup_intent_id = self.setup_intent_id

        client_secret = self.client_secret


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "setup_intent_id": setup_intent_id,
            "client_secret": client_secret,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        setup_intent_id = d.pop("setup_intent_id")

        client_secret = d.pop("client_secret")

        setup_out = cls(
            setup_intent_id=setup_intent_id,
            client_secret=client_secret,
        )

        return setup_out

