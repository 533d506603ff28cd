from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="Subscriptions")



@_attrs_define
class Subscriptions:
    """ 
        Attributes:
            new (int | Unset): subscriptions started in the window
            churned (int | Unset): subscriptions that ended in it
            active (int | Unset): live at the window's end (trialing, active or past due)
     """

    new: int | Unset = UNSET
    churned: int | Unset = UNSET
    active: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        new = self.new

        churned = self.churned

        active = self.active


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if new is not UNSET:
            field_dict["new"] = new
        if churned is not UNSET:
            field_dict["churned"] = churned
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        new = d.pop("new", UNSET)

        churned = d.pop("churned", UNSET)

        active = d.pop("active", UNSET)

        subscriptions = cls(
            new=new,
            churned=churned,
            active=active,
        )

        return subscriptions

