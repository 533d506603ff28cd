from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="EarningsValueOut")



@_attrs_define
class EarningsValueOut:
    """ 
        Attributes:
            currency (str):
            pending (int):
            pending_display (str):
            pending_unconverted_credits (int):
            available (int):
            available_display (str):
            available_unconverted_credits (int):
            in_transit (int):
            in_transit_display (str):
            in_transit_unconverted_credits (int):
     """

    currency: str
    pending: int
    pending_display: str
    pending_unconverted_credits: int
    available: int
    available_display: str
    available_unconverted_credits: int
    in_transit: int
    in_transit_display: str
    in_transit_unconverted_credits: int





    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        pending = self.pending

        pending_display = self.pending_display

        pending_unconverted_credits = self.pending_unconverted_credits

        available = self.available

        available_display = self.available_display

        available_unconverted_credits = self.available_unconverted_credits

        in_transit = self.in_transit

        in_transit_display = self.in_transit_display

        in_transit_unconverted_credits = self.in_transit_unconverted_credits


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "currency": currency,
            "pending": pending,
            "pending_display": pending_display,
            "pending_unconverted_credits": pending_unconverted_credits,
            "available": available,
            "available_display": available_display,
            "available_unconverted_credits": available_unconverted_credits,
            "in_transit": in_transit,
            "in_transit_display": in_transit_display,
            "in_transit_unconverted_credits": in_transit_unconverted_credits,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        pending = d.pop("pending")

        pending_display = d.pop("pending_display")

        pending_unconverted_credits = d.pop("pending_unconverted_credits")

        available = d.pop("available")

        available_display = d.pop("available_display")

        available_unconverted_credits = d.pop("available_unconverted_credits")

        in_transit = d.pop("in_transit")

        in_transit_display = d.pop("in_transit_display")

        in_transit_unconverted_credits = d.pop("in_transit_unconverted_credits")

        earnings_value_out = cls(
            currency=currency,
            pending=pending,
            pending_display=pending_display,
            pending_unconverted_credits=pending_unconverted_credits,
            available=available,
            available_display=available_display,
            available_unconverted_credits=available_unconverted_credits,
            in_transit=in_transit,
            in_transit_display=in_transit_display,
            in_transit_unconverted_credits=in_transit_unconverted_credits,
        )

        return earnings_value_out

