from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="FreezeOut")



@_attrs_define
class FreezeOut:
    """ 
        Attributes:
            frozen (bool):
            reason (None | str):
            frozen_at (datetime.datetime | None):
            frozen_by (None | str):
            open_shortfalls (int):
     """

    frozen: bool
    reason: None | str
    frozen_at: datetime.datetime | None
    frozen_by: None | str
    open_shortfalls: int





    def to_dict(self) -> dict[str, Any]:
        frozen = self.frozen

        reason: None | str
        reason = self.reason

        frozen_at: None | str
        if isinstance(self.frozen_at, datetime.datetime):
            frozen_at = self.frozen_at.isoformat()
        else:
            frozen_at = self.frozen_at

        frozen_by: None | str
        frozen_by = self.frozen_by

        open_shortfalls = self.open_shortfalls


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "frozen": frozen,
            "reason": reason,
            "frozen_at": frozen_at,
            "frozen_by": frozen_by,
            "open_shortfalls": open_shortfalls,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        frozen = d.pop("frozen")

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))


        def _parse_frozen_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                frozen_at_type_0 = datetime.datetime.fromisoformat(data)



                return frozen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        frozen_at = _parse_frozen_at(d.pop("frozen_at"))


        def _parse_frozen_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        frozen_by = _parse_frozen_by(d.pop("frozen_by"))


        open_shortfalls = d.pop("open_shortfalls")

        freeze_out = cls(
            frozen=frozen,
            reason=reason,
            frozen_at=frozen_at,
            frozen_by=frozen_by,
            open_shortfalls=open_shortfalls,
        )

        return freeze_out

