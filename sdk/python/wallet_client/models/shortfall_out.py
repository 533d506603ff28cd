from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.shortfall_out_reason import ShortfallOutReason
from ..models.shortfall_out_status import ShortfallOutStatus
from typing import cast
import datetime






T = TypeVar("T", bound="ShortfallOut")



@_attrs_define
class ShortfallOut:
    """ 
        Attributes:
            id (str):
            object_ (str):
            user_id (str):
            topup_id (str):
            credits_ (int):
            reason (ShortfallOutReason):
            status (ShortfallOutStatus):
            note (str):
            created_at (datetime.datetime):
            resolved_at (datetime.datetime | None):
     """

    id: str
    object_: str
    user_id: str
    topup_id: str
    credits_: int
    reason: ShortfallOutReason
    status: ShortfallOutStatus
    note: str
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        user_id = self.user_id

        topup_id = self.topup_id

        credits_ = self.credits_

        reason = self.reason.value

        status = self.status.value

        note = self.note

        created_at = self.created_at.isoformat()

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "object": object_,
            "user_id": user_id,
            "topup_id": topup_id,
            "credits": credits_,
            "reason": reason,
            "status": status,
            "note": note,
            "created_at": created_at,
            "resolved_at": resolved_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        object_ = d.pop("object")

        user_id = d.pop("user_id")

        topup_id = d.pop("topup_id")

        credits_ = d.pop("credits")

        reason = ShortfallOutReason(d.pop("reason"))




        status = ShortfallOutStatus(d.pop("status"))




        note = d.pop("note")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)



                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))


        shortfall_out = cls(
            id=id,
            object_=object_,
            user_id=user_id,
            topup_id=topup_id,
            credits_=credits_,
            reason=reason,
            status=status,
            note=note,
            created_at=created_at,
            resolved_at=resolved_at,
        )

        return shortfall_out

