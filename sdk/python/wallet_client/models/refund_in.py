from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="RefundIn")



@_attrs_define
class RefundIn:
    """ 
        Attributes:
            amount (int | Unset): Credits to refund; all that is left if absent.
            reason (str | Unset): Operator only, required: why the operator refunds on the merchant's behalf (kept in the
                audit).
     """

    amount: int | Unset = UNSET
    reason: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        reason = self.reason


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if amount is not UNSET:
            field_dict["amount"] = amount
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount", UNSET)

        reason = d.pop("reason", UNSET)

        refund_in = cls(
            amount=amount,
            reason=reason,
        )

        return refund_in

