from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ImportConflictOut")



@_attrs_define
class ImportConflictOut:
    """ 
        Attributes:
            id (str):
            status (str):
            reported (str):
     """

    id: str
    status: str
    reported: str





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status

        reported = self.reported


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "status": status,
            "reported": reported,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        status = d.pop("status")

        reported = d.pop("reported")

        import_conflict_out = cls(
            id=id,
            status=status,
            reported=reported,
        )

        return import_conflict_out

