from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TokenIn")



@_attrs_define
class TokenIn:
    """ 
        Attributes:
            app_id (str):
            per_purchase_cap (int | None | Unset):
            daily_cap (int | None | Unset):
            scope (str | Unset):  Default: 'wallet:read purchases:write'.
            expires_in (int | Unset):  Default: 3600.
     """

    app_id: str
    per_purchase_cap: int | None | Unset = UNSET
    daily_cap: int | None | Unset = UNSET
    scope: str | Unset = 'wallet:read purchases:write'
    expires_in: int | Unset = 3600





    def to_dict(self) -> dict[str, Any]:
        app_id = self.app_id

        per_purchase_cap: int | None | Unset
        if isinstance(self.per_purchase_cap, Unset):
            per_purchase_cap = UNSET
        else:
            per_purchase_cap = self.per_purchase_cap

        daily_cap: int | None | Unset
        if isinstance(self.daily_cap, Unset):
            daily_cap = UNSET
        else:
            daily_cap = self.daily_cap

        scope = self.scope

        expires_in = self.expires_in


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "app_id": app_id,
        })
        if per_purchase_cap is not UNSET:
            field_dict["per_purchase_cap"] = per_purchase_cap
        if daily_cap is not UNSET:
            field_dict["daily_cap"] = daily_cap
        if scope is not UNSET:
            field_dict["scope"] = scope
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        app_id = d.pop("app_id")

        def _parse_per_purchase_cap(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        per_purchase_cap = _parse_per_purchase_cap(d.pop("per_purchase_cap", UNSET))


        def _parse_daily_cap(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        daily_cap = _parse_daily_cap(d.pop("daily_cap", UNSET))


        scope = d.pop("scope", UNSET)

        expires_in = d.pop("expires_in", UNSET)

        token_in = cls(
            app_id=app_id,
            per_purchase_cap=per_purchase_cap,
            daily_cap=daily_cap,
            scope=scope,
            expires_in=expires_in,
        )

        return token_in

