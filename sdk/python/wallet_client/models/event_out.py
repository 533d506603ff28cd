from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.event_out_data import EventOutData





T = TypeVar("T", bound="EventOut")



@_attrs_define
class EventOut:
    """ 
        Attributes:
            id (str):
            object_ (str):
            type_ (str):
            timestamp (datetime.datetime):
            merchant_id (None | str):
            data (EventOutData): The object as the API returns it (see docs/webhooks.md).
     """

    id: str
    object_: str
    type_: str
    timestamp: datetime.datetime
    merchant_id: None | str
    data: EventOutData





    def to_dict(self) -> dict[str, Any]:
        from ..models.event_out_data import EventOutData # noqa: PLC0415
        id = self.id

        object_ = self.object_

        type_ = self.type_

        timestamp = self.timestamp.isoformat()

        merchant_id: None | str
        merchant_id = self.merchant_id

        data = self.data.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "object": object_,
            "type": type_,
            "timestamp": timestamp,
            "merchant_id": merchant_id,
            "data": data,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_out_data import EventOutData # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        object_ = d.pop("object")

        type_ = d.pop("type")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))




        def _parse_merchant_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        merchant_id = _parse_merchant_id(d.pop("merchant_id"))


        data = EventOutData.from_dict(d.pop("data"))




        event_out = cls(
            id=id,
            object_=object_,
            type_=type_,
            timestamp=timestamp,
            merchant_id=merchant_id,
            data=data,
        )

        return event_out

