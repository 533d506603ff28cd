from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ConnectionInfo")



@_attrs_define
class ConnectionInfo:
    """ 
        Attributes:
            id (str):
            app_id (str):
            scope (str):
            per_purchase_cap (int | None):
            daily_cap (int | None):
     """

    id: str
    app_id: str
    scope: str
    per_purchase_cap: int | None
    daily_cap: int | None





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        app_id = self.app_id

        scope = self.scope

        per_purchase_cap: int | None
        per_purchase_cap = self.per_purchase_cap

        daily_cap: int | None
        daily_cap = self.daily_cap


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "app_id": app_id,
            "scope": scope,
            "per_purchase_cap": per_purchase_cap,
            "daily_cap": daily_cap,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        app_id = d.pop("app_id")

        scope = d.pop("scope")

        def _parse_per_purchase_cap(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        per_purchase_cap = _parse_per_purchase_cap(d.pop("per_purchase_cap"))


        def _parse_daily_cap(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        daily_cap = _parse_daily_cap(d.pop("daily_cap"))


        connection_info = cls(
            id=id,
            app_id=app_id,
            scope=scope,
            per_purchase_cap=per_purchase_cap,
            daily_cap=daily_cap,
        )

        return connection_info

