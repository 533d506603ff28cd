from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.console_session_out_operator_type_0 import ConsoleSessionOutOperatorType0





T = TypeVar("T", bound="ConsoleSessionOut")



@_attrs_define
class ConsoleSessionOut:
    """ 
        Attributes:
            operator (ConsoleSessionOutOperatorType0 | None):
            csrf_token (str):
     """

    operator: ConsoleSessionOutOperatorType0 | None
    csrf_token: str





    def to_dict(self) -> dict[str, Any]:
        from ..models.console_session_out_operator_type_0 import ConsoleSessionOutOperatorType0 # noqa: PLC0415
        operator: dict[str, Any] | None
        if isinstance(self.operator, ConsoleSessionOutOperatorType0):
            operator = self.operator.to_dict()
        else:
            operator = self.operator

        csrf_token = self.csrf_token


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "operator": operator,
            "csrf_token": csrf_token,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.console_session_out_operator_type_0 import ConsoleSessionOutOperatorType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_operator(data: object) -> ConsoleSessionOutOperatorType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                operator_type_0 = ConsoleSessionOutOperatorType0.from_dict(data)



                return operator_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConsoleSessionOutOperatorType0 | None, data)

        operator = _parse_operator(d.pop("operator"))


        csrf_token = d.pop("csrf_token")

        console_session_out = cls(
            operator=operator,
            csrf_token=csrf_token,
        )

        return console_session_out

