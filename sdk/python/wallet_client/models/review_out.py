from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.review_out_detail import ReviewOutDetail





T = TypeVar("T", bound="ReviewOut")



@_attrs_define
class ReviewOut:
    """ 
        Attributes:
            object_ (str):
            id (str):
            merchant_id (str):
            rule (str):
            status (str):
            detail (ReviewOutDetail):
            reason (None | str):
            created_at (datetime.datetime):
            decided_at (datetime.datetime | None):
     """

    object_: str
    id: str
    merchant_id: str
    rule: str
    status: str
    detail: ReviewOutDetail
    reason: None | str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None





    def to_dict(self) -> dict[str, Any]:
        from ..models.review_out_detail import ReviewOutDetail # noqa: PLC0415
        object_ = self.object_

        id = self.id

        merchant_id = self.merchant_id

        rule = self.rule

        status = self.status

        detail = self.detail.to_dict()

        reason: None | str
        reason = self.reason

        created_at = self.created_at.isoformat()

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "id": id,
            "merchant_id": merchant_id,
            "rule": rule,
            "status": status,
            "detail": detail,
            "reason": reason,
            "created_at": created_at,
            "decided_at": decided_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.review_out_detail import ReviewOutDetail # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        id = d.pop("id")

        merchant_id = d.pop("merchant_id")

        rule = d.pop("rule")

        status = d.pop("status")

        detail = ReviewOutDetail.from_dict(d.pop("detail"))




        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)



                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))


        review_out = cls(
            object_=object_,
            id=id,
            merchant_id=merchant_id,
            rule=rule,
            status=status,
            detail=detail,
            reason=reason,
            created_at=created_at,
            decided_at=decided_at,
        )

        return review_out

