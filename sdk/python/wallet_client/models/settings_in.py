from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.settings_in_schedule import SettingsInSchedule
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="SettingsIn")



@_attrs_define
class SettingsIn:
    """ 
        Attributes:
            iban (str):
            holder_name (str):
            schedule (SettingsInSchedule):
            bic (None | str | Unset):
     """

    iban: str
    holder_name: str
    schedule: SettingsInSchedule
    bic: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        iban = self.iban

        holder_name = self.holder_name

        schedule = self.schedule.value

        bic: None | str | Unset
        if isinstance(self.bic, Unset):
            bic = UNSET
        else:
            bic = self.bic


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "iban": iban,
            "holder_name": holder_name,
            "schedule": schedule,
        })
        if bic is not UNSET:
            field_dict["bic"] = bic

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        iban = d.pop("iban")

        holder_name = d.pop("holder_name")

        schedule = SettingsInSchedule(d.pop("schedule"))




        def _parse_bic(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bic = _parse_bic(d.pop("bic", UNSET))


        settings_in = cls(
            iban=iban,
            holder_name=holder_name,
            schedule=schedule,
            bic=bic,
        )

        return settings_in

