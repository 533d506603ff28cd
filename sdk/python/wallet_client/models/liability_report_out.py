from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.credits_outstanding_out import CreditsOutstandingOut
  from ..models.earnings_payable_out import EarningsPayableOut
  from ..models.funding_out import FundingOut
  from ..models.liability_report_out_other_accounts import LiabilityReportOutOtherAccounts
  from ..models.reconciliation_out import ReconciliationOut
  from ..models.shortfall_totals_out import ShortfallTotalsOut





T = TypeVar("T", bound="LiabilityReportOut")



@_attrs_define
class LiabilityReportOut:
    """ 
        Attributes:
            object_ (str):
            asset (str):
            as_of (datetime.datetime):
            credits_outstanding (CreditsOutstandingOut):
            vouchers_outstanding (int):
            merchant_earnings_payable (EarningsPayableOut):
            total_owed (int):
            breakage (int):
            fees (int):
            platform_losses (int | None): null until a platform_losses account exists
            funding (FundingOut):
            other_accounts (LiabilityReportOutOtherAccounts):
            shortfalls (ShortfallTotalsOut):
            reconciliation (ReconciliationOut):
     """

    object_: str
    asset: str
    as_of: datetime.datetime
    credits_outstanding: CreditsOutstandingOut
    vouchers_outstanding: int
    merchant_earnings_payable: EarningsPayableOut
    total_owed: int
    breakage: int
    fees: int
    platform_losses: int | None
    funding: FundingOut
    other_accounts: LiabilityReportOutOtherAccounts
    shortfalls: ShortfallTotalsOut
    reconciliation: ReconciliationOut





    def to_dict(self) -> dict[str, Any]:
        from ..models.credits_outstanding_out import CreditsOutstandingOut # noqa: PLC0415
        from ..models.earnings_payable_out import EarningsPayableOut # noqa: PLC0415
        from ..models.funding_out import FundingOut # noqa: PLC0415
        from ..models.liability_report_out_other_accounts import LiabilityReportOutOtherAccounts # noqa: PLC0415
        from ..models.reconciliation_out import ReconciliationOut # noqa: PLC0415
        from ..models.shortfall_totals_out import ShortfallTotalsOut # noqa: PLC0415
        object_ = self.object_

        asset = self.asset

        as_of = self.as_of.isoformat()

        credits_outstanding = self.credits_outstanding.to_dict()

        vouchers_outstanding = self.vouchers_outstanding

        merchant_earnings_payable = self.merchant_earnings_payable.to_dict()

        total_owed = self.total_owed

        breakage = self.breakage

        fees = self.fees

        platform_losses: int | None
        platform_losses = self.platform_losses

        funding = self.funding.to_dict()

        other_accounts = self.other_accounts.to_dict()

        shortfalls = self.shortfalls.to_dict()

        reconciliation = self.reconciliation.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "asset": asset,
            "as_of": as_of,
            "credits_outstanding": credits_outstanding,
            "vouchers_outstanding": vouchers_outstanding,
            "merchant_earnings_payable": merchant_earnings_payable,
            "total_owed": total_owed,
            "breakage": breakage,
            "fees": fees,
            "platform_losses": platform_losses,
            "funding": funding,
            "other_accounts": other_accounts,
            "shortfalls": shortfalls,
            "reconciliation": reconciliation,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credits_outstanding_out import CreditsOutstandingOut # noqa: PLC0415
        from ..models.earnings_payable_out import EarningsPayableOut # noqa: PLC0415
        from ..models.funding_out import FundingOut # noqa: PLC0415
        from ..models.liability_report_out_other_accounts import LiabilityReportOutOtherAccounts # noqa: PLC0415
        from ..models.reconciliation_out import ReconciliationOut # noqa: PLC0415
        from ..models.shortfall_totals_out import ShortfallTotalsOut # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        asset = d.pop("asset")

        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))




        credits_outstanding = CreditsOutstandingOut.from_dict(d.pop("credits_outstanding"))




        vouchers_outstanding = d.pop("vouchers_outstanding")

        merchant_earnings_payable = EarningsPayableOut.from_dict(d.pop("merchant_earnings_payable"))




        total_owed = d.pop("total_owed")

        breakage = d.pop("breakage")

        fees = d.pop("fees")

        def _parse_platform_losses(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        platform_losses = _parse_platform_losses(d.pop("platform_losses"))


        funding = FundingOut.from_dict(d.pop("funding"))




        other_accounts = LiabilityReportOutOtherAccounts.from_dict(d.pop("other_accounts"))




        shortfalls = ShortfallTotalsOut.from_dict(d.pop("shortfalls"))




        reconciliation = ReconciliationOut.from_dict(d.pop("reconciliation"))




        liability_report_out = cls(
            object_=object_,
            asset=asset,
            as_of=as_of,
            credits_outstanding=credits_outstanding,
            vouchers_outstanding=vouchers_outstanding,
            merchant_earnings_payable=merchant_earnings_payable,
            total_owed=total_owed,
            breakage=breakage,
            fees=fees,
            platform_losses=platform_losses,
            funding=funding,
            other_accounts=other_accounts,
            shortfalls=shortfalls,
            reconciliation=reconciliation,
        )

        return liability_report_out

