from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="EventType")



@_attrs_define
class EventType:
    """ 
        Attributes:
            type_ (str):
            description (str):
     """

    type_: str
    description: str





    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        description = self.description


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "type": type_,
            "description": description,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type")

        description = d.pop("description")

        event_type = cls(
            type_=type_,
            description=description,
        )

        return event_type

