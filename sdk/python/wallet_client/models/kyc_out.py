from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="KycOut")



@_attrs_define
class KycOut:
    """ 
        Attributes:
            object_ (str):
            id (str):
            kyc_status (str):
     """

    object_: str
    id: str
    kyc_status: str





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        id = self.id

        kyc_status = self.kyc_status


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "id": id,
            "kyc_status": kyc_status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = d.pop("object")

        id = d.pop("id")

        kyc_status = d.pop("kyc_status")

        kyc_out = cls(
            object_=object_,
            id=id,
            kyc_status=kyc_status,
        )

        return kyc_out

