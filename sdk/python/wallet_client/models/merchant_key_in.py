from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="MerchantKeyIn")



@_attrs_define
class MerchantKeyIn:
    """ 
        Attributes:
            label (str | Unset):  Default: ''.
     """

    label: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        label = self.label


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        label = d.pop("label", UNSET)

        merchant_key_in = cls(
            label=label,
        )

        return merchant_key_in

