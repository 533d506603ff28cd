from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="ConnectionOut")



@_attrs_define
class ConnectionOut:
    """ 
        Attributes:
            id (str):
            app_id (str):
            app_name (str):
            merchant_id (str):
            merchant_name (str):
            scope (str):
            per_purchase_cap (int | None):
            daily_cap (int | None):
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            revoked_at (datetime.datetime | None):
     """

    id: str
    app_id: str
    app_name: str
    merchant_id: str
    merchant_name: str
    scope: str
    per_purchase_cap: int | None
    daily_cap: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    revoked_at: datetime.datetime | None





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        app_id = self.app_id

        app_name = self.app_name

        merchant_id = self.merchant_id

        merchant_name = self.merchant_name

        scope = self.scope

        per_purchase_cap: int | None
        per_purchase_cap = self.per_purchase_cap

        daily_cap: int | None
        daily_cap = self.daily_cap

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        revoked_at: None | str
        if isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "app_id": app_id,
            "app_name": app_name,
            "merchant_id": merchant_id,
            "merchant_name": merchant_name,
            "scope": scope,
            "per_purchase_cap": per_purchase_cap,
            "daily_cap": daily_cap,
            "created_at": created_at,
            "updated_at": updated_at,
            "revoked_at": revoked_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        app_id = d.pop("app_id")

        app_name = d.pop("app_name")

        merchant_id = d.pop("merchant_id")

        merchant_name = d.pop("merchant_name")

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


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_revoked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)



                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at"))


        connection_out = cls(
            id=id,
            app_id=app_id,
            app_name=app_name,
            merchant_id=merchant_id,
            merchant_name=merchant_name,
            scope=scope,
            per_purchase_cap=per_purchase_cap,
            daily_cap=daily_cap,
            created_at=created_at,
            updated_at=updated_at,
            revoked_at=revoked_at,
        )

        return connection_out

