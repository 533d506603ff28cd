from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Heatmap")



@_attrs_define
class Heatmap:
    """ 
        Attributes:
            weekdays (list[str] | Unset):
            hours (list[int] | Unset):
            timezone (str | Unset):
            purchases (list[list[int]] | Unset):
            credits_ (list[list[int]] | Unset):
     """

    weekdays: list[str] | Unset = UNSET
    hours: list[int] | Unset = UNSET
    timezone: str | Unset = UNSET
    purchases: list[list[int]] | Unset = UNSET
    credits_: list[list[int]] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        weekdays: list[str] | Unset = UNSET
        if not isinstance(self.weekdays, Unset):
            weekdays = self.weekdays



        hours: list[int] | Unset = UNSET
        if not isinstance(self.hours, Unset):
            hours = self.hours



        timezone = self.timezone

        purchases: list[list[int]] | Unset = UNSET
        if not isinstance(self.purchases, Unset):
            purchases = []
            for purchases_item_data in self.purchases:
                purchases_item = purchases_item_data


                purchases.append(purchases_item)



        credits_: list[list[int]] | Unset = UNSET
        if not isinstance(self.credits_, Unset):
            credits_ = []
            for credits_item_data in self.credits_:
                credits_item = credits_item_data


                credits_.append(credits_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if weekdays is not UNSET:
            field_dict["weekdays"] = weekdays
        if hours is not UNSET:
            field_dict["hours"] = hours
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if purchases is not UNSET:
            field_dict["purchases"] = purchases
        if credits_ is not UNSET:
            field_dict["credits"] = credits_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        weekdays = cast(list[str], d.pop("weekdays", UNSET))


        hours = cast(list[int], d.pop("hours", UNSET))


        timezone = d.pop("timezone", UNSET)

        _purchases = d.pop("purchases", UNSET)
        purchases: list[list[int]] | Unset = UNSET
        if _purchases is not UNSET:
            purchases = []
            for purchases_item_data in _purchases:
                purchases_item = cast(list[int], purchases_item_data)

                purchases.append(purchases_item)


        _credits_ = d.pop("credits", UNSET)
        credits_: list[list[int]] | Unset = UNSET
        if _credits_ is not UNSET:
            credits_ = []
            for credits_item_data in _credits_:
                credits_item = cast(list[int], credits_item_data)

                credits_.append(credits_item)


        heatmap = cls(
            weekdays=weekdays,
            hours=hours,
            timezone=timezone,
            purchases=purchases,
            credits_=credits_,
        )

        return heatmap

