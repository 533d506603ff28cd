from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Size")



@_attrs_define
class Size:
    """ 
        Attributes:
            bucket (str | Unset):
            min_ (int | Unset):
            max_ (int | None | Unset):
            purchases (int | Unset):
            credits_ (int | Unset):
     """

    bucket: str | Unset = UNSET
    min_: int | Unset = UNSET
    max_: int | None | Unset = UNSET
    purchases: int | Unset = UNSET
    credits_: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        bucket = self.bucket

        min_ = self.min_

        max_: int | None | Unset
        if isinstance(self.max_, Unset):
            max_ = UNSET
        else:
            max_ = self.max_

        purchases = self.purchases

        credits_ = self.credits_


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if bucket is not UNSET:
            field_dict["bucket"] = bucket
        if min_ is not UNSET:
            field_dict["min"] = min_
        if max_ is not UNSET:
            field_dict["max"] = max_
        if purchases is not UNSET:
            field_dict["purchases"] = purchases
        if credits_ is not UNSET:
            field_dict["credits"] = credits_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bucket = d.pop("bucket", UNSET)

        min_ = d.pop("min", UNSET)

        def _parse_max_(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_ = _parse_max_(d.pop("max", UNSET))


        purchases = d.pop("purchases", UNSET)

        credits_ = d.pop("credits", UNSET)

        size = cls(
            bucket=bucket,
            min_=min_,
            max_=max_,
            purchases=purchases,
            credits_=credits_,
        )

        return size

