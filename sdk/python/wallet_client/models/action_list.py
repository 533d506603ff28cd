from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.action_out import ActionOut





T = TypeVar("T", bound="ActionList")



@_attrs_define
class ActionList:
    """ 
        Attributes:
            data (list[ActionOut]):
            has_more (bool):
     """

    data: list[ActionOut]
    has_more: bool





    def to_dict(self) -> dict[str, Any]:
        from ..models.action_out import ActionOut # noqa: PLC0415
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)



        has_more = self.has_more


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "data": data,
            "has_more": has_more,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.action_out import ActionOut # noqa: PLC0415
        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in (_data):
            data_item = ActionOut.from_dict(data_item_data)



            data.append(data_item)


        has_more = d.pop("has_more")

        action_list = cls(
            data=data,
            has_more=has_more,
        )

        return action_list

