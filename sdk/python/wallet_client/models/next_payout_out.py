from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="NextPayoutOut")



@_attrs_define
class NextPayoutOut:
    """ 
        Attributes:
            credits_ (int):
            gross (int):
            fee (int):
            amount (int):
            amount_display (str):
            remainder_credits (int):
     """

    credits_: int
    gross: int
    fee: int
    amount: int
    amount_display: str
    remainder_credits: int





    def to_dict(self) -> dict[str, Any]:
        credits_ = self.credits_

        gross = self.gross

        fee = self.fee

        amount = self.amount

        amount_display = self.amount_display

        remainder_credits = self.remainder_credits


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "credits": credits_,
            "gross": gross,
            "fee": fee,
            "amount": amount,
            "amount_display": amount_display,
            "remainder_credits": remainder_credits,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credits_ = d.pop("credits")

        gross = d.pop("gross")

        fee = d.pop("fee")

        amount = d.pop("amount")

        amount_display = d.pop("amount_display")

        remainder_credits = d.pop("remainder_credits")

        next_payout_out = cls(
            credits_=credits_,
            gross=gross,
            fee=fee,
            amount=amount,
            amount_display=amount_display,
            remainder_credits=remainder_credits,
        )

        return next_payout_out

