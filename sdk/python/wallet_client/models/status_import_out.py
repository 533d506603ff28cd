from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.import_conflict_out import ImportConflictOut





T = TypeVar("T", bound="StatusImportOut")



@_attrs_define
class StatusImportOut:
    """ 
        Attributes:
            paid (int):
            failed (int):
            unchanged (int):
            unknown (list[str]):
            conflicts (list[ImportConflictOut]):
     """

    paid: int
    failed: int
    unchanged: int
    unknown: list[str]
    conflicts: list[ImportConflictOut]





    def to_dict(self) -> dict[str, Any]:
        from ..models.import_conflict_out import ImportConflictOut # noqa: PLC0415
        paid = self.paid

        failed = self.failed

        unchanged = self.unchanged

        unknown = self.unknown



        conflicts = []
        for conflicts_item_data in self.conflicts:
            conflicts_item = conflicts_item_data.to_dict()
            conflicts.append(conflicts_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "paid": paid,
            "failed": failed,
            "unchanged": unchanged,
            "unknown": unknown,
            "conflicts": conflicts,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_conflict_out import ImportConflictOut # noqa: PLC0415
        d = dict(src_dict)
        paid = d.pop("paid")

        failed = d.pop("failed")

        unchanged = d.pop("unchanged")

        unknown = cast(list[str], d.pop("unknown"))


        conflicts = []
        _conflicts = d.pop("conflicts")
        for conflicts_item_data in (_conflicts):
            conflicts_item = ImportConflictOut.from_dict(conflicts_item_data)



            conflicts.append(conflicts_item)


        status_import_out = cls(
            paid=paid,
            failed=failed,
            unchanged=unchanged,
            unknown=unknown,
            conflicts=conflicts,
        )

        return status_import_out

