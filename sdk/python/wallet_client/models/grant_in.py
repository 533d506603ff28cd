from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="GrantIn")



@_attrs_define
class GrantIn:
    """ 
        Attributes:
            user_id (str):
            credits_ (int):
            reason (str):
            expires_at (datetime.datetime | Unset): When the credits expire; 90 days from now if absent.
     """

    user_id: str
    credits_: int
    reason: str
    expires_at: datetime.datetime | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        credits_ = self.credits_

        reason = self.reason

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "user_id": user_id,
            "credits": credits_,
            "reason": reason,
        })
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        credits_ = d.pop("credits")

        reason = d.pop("reason")

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at,  Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)




        grant_in = cls(
            user_id=user_id,
            credits_=credits_,
            reason=reason,
            expires_at=expires_at,
        )

        return grant_in

