from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.card_fee_out import CardFeeOut
  from ..models.fee_report_out_months_item import FeeReportOutMonthsItem
  from ..models.fee_report_out_totals import FeeReportOutTotals





T = TypeVar("T", bound="FeeReportOut")



@_attrs_define
class FeeReportOut:
    """ 
        Attributes:
            object_ (str):
            merchant_id (None | str):
            currency (str):
            card_fee (CardFeeOut):
            payout_fee (int):
            months (list[FeeReportOutMonthsItem]): Per month: purchases, purchase_credits, purchase_value, card_fees,
                payouts, payouts_amount, payout_fees, saving (and their *_display).
            totals (FeeReportOutTotals):
     """

    object_: str
    merchant_id: None | str
    currency: str
    card_fee: CardFeeOut
    payout_fee: int
    months: list[FeeReportOutMonthsItem]
    totals: FeeReportOutTotals





    def to_dict(self) -> dict[str, Any]:
        from ..models.card_fee_out import CardFeeOut # noqa: PLC0415
        from ..models.fee_report_out_months_item import FeeReportOutMonthsItem # noqa: PLC0415
        from ..models.fee_report_out_totals import FeeReportOutTotals # noqa: PLC0415
        object_ = self.object_

        merchant_id: None | str
        merchant_id = self.merchant_id

        currency = self.currency

        card_fee = self.card_fee.to_dict()

        payout_fee = self.payout_fee

        months = []
        for months_item_data in self.months:
            months_item = months_item_data.to_dict()
            months.append(months_item)



        totals = self.totals.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "merchant_id": merchant_id,
            "currency": currency,
            "card_fee": card_fee,
            "payout_fee": payout_fee,
            "months": months,
            "totals": totals,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.card_fee_out import CardFeeOut # noqa: PLC0415
        from ..models.fee_report_out_months_item import FeeReportOutMonthsItem # noqa: PLC0415
        from ..models.fee_report_out_totals import FeeReportOutTotals # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        def _parse_merchant_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        merchant_id = _parse_merchant_id(d.pop("merchant_id"))


        currency = d.pop("currency")

        card_fee = CardFeeOut.from_dict(d.pop("card_fee"))




        payout_fee = d.pop("payout_fee")

        months = []
        _months = d.pop("months")
        for months_item_data in (_months):
            months_item = FeeReportOutMonthsItem.from_dict(months_item_data)



            months.append(months_item)


        totals = FeeReportOutTotals.from_dict(d.pop("totals"))




        fee_report_out = cls(
            object_=object_,
            merchant_id=merchant_id,
            currency=currency,
            card_fee=card_fee,
            payout_fee=payout_fee,
            months=months,
            totals=totals,
        )

        return fee_report_out

