from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.resolve_in_action import ResolveInAction
from ..types import UNSET, Unset






T = TypeVar("T", bound="ResolveIn")



@_attrs_define
class ResolveIn:
    """ 
        Attributes:
            action (ResolveInAction):
            note (str | Unset):  Default: ''.
     """

    action: ResolveInAction
    note: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        note = self.note


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "action": action,
        })
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = ResolveInAction(d.pop("action"))




        note = d.pop("note", UNSET)

        resolve_in = cls(
            action=action,
            note=note,
        )

        return resolve_in

