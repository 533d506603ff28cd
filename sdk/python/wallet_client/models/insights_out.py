from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.cohort import Cohort
  from ..models.day import Day
  from ..models.heatmap import Heatmap
  from ..models.item import Item
  from ..models.size import Size
  from ..models.subscriptions import Subscriptions
  from ..models.totals import Totals
  from ..models.vouchers import Vouchers





T = TypeVar("T", bound="InsightsOut")



@_attrs_define
class InsightsOut:
    """ 
        Attributes:
            object_ (str | Unset):
            merchant_id (str | Unset):
            app_id (None | str | Unset):
            from_ (str | Unset):
            to (str | Unset):
            rolled_up_through (None | str | Unset):
            totals (Totals | Unset):
            repeat_buyers (int | Unset):
            repeat_buyer_rate (float | Unset):
            average_credits_per_buyer (float | Unset):
            by_day (list[Day] | Unset):
            by_item (list[Item] | Unset):
            by_hour_weekday (Heatmap | Unset):
            purchase_sizes (list[Size] | Unset):
            cohorts (list[Cohort] | Unset):
            vouchers (Vouchers | Unset):
            subscriptions (Subscriptions | Unset):
     """

    object_: str | Unset = UNSET
    merchant_id: str | Unset = UNSET
    app_id: None | str | Unset = UNSET
    from_: str | Unset = UNSET
    to: str | Unset = UNSET
    rolled_up_through: None | str | Unset = UNSET
    totals: Totals | Unset = UNSET
    repeat_buyers: int | Unset = UNSET
    repeat_buyer_rate: float | Unset = UNSET
    average_credits_per_buyer: float | Unset = UNSET
    by_day: list[Day] | Unset = UNSET
    by_item: list[Item] | Unset = UNSET
    by_hour_weekday: Heatmap | Unset = UNSET
    purchase_sizes: list[Size] | Unset = UNSET
    cohorts: list[Cohort] | Unset = UNSET
    vouchers: Vouchers | Unset = UNSET
    subscriptions: Subscriptions | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.cohort import Cohort # noqa: PLC0415
        from ..models.day import Day # noqa: PLC0415
        from ..models.heatmap import Heatmap # noqa: PLC0415
        from ..models.item import Item # noqa: PLC0415
        from ..models.size import Size # noqa: PLC0415
        from ..models.subscriptions import Subscriptions # noqa: PLC0415
        from ..models.totals import Totals # noqa: PLC0415
        from ..models.vouchers import Vouchers # noqa: PLC0415
        object_ = self.object_

        merchant_id = self.merchant_id

        app_id: None | str | Unset
        if isinstance(self.app_id, Unset):
            app_id = UNSET
        else:
            app_id = self.app_id

        from_ = self.from_

        to = self.to

        rolled_up_through: None | str | Unset
        if isinstance(self.rolled_up_through, Unset):
            rolled_up_through = UNSET
        else:
            rolled_up_through = self.rolled_up_through

        totals: dict[str, Any] | Unset = UNSET
        if not isinstance(self.totals, Unset):
            totals = self.totals.to_dict()

        repeat_buyers = self.repeat_buyers

        repeat_buyer_rate = self.repeat_buyer_rate

        average_credits_per_buyer = self.average_credits_per_buyer

        by_day: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.by_day, Unset):
            by_day = []
            for by_day_item_data in self.by_day:
                by_day_item = by_day_item_data.to_dict()
                by_day.append(by_day_item)



        by_item: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.by_item, Unset):
            by_item = []
            for by_item_item_data in self.by_item:
                by_item_item = by_item_item_data.to_dict()
                by_item.append(by_item_item)



        by_hour_weekday: dict[str, Any] | Unset = UNSET
        if not isinstance(self.by_hour_weekday, Unset):
            by_hour_weekday = self.by_hour_weekday.to_dict()

        purchase_sizes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.purchase_sizes, Unset):
            purchase_sizes = []
            for purchase_sizes_item_data in self.purchase_sizes:
                purchase_sizes_item = purchase_sizes_item_data.to_dict()
                purchase_sizes.append(purchase_sizes_item)



        cohorts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.cohorts, Unset):
            cohorts = []
            for cohorts_item_data in self.cohorts:
                cohorts_item = cohorts_item_data.to_dict()
                cohorts.append(cohorts_item)



        vouchers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.vouchers, Unset):
            vouchers = self.vouchers.to_dict()

        subscriptions: dict[str, Any] | Unset = UNSET
        if not isinstance(self.subscriptions, Unset):
            subscriptions = self.subscriptions.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if object_ is not UNSET:
            field_dict["object"] = object_
        if merchant_id is not UNSET:
            field_dict["merchant_id"] = merchant_id
        if app_id is not UNSET:
            field_dict["app_id"] = app_id
        if from_ is not UNSET:
            field_dict["from"] = from_
        if to is not UNSET:
            field_dict["to"] = to
        if rolled_up_through is not UNSET:
            field_dict["rolled_up_through"] = rolled_up_through
        if totals is not UNSET:
            field_dict["totals"] = totals
        if repeat_buyers is not UNSET:
            field_dict["repeat_buyers"] = repeat_buyers
        if repeat_buyer_rate is not UNSET:
            field_dict["repeat_buyer_rate"] = repeat_buyer_rate
        if average_credits_per_buyer is not UNSET:
            field_dict["average_credits_per_buyer"] = average_credits_per_buyer
        if by_day is not UNSET:
            field_dict["by_day"] = by_day
        if by_item is not UNSET:
            field_dict["by_item"] = by_item
        if by_hour_weekday is not UNSET:
            field_dict["by_hour_weekday"] = by_hour_weekday
        if purchase_sizes is not UNSET:
            field_dict["purchase_sizes"] = purchase_sizes
        if cohorts is not UNSET:
            field_dict["cohorts"] = cohorts
        if vouchers is not UNSET:
            field_dict["vouchers"] = vouchers
        if subscriptions is not UNSET:
            field_dict["subscriptions"] = subscriptions

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cohort import Cohort # noqa: PLC0415
        from ..models.day import Day # noqa: PLC0415
        from ..models.heatmap import Heatmap # noqa: PLC0415
        from ..models.item import Item # noqa: PLC0415
        from ..models.size import Size # noqa: PLC0415
        from ..models.subscriptions import Subscriptions # noqa: PLC0415
        from ..models.totals import Totals # noqa: PLC0415
        from ..models.vouchers import Vouchers # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object", UNSET)

        merchant_id = d.pop("merchant_id", UNSET)

        def _parse_app_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        app_id = _parse_app_id(d.pop("app_id", UNSET))


        from_ = d.pop("from", UNSET)

        to = d.pop("to", UNSET)

        def _parse_rolled_up_through(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rolled_up_through = _parse_rolled_up_through(d.pop("rolled_up_through", UNSET))


        _totals = d.pop("totals", UNSET)
        totals: Totals | Unset
        if isinstance(_totals,  Unset):
            totals = UNSET
        else:
            totals = Totals.from_dict(_totals)




        repeat_buyers = d.pop("repeat_buyers", UNSET)

        repeat_buyer_rate = d.pop("repeat_buyer_rate", UNSET)

        average_credits_per_buyer = d.pop("average_credits_per_buyer", UNSET)

        _by_day = d.pop("by_day", UNSET)
        by_day: list[Day] | Unset = UNSET
        if _by_day is not UNSET:
            by_day = []
            for by_day_item_data in _by_day:
                by_day_item = Day.from_dict(by_day_item_data)



                by_day.append(by_day_item)


        _by_item = d.pop("by_item", UNSET)
        by_item: list[Item] | Unset = UNSET
        if _by_item is not UNSET:
            by_item = []
            for by_item_item_data in _by_item:
                by_item_item = Item.from_dict(by_item_item_data)



                by_item.append(by_item_item)


        _by_hour_weekday = d.pop("by_hour_weekday", UNSET)
        by_hour_weekday: Heatmap | Unset
        if isinstance(_by_hour_weekday,  Unset):
            by_hour_weekday = UNSET
        else:
            by_hour_weekday = Heatmap.from_dict(_by_hour_weekday)




        _purchase_sizes = d.pop("purchase_sizes", UNSET)
        purchase_sizes: list[Size] | Unset = UNSET
        if _purchase_sizes is not UNSET:
            purchase_sizes = []
            for purchase_sizes_item_data in _purchase_sizes:
                purchase_sizes_item = Size.from_dict(purchase_sizes_item_data)



                purchase_sizes.append(purchase_sizes_item)


        _cohorts = d.pop("cohorts", UNSET)
        cohorts: list[Cohort] | Unset = UNSET
        if _cohorts is not UNSET:
            cohorts = []
            for cohorts_item_data in _cohorts:
                cohorts_item = Cohort.from_dict(cohorts_item_data)



                cohorts.append(cohorts_item)


        _vouchers = d.pop("vouchers", UNSET)
        vouchers: Vouchers | Unset
        if isinstance(_vouchers,  Unset):
            vouchers = UNSET
        else:
            vouchers = Vouchers.from_dict(_vouchers)




        _subscriptions = d.pop("subscriptions", UNSET)
        subscriptions: Subscriptions | Unset
        if isinstance(_subscriptions,  Unset):
            subscriptions = UNSET
        else:
            subscriptions = Subscriptions.from_dict(_subscriptions)




        insights_out = cls(
            object_=object_,
            merchant_id=merchant_id,
            app_id=app_id,
            from_=from_,
            to=to,
            rolled_up_through=rolled_up_through,
            totals=totals,
            repeat_buyers=repeat_buyers,
            repeat_buyer_rate=repeat_buyer_rate,
            average_credits_per_buyer=average_credits_per_buyer,
            by_day=by_day,
            by_item=by_item,
            by_hour_weekday=by_hour_weekday,
            purchase_sizes=purchase_sizes,
            cohorts=cohorts,
            vouchers=vouchers,
            subscriptions=subscriptions,
        )

        return insights_out

