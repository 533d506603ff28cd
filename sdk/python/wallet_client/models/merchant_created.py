from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="MerchantCreated")



@_attrs_define
class MerchantCreated:
    """ 
        Attributes:
            id (str):
            name (str):
            kyc_status (str):
            created_at (datetime.datetime):
            secret_key (str): Shown once.
     """

    id: str
    name: str
    kyc_status: str
    created_at: datetime.datetime
    secret_key: str





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        kyc_status = self.kyc_status

        created_at = self.created_at.isoformat()

        secret_key = self.secret_key


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "name": name,
            "kyc_status": kyc_status,
            "created_at": created_at,
            "secret_key": secret_key,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        kyc_status = d.pop("kyc_status")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        secret_key = d.pop("secret_key")

        merchant_created = cls(
            id=id,
            name=name,
            kyc_status=kyc_status,
            created_at=created_at,
            secret_key=secret_key,
        )

        return merchant_created

