from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="VerifyOut")



@_attrs_define
class VerifyOut:
    """ 
        Attributes:
            id (str | Unset):
            status (str | Unset):
            value (int | Unset):
            remaining (int | Unset):
            promotional (bool | Unset):
            expires_at (datetime.datetime | None | Unset):
     """

    id: str | Unset = UNSET
    status: str | Unset = UNSET
    value: int | Unset = UNSET
    remaining: int | Unset = UNSET
    promotional: bool | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status

        value = self.value

        remaining = self.remaining

        promotional = self.promotional

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if id is not UNSET:
            field_dict["id"] = id
        if status is not UNSET:
            field_dict["status"] = status
        if value is not UNSET:
            field_dict["value"] = value
        if remaining is not UNSET:
            field_dict["remaining"] = remaining
        if promotional is not UNSET:
            field_dict["promotional"] = promotional
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        status = d.pop("status", UNSET)

        value = d.pop("value", UNSET)

        remaining = d.pop("remaining", UNSET)

        promotional = d.pop("promotional", UNSET)

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        verify_out = cls(
            id=id,
            status=status,
            value=value,
            remaining=remaining,
            promotional=promotional,
            expires_at=expires_at,
        )

        return verify_out

