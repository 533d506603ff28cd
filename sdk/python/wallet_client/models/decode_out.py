from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="DecodeOut")



@_attrs_define
class DecodeOut:
    """ 
        Attributes:
            found (bool):
            payload (None | str): the voucher payload found in the image, or null when there is none
     """

    found: bool
    payload: None | str





    def to_dict(self) -> dict[str, Any]:
        found = self.found

        payload: None | str
        payload = self.payload


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "found": found,
            "payload": payload,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        found = d.pop("found")

        def _parse_payload(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payload = _parse_payload(d.pop("payload"))


        decode_out = cls(
            found=found,
            payload=payload,
        )

        return decode_out

