from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="SettingsOut")



@_attrs_define
class SettingsOut:
    """ 
        Attributes:
            object_ (str):
            merchant_id (str):
            iban (None | str):
            bic (None | str):
            holder_name (None | str):
            schedule (str):
            kyc_status (None | str):
     """

    object_: str
    merchant_id: str
    iban: None | str
    bic: None | str
    holder_name: None | str
    schedule: str
    kyc_status: None | str





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        merchant_id = self.merchant_id

        iban: None | str
        iban = self.iban

        bic: None | str
        bic = self.bic

        holder_name: None | str
        holder_name = self.holder_name

        schedule = self.schedule

        kyc_status: None | str
        kyc_status = self.kyc_status


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "merchant_id": merchant_id,
            "iban": iban,
            "bic": bic,
            "holder_name": holder_name,
            "schedule": schedule,
            "kyc_status": kyc_status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = d.pop("object")

        merchant_id = d.pop("merchant_id")

        def _parse_iban(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        iban = _parse_iban(d.pop("iban"))


        def _parse_bic(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        bic = _parse_bic(d.pop("bic"))


        def _parse_holder_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        holder_name = _parse_holder_name(d.pop("holder_name"))


        schedule = d.pop("schedule")

        def _parse_kyc_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        kyc_status = _parse_kyc_status(d.pop("kyc_status"))


        settings_out = cls(
            object_=object_,
            merchant_id=merchant_id,
            iban=iban,
            bic=bic,
            holder_name=holder_name,
            schedule=schedule,
            kyc_status=kyc_status,
        )

        return settings_out

