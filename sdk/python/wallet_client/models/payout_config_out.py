from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.card_fee_out import CardFeeOut
  from ..models.config_rate_out import ConfigRateOut
  from ..models.debtor_out import DebtorOut





T = TypeVar("T", bound="PayoutConfigOut")



@_attrs_define
class PayoutConfigOut:
    """ 
        Attributes:
            object_ (str):
            currency (str):
            hold_days (int):
            rate (ConfigRateOut):
            minimum (int):
            minimum_display (str):
            step (int):
            step_display (str):
            fee (int):
            fee_display (str):
            card_fee (CardFeeOut):
            debtor (DebtorOut):
            execution_days (int):
     """

    object_: str
    currency: str
    hold_days: int
    rate: ConfigRateOut
    minimum: int
    minimum_display: str
    step: int
    step_display: str
    fee: int
    fee_display: str
    card_fee: CardFeeOut
    debtor: DebtorOut
    execution_days: int





    def to_dict(self) -> dict[str, Any]:
        from ..models.card_fee_out import CardFeeOut # noqa: PLC0415
        from ..models.config_rate_out import ConfigRateOut # noqa: PLC0415
        from ..models.debtor_out import DebtorOut # noqa: PLC0415
        object_ = self.object_

        currency = self.currency

        hold_days = self.hold_days

        rate = self.rate.to_dict()

        minimum = self.minimum

        minimum_display = self.minimum_display

        step = self.step

        step_display = self.step_display

        fee = self.fee

        fee_display = self.fee_display

        card_fee = self.card_fee.to_dict()

        debtor = self.debtor.to_dict()

        execution_days = self.execution_days


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "currency": currency,
            "hold_days": hold_days,
            "rate": rate,
            "minimum": minimum,
            "minimum_display": minimum_display,
            "step": step,
            "step_display": step_display,
            "fee": fee,
            "fee_display": fee_display,
            "card_fee": card_fee,
            "debtor": debtor,
            "execution_days": execution_days,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.card_fee_out import CardFeeOut # noqa: PLC0415
        from ..models.config_rate_out import ConfigRateOut # noqa: PLC0415
        from ..models.debtor_out import DebtorOut # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        currency = d.pop("currency")

        hold_days = d.pop("hold_days")

        rate = ConfigRateOut.from_dict(d.pop("rate"))




        minimum = d.pop("minimum")

        minimum_display = d.pop("minimum_display")

        step = d.pop("step")

        step_display = d.pop("step_display")

        fee = d.pop("fee")

        fee_display = d.pop("fee_display")

        card_fee = CardFeeOut.from_dict(d.pop("card_fee"))




        debtor = DebtorOut.from_dict(d.pop("debtor"))




        execution_days = d.pop("execution_days")

        payout_config_out = cls(
            object_=object_,
            currency=currency,
            hold_days=hold_days,
            rate=rate,
            minimum=minimum,
            minimum_display=minimum_display,
            step=step,
            step_display=step_display,
            fee=fee,
            fee_display=fee_display,
            card_fee=card_fee,
            debtor=debtor,
            execution_days=execution_days,
        )

        return payout_config_out

