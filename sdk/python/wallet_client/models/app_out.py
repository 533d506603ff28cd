from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="AppOut")



@_attrs_define
class AppOut:
    """ 
        Attributes:
            id (str):
            merchant_id (str):
            name (str):
            redirect_uris (list[str]):
            created_at (datetime.datetime):
     """

    id: str
    merchant_id: str
    name: str
    redirect_uris: list[str]
    created_at: datetime.datetime





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        merchant_id = self.merchant_id

        name = self.name

        redirect_uris = self.redirect_uris



        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "merchant_id": merchant_id,
            "name": name,
            "redirect_uris": redirect_uris,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        merchant_id = d.pop("merchant_id")

        name = d.pop("name")

        redirect_uris = cast(list[str], d.pop("redirect_uris"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        app_out = cls(
            id=id,
            merchant_id=merchant_id,
            name=name,
            redirect_uris=redirect_uris,
            created_at=created_at,
        )

        return app_out

