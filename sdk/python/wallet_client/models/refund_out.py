from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="RefundOut")



@_attrs_define
class RefundOut:
    """ 
        Attributes:
            object_ (str):
            id (str):
            purchase_id (str):
            amount (int):
            purchase_amount (int):
            purchase_refunded (int):
            created_at (datetime.datetime):
     """

    object_: str
    id: str
    purchase_id: str
    amount: int
    purchase_amount: int
    purchase_refunded: int
    created_at: datetime.datetime





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        id = self.id

        purchase_id = self.purchase_id

        amount = self.amount

        purchase_amount = self.purchase_amount

        purchase_refunded = self.purchase_refunded

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "id": id,
            "purchase_id": purchase_id,
            "amount": amount,
            "purchase_amount": purchase_amount,
            "purchase_refunded": purchase_refunded,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = d.pop("object")

        id = d.pop("id")

        purchase_id = d.pop("purchase_id")

        amount = d.pop("amount")

        purchase_amount = d.pop("purchase_amount")

        purchase_refunded = d.pop("purchase_refunded")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        refund_out = cls(
            object_=object_,
            id=id,
            purchase_id=purchase_id,
            amount=amount,
            purchase_amount=purchase_amount,
            purchase_refunded=purchase_refunded,
            created_at=created_at,
        )

        return refund_out

