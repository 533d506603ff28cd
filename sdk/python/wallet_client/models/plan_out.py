from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="PlanOut")



@_attrs_define
class PlanOut:
    """ 
        Attributes:
            object_ (str):
            id (str):
            merchant_id (str):
            name (str):
            description (None | str):
            amount (int):
            interval (str):
            trial_days (int):
            archived (bool):
            archived_at (datetime.datetime | None):
            created_at (datetime.datetime):
     """

    object_: str
    id: str
    merchant_id: str
    name: str
    description: None | str
    amount: int
    interval: str
    trial_days: int
    archived: bool
    archived_at: datetime.datetime | None
    created_at: datetime.datetime





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        id = self.id

        merchant_id = self.merchant_id

        name = self.name

        description: None | str
        description = self.description

        amount = self.amount

        interval = self.interval

        trial_days = self.trial_days

        archived = self.archived

        archived_at: None | str
        if isinstance(self.archived_at, datetime.datetime):
            archived_at = self.archived_at.isoformat()
        else:
            archived_at = self.archived_at

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "id": id,
            "merchant_id": merchant_id,
            "name": name,
            "description": description,
            "amount": amount,
            "interval": interval,
            "trial_days": trial_days,
            "archived": archived,
            "archived_at": archived_at,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = d.pop("object")

        id = d.pop("id")

        merchant_id = d.pop("merchant_id")

        name = d.pop("name")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))


        amount = d.pop("amount")

        interval = d.pop("interval")

        trial_days = d.pop("trial_days")

        archived = d.pop("archived")

        def _parse_archived_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                archived_at_type_0 = datetime.datetime.fromisoformat(data)



                return archived_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        archived_at = _parse_archived_at(d.pop("archived_at"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        plan_out = cls(
            object_=object_,
            id=id,
            merchant_id=merchant_id,
            name=name,
            description=description,
            amount=amount,
            interval=interval,
            trial_days=trial_days,
            archived=archived,
            archived_at=archived_at,
            created_at=created_at,
        )

        return plan_out

