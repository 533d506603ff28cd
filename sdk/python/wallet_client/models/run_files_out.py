from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="RunFilesOut")



@_attrs_define
class RunFilesOut:
    """ 
        Attributes:
            pain001 (None | str):
            csv (None | str):
     """

    pain001: None | str
    csv: None | str





    def to_dict(self) -> dict[str, Any]:
        pain001: None | str
        pain001 = self.pain001

        csv: None | str
        csv = self.csv


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "pain001": pain001,
            "csv": csv,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_pain001(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pain001 = _parse_pain001(d.pop("pain001"))


        def _parse_csv(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        csv = _parse_csv(d.pop("csv"))


        run_files_out = cls(
            pain001=pain001,
            csv=csv,
        )

        return run_files_out

