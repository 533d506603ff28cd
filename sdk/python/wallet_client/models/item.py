from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Item")



@_attrs_define
class Item:
    """ 
        Attributes:
            item (None | str | Unset): metadata.sku, else the description; null for the rest
            other_items (int | Unset):
            purchases (int | Unset):
            credits_ (int | Unset):
     """

    item: None | str | Unset = UNSET
    other_items: int | Unset = UNSET
    purchases: int | Unset = UNSET
    credits_: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        item: None | str | Unset
        if isinstance(self.item, Unset):
            item = UNSET
        else:
            item = self.item

        other_items = self.other_items

        purchases = self.purchases

        credits_ = self.credits_


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if item is not UNSET:
            field_dict["item"] = item
        if other_items is not UNSET:
            field_dict["other_items"] = other_items
        if purchases is not UNSET:
            field_dict["purchases"] = purchases
        if credits_ is not UNSET:
            field_dict["credits"] = credits_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_item(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        item = _parse_item(d.pop("item", UNSET))


        other_items = d.pop("other_items", UNSET)

        purchases = d.pop("purchases", UNSET)

        credits_ = d.pop("credits", UNSET)

        item = cls(
            item=item,
            other_items=other_items,
            purchases=purchases,
            credits_=credits_,
        )

        return item

