from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="CardOut")



@_attrs_define
class CardOut:
    """ 
        Attributes:
            last4 (None | str):
            provider (str):
     """

    last4: None | str
    provider: str





    def to_dict(self) -> dict[str, Any]:
        last4: None | str
        last4 = self.last4

        provider = self.provider


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "last4": last4,
            "provider": provider,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_last4(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last4 = _parse_last4(d.pop("last4"))


        provider = d.pop("provider")

        card_out = cls(
            last4=last4,
            provider=provider,
        )

        return card_out

