from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.purchase_out_metadata import PurchaseOutMetadata





T = TypeVar("T", bound="PurchaseOut")



@_attrs_define
class PurchaseOut:
    """ 
        Attributes:
            object_ (str):
            id (str):
            amount (int):
            refunded (int):
            merchant_id (str):
            app_id (str):
            user_id (str):
            description (str):
            metadata (PurchaseOutMetadata):
            balance_after (int): Credits left after it.
            created_at (datetime.datetime):
            merchant_name (str | Unset): on GET /v1/purchases/{id} only
            app_name (str | Unset): on GET /v1/purchases/{id} only
     """

    object_: str
    id: str
    amount: int
    refunded: int
    merchant_id: str
    app_id: str
    user_id: str
    description: str
    metadata: PurchaseOutMetadata
    balance_after: int
    created_at: datetime.datetime
    merchant_name: str | Unset = UNSET
    app_name: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.purchase_out_metadata import PurchaseOutMetadata # noqa: PLC0415
        object_ = self.object_

        id = self.id

        amount = self.amount

        refunded = self.refunded

        merchant_id = self.merchant_id

        app_id = self.app_id

        user_id = self.user_id

        description = self.description

        metadata = self.metadata.to_dict()

        balance_after = self.balance_after

        created_at = self.created_at.isoformat()

        merchant_name = self.merchant_name

        app_name = self.app_name


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "id": id,
            "amount": amount,
            "refunded": refunded,
            "merchant_id": merchant_id,
            "app_id": app_id,
            "user_id": user_id,
            "description": description,
            "metadata": metadata,
            "balance_after": balance_after,
            "created_at": created_at,
        })
        if merchant_name is not UNSET:
            field_dict["merchant_name"] = merchant_name
        if app_name is not UNSET:
            field_dict["app_name"] = app_name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.purchase_out_metadata import PurchaseOutMetadata # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        id = d.pop("id")

        amount = d.pop("amount")

        refunded = d.pop("refunded")

        merchant_id = d.pop("merchant_id")

        app_id = d.pop("app_id")

        user_id = d.pop("user_id")

        description = d.pop("description")

        metadata = PurchaseOutMetadata.from_dict(d.pop("metadata"))




        balance_after = d.pop("balance_after")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        merchant_name = d.pop("merchant_name", UNSET)

        app_name = d.pop("app_name", UNSET)

        purchase_out = cls(
            object_=object_,
            id=id,
            amount=amount,
            refunded=refunded,
            merchant_id=merchant_id,
            app_id=app_id,
            user_id=user_id,
            description=description,
            metadata=metadata,
            balance_after=balance_after,
            created_at=created_at,
            merchant_name=merchant_name,
            app_name=app_name,
        )

        return purchase_out

