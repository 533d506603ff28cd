from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="AttemptOut")



@_attrs_define
class AttemptOut:
    """ 
        Attributes:
            attempt (int):
            succeeded (bool):
            status_code (int | None):
            latency_ms (int):
            response (None | str): The first 4 KB of the answer.
            error (None | str):
            created_at (datetime.datetime):
     """

    attempt: int
    succeeded: bool
    status_code: int | None
    latency_ms: int
    response: None | str
    error: None | str
    created_at: datetime.datetime





    def to_dict(self) -> dict[str, Any]:
        attempt = self.attempt

        succeeded = self.succeeded

        status_code: int | None
        status_code = self.status_code

        latency_ms = self.latency_ms

        response: None | str
        response = self.response

        error: None | str
        error = self.error

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "attempt": attempt,
            "succeeded": succeeded,
            "status_code": status_code,
            "latency_ms": latency_ms,
            "response": response,
            "error": error,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempt = d.pop("attempt")

        succeeded = d.pop("succeeded")

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("status_code"))


        latency_ms = d.pop("latency_ms")

        def _parse_response(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response = _parse_response(d.pop("response"))


        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        attempt_out = cls(
            attempt=attempt,
            succeeded=succeeded,
            status_code=status_code,
            latency_ms=latency_ms,
            response=response,
            error=error,
            created_at=created_at,
        )

        return attempt_out

