from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.run_files_out import RunFilesOut
  from ..models.run_payout_out import RunPayoutOut





T = TypeVar("T", bound="PayoutRunOut")



@_attrs_define
class PayoutRunOut:
    """ 
        Attributes:
            batch_id (None | str):
            payouts (list[RunPayoutOut]):
            files (RunFilesOut):
     """

    batch_id: None | str
    payouts: list[RunPayoutOut]
    files: RunFilesOut





    def to_dict(self) -> dict[str, Any]:
        from ..models.run_files_out import RunFilesOut # noqa: PLC0415
        from ..models.run_payout_out import RunPayoutOut # noqa: PLC0415
        batch_id: None | str
        batch_id = self.batch_id

        payouts = []
        for payouts_item_data in self.payouts:
            payouts_item = payouts_item_data.to_dict()
            payouts.append(payouts_item)



        files = self.files.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "batch_id": batch_id,
            "payouts": payouts,
            "files": files,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_files_out import RunFilesOut # noqa: PLC0415
        from ..models.run_payout_out import RunPayoutOut # noqa: PLC0415
        d = dict(src_dict)
        def _parse_batch_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        batch_id = _parse_batch_id(d.pop("batch_id"))


        payouts = []
        _payouts = d.pop("payouts")
        for payouts_item_data in (_payouts):
            payouts_item = RunPayoutOut.from_dict(payouts_item_data)



            payouts.append(payouts_item)


        files = RunFilesOut.from_dict(d.pop("files"))




        payout_run_out = cls(
            batch_id=batch_id,
            payouts=payouts,
            files=files,
        )

        return payout_run_out

