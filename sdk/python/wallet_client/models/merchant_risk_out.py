from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.merchant_risk_out_bank_changes_item import MerchantRiskOutBankChangesItem
  from ..models.merchant_risk_out_kyc_history_item import MerchantRiskOutKycHistoryItem
  from ..models.reserve_out import ReserveOut
  from ..models.review_out import ReviewOut





T = TypeVar("T", bound="MerchantRiskOut")



@_attrs_define
class MerchantRiskOut:
    """ 
        Attributes:
            object_ (str):
            merchant_id (str):
            debt (int):
            reserved (int):
            reserve (ReserveOut):
            kyc_history (list[MerchantRiskOutKycHistoryItem]):
            bank_changes (list[MerchantRiskOutBankChangesItem]):
            reviews (list[ReviewOut]):
     """

    object_: str
    merchant_id: str
    debt: int
    reserved: int
    reserve: ReserveOut
    kyc_history: list[MerchantRiskOutKycHistoryItem]
    bank_changes: list[MerchantRiskOutBankChangesItem]
    reviews: list[ReviewOut]





    def to_dict(self) -> dict[str, Any]:
        from ..models.merchant_risk_out_bank_changes_item import MerchantRiskOutBankChangesItem # noqa: PLC0415
        from ..models.merchant_risk_out_kyc_history_item import MerchantRiskOutKycHistoryItem # noqa: PLC0415
        from ..models.reserve_out import ReserveOut # noqa: PLC0415
        from ..models.review_out import ReviewOut # noqa: PLC0415
        object_ = self.object_

        merchant_id = self.merchant_id

        debt = self.debt

        reserved = self.reserved

        reserve = self.reserve.to_dict()

        kyc_history = []
        for kyc_history_item_data in self.kyc_history:
            kyc_history_item = kyc_history_item_data.to_dict()
            kyc_history.append(kyc_history_item)



        bank_changes = []
        for bank_changes_item_data in self.bank_changes:
            bank_changes_item = bank_changes_item_data.to_dict()
            bank_changes.append(bank_changes_item)



        reviews = []
        for reviews_item_data in self.reviews:
            reviews_item = reviews_item_data.to_dict()
            reviews.append(reviews_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "merchant_id": merchant_id,
            "debt": debt,
            "reserved": reserved,
            "reserve": reserve,
            "kyc_history": kyc_history,
            "bank_changes": bank_changes,
            "reviews": reviews,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.merchant_risk_out_bank_changes_item import MerchantRiskOutBankChangesItem # noqa: PLC0415
        from ..models.merchant_risk_out_kyc_history_item import MerchantRiskOutKycHistoryItem # noqa: PLC0415
        from ..models.reserve_out import ReserveOut # noqa: PLC0415
        from ..models.review_out import ReviewOut # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        merchant_id = d.pop("merchant_id")

        debt = d.pop("debt")

        reserved = d.pop("reserved")

        reserve = ReserveOut.from_dict(d.pop("reserve"))




        kyc_history = []
        _kyc_history = d.pop("kyc_history")
        for kyc_history_item_data in (_kyc_history):
            kyc_history_item = MerchantRiskOutKycHistoryItem.from_dict(kyc_history_item_data)



            kyc_history.append(kyc_history_item)


        bank_changes = []
        _bank_changes = d.pop("bank_changes")
        for bank_changes_item_data in (_bank_changes):
            bank_changes_item = MerchantRiskOutBankChangesItem.from_dict(bank_changes_item_data)



            bank_changes.append(bank_changes_item)


        reviews = []
        _reviews = d.pop("reviews")
        for reviews_item_data in (_reviews):
            reviews_item = ReviewOut.from_dict(reviews_item_data)



            reviews.append(reviews_item)


        merchant_risk_out = cls(
            object_=object_,
            merchant_id=merchant_id,
            debt=debt,
            reserved=reserved,
            reserve=reserve,
            kyc_history=kyc_history,
            bank_changes=bank_changes,
            reviews=reviews,
        )

        return merchant_risk_out

