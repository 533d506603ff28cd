from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="DebtorOut")



@_attrs_define
class DebtorOut:
    """ 
        Attributes:
            name (str):
            iban (str):
            bic (None | str):
     """

    name: str
    iban: str
    bic: None | str





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        iban = self.iban

        bic: None | str
        bic = self.bic


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "iban": iban,
            "bic": bic,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        iban = d.pop("iban")

        def _parse_bic(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        bic = _parse_bic(d.pop("bic"))


        debtor_out = cls(
            name=name,
            iban=iban,
            bic=bic,
        )

        return debtor_out

