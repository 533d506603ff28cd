from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="PersonOut")



@_attrs_define
class PersonOut:
    """ 
        Attributes:
            id (str):
            email (str):
            frozen (bool):
            created_at (datetime.datetime):
     """

    id: str
    email: str
    frozen: bool
    created_at: datetime.datetime





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        email = self.email

        frozen = self.frozen

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "email": email,
            "frozen": frozen,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        email = d.pop("email")

        frozen = d.pop("frozen")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        person_out = cls(
            id=id,
            email=email,
            frozen=frozen,
            created_at=created_at,
        )

        return person_out

