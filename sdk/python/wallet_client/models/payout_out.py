from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="PayoutOut")



@_attrs_define
class PayoutOut:
    """ 
        Attributes:
            object_ (str):
            id (str):
            merchant_id (str):
            status (str):
            origin (str):
            batch_id (None | str):
            credits_ (int):
            currency (str):
            gross (int):
            fee (int):
            amount (int):
            amount_display (str):
            fee_display (str):
            iban_last4 (str):
            holder_name (str):
            failure_reason (None | str):
            created_at (datetime.datetime):
            submitted_at (datetime.datetime | None):
            settled_at (datetime.datetime | None):
     """

    object_: str
    id: str
    merchant_id: str
    status: str
    origin: str
    batch_id: None | str
    credits_: int
    currency: str
    gross: int
    fee: int
    amount: int
    amount_display: str
    fee_display: str
    iban_last4: str
    holder_name: str
    failure_reason: None | str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    settled_at: datetime.datetime | None





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        id = self.id

        merchant_id = self.merchant_id

        status = self.status

        origin = self.origin

        batch_id: None | str
        batch_id = self.batch_id

        credits_ = self.credits_

        currency = self.currency

        gross = self.gross

        fee = self.fee

        amount = self.amount

        amount_display = self.amount_display

        fee_display = self.fee_display

        iban_last4 = self.iban_last4

        holder_name = self.holder_name

        failure_reason: None | str
        failure_reason = self.failure_reason

        created_at = self.created_at.isoformat()

        submitted_at: None | str
        if isinstance(self.submitted_at, datetime.datetime):
            submitted_at = self.submitted_at.isoformat()
        else:
            submitted_at = self.submitted_at

        settled_at: None | str
        if isinstance(self.settled_at, datetime.datetime):
            settled_at = self.settled_at.isoformat()
        else:
            settled_at = self.settled_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "id": id,
            "merchant_id": merchant_id,
            "status": status,
            "origin": origin,
            "batch_id": batch_id,
            "credits": credits_,
            "currency": currency,
            "gross": gross,
            "fee": fee,
            "amount": amount,
            "amount_display": amount_display,
            "fee_display": fee_display,
            "iban_last4": iban_last4,
            "holder_name": holder_name,
            "failure_reason": failure_reason,
            "created_at": created_at,
            "submitted_at": submitted_at,
            "settled_at": settled_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = d.pop("object")

        id = d.pop("id")

        merchant_id = d.pop("merchant_id")

        status = d.pop("status")

        origin = d.pop("origin")

        def _parse_batch_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        batch_id = _parse_batch_id(d.pop("batch_id"))


        credits_ = d.pop("credits")

        currency = d.pop("currency")

        gross = d.pop("gross")

        fee = d.pop("fee")

        amount = d.pop("amount")

        amount_display = d.pop("amount_display")

        fee_display = d.pop("fee_display")

        iban_last4 = d.pop("iban_last4")

        holder_name = d.pop("holder_name")

        def _parse_failure_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_reason = _parse_failure_reason(d.pop("failure_reason"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_submitted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                submitted_at_type_0 = datetime.datetime.fromisoformat(data)



                return submitted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        submitted_at = _parse_submitted_at(d.pop("submitted_at"))


        def _parse_settled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                settled_at_type_0 = datetime.datetime.fromisoformat(data)



                return settled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        settled_at = _parse_settled_at(d.pop("settled_at"))


        payout_out = cls(
            object_=object_,
            id=id,
            merchant_id=merchant_id,
            status=status,
            origin=origin,
            batch_id=batch_id,
            credits_=credits_,
            currency=currency,
            gross=gross,
            fee=fee,
            amount=amount,
            amount_display=amount_display,
            fee_display=fee_display,
            iban_last4=iban_last4,
            holder_name=holder_name,
            failure_reason=failure_reason,
            created_at=created_at,
            submitted_at=submitted_at,
            settled_at=settled_at,
        )

        return payout_out

