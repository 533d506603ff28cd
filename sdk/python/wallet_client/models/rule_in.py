from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="RuleIn")



@_attrs_define
class RuleIn:
    """ 
        Attributes:
            threshold (int): Credits.
            pack_id (str):
            currency (str):
            enabled (bool | Unset):  Default: True.
     """

    threshold: int
    pack_id: str
    currency: str
    enabled: bool | Unset = True





    def to_dict(self) -> dict[str, Any]:
        threshold = self.threshold

        pack_id = self.pack_id

        currency = self.currency

        enabled = self.enabled


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "threshold": threshold,
            "pack_id": pack_id,
            "currency": currency,
        })
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        threshold = d.pop("threshold")

        pack_id = d.pop("pack_id")

        currency = d.pop("currency")

        enabled = d.pop("enabled", UNSET)

        rule_in = cls(
            threshold=threshold,
            pack_id=pack_id,
            currency=currency,
            enabled=enabled,
        )

        return rule_in

