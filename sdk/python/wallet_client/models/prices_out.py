from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.pack_out import PackOut





T = TypeVar("T", bound="PricesOut")



@_attrs_define
class PricesOut:
    """ 
        Attributes:
            currency (str):
            currencies (list[str]):
            data (list[PackOut]):
     """

    currency: str
    currencies: list[str]
    data: list[PackOut]





    def to_dict(self) -> dict[str, Any]:
        from ..models.pack_out import PackOut # noqa: PLC0415
        currency = self.currency

        currencies = self.currencies



        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "currency": currency,
            "currencies": currencies,
            "data": data,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pack_out import PackOut # noqa: PLC0415
        d = dict(src_dict)
        currency = d.pop("currency")

        currencies = cast(list[str], d.pop("currencies"))


        data = []
        _data = d.pop("data")
        for data_item_data in (_data):
            data_item = PackOut.from_dict(data_item_data)



            data.append(data_item)


        prices_out = cls(
            currency=currency,
            currencies=currencies,
            data=data,
        )

        return prices_out

