from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CodeOut")



@_attrs_define
class CodeOut:
    """ 
        Attributes:
            id (str):
            code (str):
     """

    id: str
    code: str





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        code = self.code


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "code": code,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        code = d.pop("code")

        code_out = cls(
            id=id,
            code=code,
        )

        return code_out

