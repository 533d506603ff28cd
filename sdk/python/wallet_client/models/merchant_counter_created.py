from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="MerchantCounterCreated")



@_attrs_define
class MerchantCounterCreated:
    """ 
        Attributes:
            id (str):
            merchant_id (str):
            name (str):
            created_at (datetime.datetime):
            key (str): Counter key ck_…, shown once.
     """

    id: str
    merchant_id: str
    name: str
    created_at: datetime.datetime
    key: str





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        merchant_id = self.merchant_id

        name = self.name

        created_at = self.created_at.isoformat()

        key = self.key


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "merchant_id": merchant_id,
            "name": name,
            "created_at": created_at,
            "key": key,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        merchant_id = d.pop("merchant_id")

        name = d.pop("name")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        key = d.pop("key")

        merchant_counter_created = cls(
            id=id,
            merchant_id=merchant_id,
            name=name,
            created_at=created_at,
            key=key,
        )

        return merchant_counter_created

