from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CreditsOutstandingOut")



@_attrs_define
class CreditsOutstandingOut:
    """ 
        Attributes:
            credits_paid (int):
            credits_promotional (int):
            total (int):
     """

    credits_paid: int
    credits_promotional: int
    total: int





    def to_dict(self) -> dict[str, Any]:
        credits_paid = self.credits_paid

        credits_promotional = self.credits_promotional

        total = self.total


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "credits_paid": credits_paid,
            "credits_promotional": credits_promotional,
            "total": total,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credits_paid = d.pop("credits_paid")

        credits_promotional = d.pop("credits_promotional")

        total = d.pop("total")

        credits_outstanding_out = cls(
            credits_paid=credits_paid,
            credits_promotional=credits_promotional,
            total=total,
        )

        return credits_outstanding_out

