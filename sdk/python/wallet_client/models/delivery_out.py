from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="DeliveryOut")



@_attrs_define
class DeliveryOut:
    """ 
        Attributes:
            id (str):
            object_ (str):
            event_id (str):
            event_type (str):
            endpoint_id (str):
            status (str): pending, succeeded, failed or canceled
            attempts (int):
            manual (bool): A manual resend.
            next_attempt_at (datetime.datetime | None):
            last_status_code (int | None):
            last_latency_ms (int | None):
            last_response (None | str):
            last_error (None | str):
            created_at (datetime.datetime):
            finished_at (datetime.datetime | None):
     """

    id: str
    object_: str
    event_id: str
    event_type: str
    endpoint_id: str
    status: str
    attempts: int
    manual: bool
    next_attempt_at: datetime.datetime | None
    last_status_code: int | None
    last_latency_ms: int | None
    last_response: None | str
    last_error: None | str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        event_id = self.event_id

        event_type = self.event_type

        endpoint_id = self.endpoint_id

        status = self.status

        attempts = self.attempts

        manual = self.manual

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        last_status_code: int | None
        last_status_code = self.last_status_code

        last_latency_ms: int | None
        last_latency_ms = self.last_latency_ms

        last_response: None | str
        last_response = self.last_response

        last_error: None | str
        last_error = self.last_error

        created_at = self.created_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "object": object_,
            "event_id": event_id,
            "event_type": event_type,
            "endpoint_id": endpoint_id,
            "status": status,
            "attempts": attempts,
            "manual": manual,
            "next_attempt_at": next_attempt_at,
            "last_status_code": last_status_code,
            "last_latency_ms": last_latency_ms,
            "last_response": last_response,
            "last_error": last_error,
            "created_at": created_at,
            "finished_at": finished_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        object_ = d.pop("object")

        event_id = d.pop("event_id")

        event_type = d.pop("event_type")

        endpoint_id = d.pop("endpoint_id")

        status = d.pop("status")

        attempts = d.pop("attempts")

        manual = d.pop("manual")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)



                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))


        def _parse_last_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_status_code = _parse_last_status_code(d.pop("last_status_code"))


        def _parse_last_latency_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_latency_ms = _parse_last_latency_ms(d.pop("last_latency_ms"))


        def _parse_last_response(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_response = _parse_last_response(d.pop("last_response"))


        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)



                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))


        delivery_out = cls(
            id=id,
            object_=object_,
            event_id=event_id,
            event_type=event_type,
            endpoint_id=endpoint_id,
            status=status,
            attempts=attempts,
            manual=manual,
            next_attempt_at=next_attempt_at,
            last_status_code=last_status_code,
            last_latency_ms=last_latency_ms,
            last_response=last_response,
            last_error=last_error,
            created_at=created_at,
            finished_at=finished_at,
        )

        return delivery_out

