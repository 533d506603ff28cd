from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.top_up_out_status import TopUpOutStatus
from typing import cast
import datetime






T = TypeVar("T", bound="TopUpOut")



@_attrs_define
class TopUpOut:
    """ 
        Attributes:
            id (str):
            object_ (str):
            status (TopUpOutStatus):
            pack_id (str):
            currency (str):
            price_minor (int):
            price_display (str):
            credits_ (int): credits the pack adds
            credited (int): credits in the wallet from this top-up now (after claw-backs)
            refunded_minor (int):
            refunded_display (str):
            provider (str):
            checkout_url (None | str):
            failure_message (None | str):
            hold_reason (None | str):
            created_at (datetime.datetime):
            paid_at (datetime.datetime | None):
     """

    id: str
    object_: str
    status: TopUpOutStatus
    pack_id: str
    currency: str
    price_minor: int
    price_display: str
    credits_: int
    credited: int
    refunded_minor: int
    refunded_display: str
    provider: str
    checkout_url: None | str
    failure_message: None | str
    hold_reason: None | str
    created_at: datetime.datetime
    paid_at: datetime.datetime | None





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        status = self.status.value

        pack_id = self.pack_id

        currency = self.currency

        price_minor = self.price_minor

        price_display = self.price_display

        credits_ = self.credits_

        credited = self.credited

        refunded_minor = self.refunded_minor

        refunded_display = self.refunded_display

        provider = self.provider

        checkout_url: None | str
        checkout_url = self.checkout_url

        failure_message: None | str
        failure_message = self.failure_message

        hold_reason: None | str
        hold_reason = self.hold_reason

        created_at = self.created_at.isoformat()

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "object": object_,
            "status": status,
            "pack_id": pack_id,
            "currency": currency,
            "price_minor": price_minor,
            "price_display": price_display,
            "credits": credits_,
            "credited": credited,
            "refunded_minor": refunded_minor,
            "refunded_display": refunded_display,
            "provider": provider,
            "checkout_url": checkout_url,
            "failure_message": failure_message,
            "hold_reason": hold_reason,
            "created_at": created_at,
            "paid_at": paid_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        object_ = d.pop("object")

        status = TopUpOutStatus(d.pop("status"))




        pack_id = d.pop("pack_id")

        currency = d.pop("currency")

        price_minor = d.pop("price_minor")

        price_display = d.pop("price_display")

        credits_ = d.pop("credits")

        credited = d.pop("credited")

        refunded_minor = d.pop("refunded_minor")

        refunded_display = d.pop("refunded_display")

        provider = d.pop("provider")

        def _parse_checkout_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        checkout_url = _parse_checkout_url(d.pop("checkout_url"))


        def _parse_failure_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_message = _parse_failure_message(d.pop("failure_message"))


        def _parse_hold_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        hold_reason = _parse_hold_reason(d.pop("hold_reason"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)



                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))


        top_up_out = cls(
            id=id,
            object_=object_,
            status=status,
            pack_id=pack_id,
            currency=currency,
            price_minor=price_minor,
            price_display=price_display,
            credits_=credits_,
            credited=credited,
            refunded_minor=refunded_minor,
            refunded_display=refunded_display,
            provider=provider,
            checkout_url=checkout_url,
            failure_message=failure_message,
            hold_reason=hold_reason,
            created_at=created_at,
            paid_at=paid_at,
        )

        return top_up_out

