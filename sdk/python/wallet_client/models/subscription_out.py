from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.subscription_out_status import SubscriptionOutStatus
from typing import cast
import datetime






T = TypeVar("T", bound="SubscriptionOut")



@_attrs_define
class SubscriptionOut:
    """ 
        Attributes:
            object_ (str):
            id (str):
            plan_id (str):
            status (SubscriptionOutStatus):
            current_period_start (datetime.datetime):
            current_period_end (datetime.datetime):
            cancel_at_period_end (bool):
            user_id (str):
            merchant_id (str):
            app_id (None | str):
            canceled_at (datetime.datetime | None):
            created_at (datetime.datetime):
            plan_name (str):
            amount (int): Credits per interval.
            interval (str):
     """

    object_: str
    id: str
    plan_id: str
    status: SubscriptionOutStatus
    current_period_start: datetime.datetime
    current_period_end: datetime.datetime
    cancel_at_period_end: bool
    user_id: str
    merchant_id: str
    app_id: None | str
    canceled_at: datetime.datetime | None
    created_at: datetime.datetime
    plan_name: str
    amount: int
    interval: str





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        id = self.id

        plan_id = self.plan_id

        status = self.status.value

        current_period_start = self.current_period_start.isoformat()

        current_period_end = self.current_period_end.isoformat()

        cancel_at_period_end = self.cancel_at_period_end

        user_id = self.user_id

        merchant_id = self.merchant_id

        app_id: None | str
        app_id = self.app_id

        canceled_at: None | str
        if isinstance(self.canceled_at, datetime.datetime):
            canceled_at = self.canceled_at.isoformat()
        else:
            canceled_at = self.canceled_at

        created_at = self.created_at.isoformat()

        plan_name = self.plan_name

        amount = self.amount

        interval = self.interval


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "id": id,
            "plan_id": plan_id,
            "status": status,
            "current_period_start": current_period_start,
            "current_period_end": current_period_end,
            "cancel_at_period_end": cancel_at_period_end,
            "user_id": user_id,
            "merchant_id": merchant_id,
            "app_id": app_id,
            "canceled_at": canceled_at,
            "created_at": created_at,
            "plan_name": plan_name,
            "amount": amount,
            "interval": interval,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = d.pop("object")

        id = d.pop("id")

        plan_id = d.pop("plan_id")

        status = SubscriptionOutStatus(d.pop("status"))




        current_period_start = datetime.datetime.fromisoformat(d.pop("current_period_start"))




        current_period_end = datetime.datetime.fromisoformat(d.pop("current_period_end"))




        cancel_at_period_end = d.pop("cancel_at_period_end")

        user_id = d.pop("user_id")

        merchant_id = d.pop("merchant_id")

        def _parse_app_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        app_id = _parse_app_id(d.pop("app_id"))


        def _parse_canceled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                canceled_at_type_0 = datetime.datetime.fromisoformat(data)



                return canceled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        canceled_at = _parse_canceled_at(d.pop("canceled_at"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        plan_name = d.pop("plan_name")

        amount = d.pop("amount")

        interval = d.pop("interval")

        subscription_out = cls(
            object_=object_,
            id=id,
            plan_id=plan_id,
            status=status,
            current_period_start=current_period_start,
            current_period_end=current_period_end,
            cancel_at_period_end=cancel_at_period_end,
            user_id=user_id,
            merchant_id=merchant_id,
            app_id=app_id,
            canceled_at=canceled_at,
            created_at=created_at,
            plan_name=plan_name,
            amount=amount,
            interval=interval,
        )

        return subscription_out

