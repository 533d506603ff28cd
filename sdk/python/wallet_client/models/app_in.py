from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="AppIn")



@_attrs_define
class AppIn:
    """ 
        Attributes:
            name (str):
            redirect_uris (list[str]):
     """

    name: str
    redirect_uris: list[str]





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        redirect_uris = self.redirect_uris




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "redirect_uris": redirect_uris,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        redirect_uris = cast(list[str], d.pop("redirect_uris"))


        app_in = cls(
            name=name,
            redirect_uris=redirect_uris,
        )

        return app_in

