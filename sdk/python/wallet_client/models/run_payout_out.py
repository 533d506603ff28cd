from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="RunPayoutOut")



@_attrs_define
class RunPayoutOut:
    """ 
        Attributes:
            id (str):
            merchant_id (str):
            amount (int):
            currency (str):
            fee (int):
     """

    id: str
    merchant_id: str
    amount: int
    currency: str
    fee: int





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        merchant_id = self.merchant_id

        amount = self.amount

        currency = self.currency

        fee = self.fee


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "merchant_id": merchant_id,
            "amount": amount,
            "currency": currency,
            "fee": fee,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        merchant_id = d.pop("merchant_id")

        amount = d.pop("amount")

        currency = d.pop("currency")

        fee = d.pop("fee")

        run_payout_out = cls(
            id=id,
            merchant_id=merchant_id,
            amount=amount,
            currency=currency,
            fee=fee,
        )

        return run_payout_out

