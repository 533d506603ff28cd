from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="EarningsOut")



@_attrs_define
class EarningsOut:
    """ 
        Attributes:
            pending (int):
            available (int):
            in_transit (int):
            reserved (int): held by the merchant's rolling reserve (docs/risk.md)
            debt (int): credits the merchant owes (>= 0): repaid from future earnings before anything is released; payouts
                wait until it is 0
     """

    pending: int
    available: int
    in_transit: int
    reserved: int
    debt: int





    def to_dict(self) -> dict[str, Any]:
        pending = self.pending

        available = self.available

        in_transit = self.in_transit

        reserved = self.reserved

        debt = self.debt


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "pending": pending,
            "available": available,
            "in_transit": in_transit,
            "reserved": reserved,
            "debt": debt,
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

        earnings_out = cls(
            pending=pending,
            available=available,
            in_transit=in_transit,
            reserved=reserved,
            debt=debt,
        )

        return earnings_out

