from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="BatchOut")



@_attrs_define
class BatchOut:
    """ 
        Attributes:
            object_ (str):
            id (str):
            currency (str):
            payout_count (int):
            total (int):
            fee (int):
            created_at (datetime.datetime):
            submitted_at (datetime.datetime | None):
            has_pain001 (bool):
     """

    object_: str
    id: str
    currency: str
    payout_count: int
    total: int
    fee: int
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    has_pain001: bool





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        id = self.id

        currency = self.currency

        payout_count = self.payout_count

        total = self.total

        fee = self.fee

        created_at = self.created_at.isoformat()

        submitted_at: None | str
        if isinstance(self.submitted_at, datetime.datetime):
            submitted_at = self.submitted_at.isoformat()
        else:
            submitted_at = self.submitted_at

        has_pain001 = self.has_pain001


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "id": id,
            "currency": currency,
            "payout_count": payout_count,
            "total": total,
            "fee": fee,
            "created_at": created_at,
            "submitted_at": submitted_at,
            "has_pain001": has_pain001,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = d.pop("object")

        id = d.pop("id")

        currency = d.pop("currency")

        payout_count = d.pop("payout_count")

        total = d.pop("total")

        fee = d.pop("fee")

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


        has_pain001 = d.pop("has_pain001")

        batch_out = cls(
            object_=object_,
            id=id,
            currency=currency,
            payout_count=payout_count,
            total=total,
            fee=fee,
            created_at=created_at,
            submitted_at=submitted_at,
            has_pain001=has_pain001,
        )

        return batch_out

