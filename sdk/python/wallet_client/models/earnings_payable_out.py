from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="EarningsPayableOut")



@_attrs_define
class EarningsPayableOut:
    """ 
        Attributes:
            pending (int):
            available (int):
            in_transit (int):
            reserved (int): held by merchants' rolling reserves (docs/risk.md)
            debt (int): what merchants owe, as a balance <= 0 (docs/risk.md)
            total (int):
     """

    pending: int
    available: int
    in_transit: int
    reserved: int
    debt: int
    total: int





    def to_dict(self) -> dict[str, Any]:
        pending = self.pending

        available = self.available

        in_transit = self.in_transit

        reserved = self.reserved

        debt = self.debt

        total = self.total


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "pending": pending,
            "available": available,
            "in_transit": in_transit,
            "reserved": reserved,
            "debt": debt,
            "total": total,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pending = d.pop("pending")

        available = d.pop("available")

        in_transit = d.pop("in_transit")

        reserved = d.pop("reserved")

        debt = d.pop("debt")

        total = d.pop("total")

        earnings_payable_out = cls(
            pending=pending,
            available=available,
            in_transit=in_transit,
            reserved=reserved,
            debt=debt,
            total=total,
        )

        return earnings_payable_out

