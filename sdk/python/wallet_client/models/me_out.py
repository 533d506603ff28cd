from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.me_out_via import MeOutVia
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.connection_info import ConnectionInfo
  from ..models.me_out_connection_type_0_type_0 import MeOutConnectionType0Type0





T = TypeVar("T", bound="MeOut")



@_attrs_define
class MeOut:
    """ 
        Attributes:
            id (str):
            email (str):
            frozen (bool):
            created_at (datetime.datetime):
            app_id (None | str):
            merchant_id (None | str):
            via (MeOutVia):
            connection (ConnectionInfo | MeOutConnectionType0Type0 | None):
     """

    id: str
    email: str
    frozen: bool
    created_at: datetime.datetime
    app_id: None | str
    merchant_id: None | str
    via: MeOutVia
    connection: ConnectionInfo | MeOutConnectionType0Type0 | None





    def to_dict(self) -> dict[str, Any]:
        from ..models.connection_info import ConnectionInfo # noqa: PLC0415
        from ..models.me_out_connection_type_0_type_0 import MeOutConnectionType0Type0 # noqa: PLC0415
        id = self.id

        email = self.email

        frozen = self.frozen

        created_at = self.created_at.isoformat()

        app_id: None | str
        app_id = self.app_id

        merchant_id: None | str
        merchant_id = self.merchant_id

        via = self.via.value

        connection: dict[str, Any] | None
        if isinstance(self.connection, MeOutConnectionType0Type0):
            connection = self.connection.to_dict()
        elif isinstance(self.connection, ConnectionInfo):
            connection = self.connection.to_dict()
        else:
            connection = self.connection


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "email": email,
            "frozen": frozen,
            "created_at": created_at,
            "app_id": app_id,
            "merchant_id": merchant_id,
            "via": via,
            "connection": connection,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connection_info import ConnectionInfo # noqa: PLC0415
        from ..models.me_out_connection_type_0_type_0 import MeOutConnectionType0Type0 # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        email = d.pop("email")

        frozen = d.pop("frozen")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_app_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        app_id = _parse_app_id(d.pop("app_id"))


        def _parse_merchant_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        merchant_id = _parse_merchant_id(d.pop("merchant_id"))


        via = MeOutVia(d.pop("via"))




        def _parse_connection(data: object) -> ConnectionInfo | MeOutConnectionType0Type0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                connection_type_0_type_0 = MeOutConnectionType0Type0.from_dict(data)



                return connection_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                connection_type_1 = ConnectionInfo.from_dict(data)



                return connection_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConnectionInfo | MeOutConnectionType0Type0 | None, data)

        connection = _parse_connection(d.pop("connection"))


        me_out = cls(
            id=id,
            email=email,
            frozen=frozen,
            created_at=created_at,
            app_id=app_id,
            merchant_id=merchant_id,
            via=via,
            connection=connection,
        )

        return me_out

