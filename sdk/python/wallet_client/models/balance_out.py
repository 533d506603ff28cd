from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.earnings_out import EarningsOut
  from ..models.earnings_value_out import EarningsValueOut
  from ..models.eligibility_out import EligibilityOut
  from ..models.rate_out import RateOut





T = TypeVar("T", bound="BalanceOut")



@_attrs_define
class BalanceOut:
    """ 
        Attributes:
            object_ (str):
            merchant_id (str):
            earnings (EarningsOut):
            value (EarningsValueOut):
            rate (RateOut):
            hold_days (int):
            payouts (EligibilityOut):
     """

    object_: str
    merchant_id: str
    earnings: EarningsOut
    value: EarningsValueOut
    rate: RateOut
    hold_days: int
    payouts: EligibilityOut





    def to_dict(self) -> dict[str, Any]:
        from ..models.earnings_out import EarningsOut # noqa: PLC0415
        from ..models.earnings_value_out import EarningsValueOut # noqa: PLC0415
        from ..models.eligibility_out import EligibilityOut # noqa: PLC0415
        from ..models.rate_out import RateOut # noqa: PLC0415
        object_ = self.object_

        merchant_id = self.merchant_id

        earnings = self.earnings.to_dict()

        value = self.value.to_dict()

        rate = self.rate.to_dict()

        hold_days = self.hold_days

        payouts = self.payouts.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "merchant_id": merchant_id,
            "earnings": earnings,
            "value": value,
            "rate": rate,
            "hold_days": hold_days,
            "payouts": payouts,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.earnings_out import EarningsOut # noqa: PLC0415
        from ..models.earnings_value_out import EarningsValueOut # noqa: PLC0415
        from ..models.eligibility_out import EligibilityOut # noqa: PLC0415
        from ..models.rate_out import RateOut # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        merchant_id = d.pop("merchant_id")

        earnings = EarningsOut.from_dict(d.pop("earnings"))




        value = EarningsValueOut.from_dict(d.pop("value"))




        rate = RateOut.from_dict(d.pop("rate"))




        hold_days = d.pop("hold_days")

        payouts = EligibilityOut.from_dict(d.pop("payouts"))




        balance_out = cls(
            object_=object_,
            merchant_id=merchant_id,
            earnings=earnings,
            value=value,
            rate=rate,
            hold_days=hold_days,
            payouts=payouts,
        )

        return balance_out

