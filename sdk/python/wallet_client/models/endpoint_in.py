from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="EndpointIn")



@_attrs_define
class EndpointIn:
    """ 
        Attributes:
            url (str): https:// and public in production.
            events (list[str]): Event types, or ["*"] for all.
            description (str | Unset):  Default: ''.
     """

    url: str
    events: list[str]
    description: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events = self.events



        description = self.description


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "url": url,
            "events": events,
        })
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        events = cast(list[str], d.pop("events"))


        description = d.pop("description", UNSET)

        endpoint_in = cls(
            url=url,
            events=events,
            description=description,
        )

        return endpoint_in

