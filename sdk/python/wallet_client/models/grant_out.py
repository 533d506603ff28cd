from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="GrantOut")



@_attrs_define
class GrantOut:
    """ 
        Attributes:
            object_ (str):
            id (str):
            user_id (str):
            credits_ (int):
            expires_at (datetime.datetime | None):
            reason (str):
            created_at (datetime.datetime):
     """

    object_: str
    id: str
    user_id: str
    credits_: int
    expires_at: datetime.datetime | None
    reason: str
    created_at: datetime.datetime





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        id = self.id

        user_id = self.user_id

        credits_ = self.credits_

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        reason = self.reason

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "id": id,
            "user_id": user_id,
            "credits": credits_,
            "expires_at": expires_at,
            "reason": reason,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = d.pop("object")

        id = d.pop("id")

        user_id = d.pop("user_id")

        credits_ = d.pop("credits")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))


        reason = d.pop("reason")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        grant_out = cls(
            object_=object_,
            id=id,
            user_id=user_id,
            credits_=credits_,
            expires_at=expires_at,
            reason=reason,
            created_at=created_at,
        )

        return grant_out

