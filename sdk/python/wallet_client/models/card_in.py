from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CardIn")



@_attrs_define
class CardIn:
    """ 
        Attributes:
            card_number (str):
            exp_month (int):
            exp_year (int):
            cvc (str):
     """

    card_number: str
    exp_month: int
    exp_year: int
    cvc: str





    def to_dict(self) -> dict[str, Any]:
        card_number = self.card_number

        exp_month = self.exp_month

        exp_year = self.exp_year

        cvc = self.cvc


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "card_number": card_number,
            "exp_month": exp_month,
            "exp_year": exp_year,
            "cvc": cvc,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        card_number = d.pop("card_number")

        exp_month = d.pop("exp_month")

        exp_year = d.pop("exp_year")

        cvc = d.pop("cvc")

        card_in = cls(
            card_number=card_number,
            exp_month=exp_month,
            exp_year=exp_year,
            cvc=cvc,
        )

        return card_in

