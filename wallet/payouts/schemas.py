"""What the payouts API answers: one schema per object (money in minor units, credits
as integers, ``*_display`` as formatted text)."""

from __future__ import annotations

from marshmallow import Schema, fields

Str = fields.String
Int = fields.Integer


class ReasonOut(Schema):
    code = Str(required=True)
    message = Str(required=True)
    until = Str(metadata={"format": "date-time", "description":
                          "when a time-bound hold ends (payout_locked, first_payout_hold)"})


class NextPayoutOut(Schema):
    credits = Int(required=True)
    gross = Int(required=True)
    fee = Int(required=True)
    amount = Int(required=True)
    amount_display = Str(required=True)
    remainder_credits = Int(required=True)


class EligibilityOut(Schema):
    object = Str(required=True)
    eligible = fields.Boolean(required=True)
    reasons = fields.List(fields.Nested(ReasonOut), required=True)
    currency = Str(required=True)
    available_value = Int(required=True)
    available_value_display = Str(required=True)
    minimum = Int(required=True)
    minimum_display = Str(required=True)
    missing = Int(required=True)
    missing_display = Str(required=True)
    next_payout = fields.Nested(NextPayoutOut, allow_none=True, required=True)


class EarningsOut(Schema):
    pending = Int(required=True)
    available = Int(required=True)
    in_transit = Int(required=True)
    reserved = Int(required=True, metadata={
        "description": "held by the merchant's rolling reserve (docs/risk.md)"})
    debt = Int(required=True, metadata={
        "description": "credits the merchant owes (>= 0): repaid from future earnings "
                       "before anything is released; payouts wait until it is 0"})


class EarningsValueOut(Schema):
    currency = Str(required=True)
    pending = Int(required=True)
    pending_display = Str(required=True)
    pending_unconverted_credits = Int(required=True)
    available = Int(required=True)
    available_display = Str(required=True)
    available_unconverted_credits = Int(required=True)
    in_transit = Int(required=True)
    in_transit_display = Str(required=True)
    in_transit_unconverted_credits = Int(required=True)


class RateOut(Schema):
    credits = Int(required=True)
    money_minor = Int(required=True)
    currency = Str(required=True)


class BalanceOut(Schema):
    object = Str(required=True)
    merchant_id = Str(required=True)
    earnings = fields.Nested(EarningsOut, required=True)
    value = fields.Nested(EarningsValueOut, required=True)
    rate = fields.Nested(RateOut, required=True)
    hold_days = Int(required=True)
    payouts = fields.Nested(EligibilityOut, required=True)


class SettingsOut(Schema):
    object = Str(required=True)
    merchant_id = Str(required=True)
    iban = Str(allow_none=True, required=True)
    bic = Str(allow_none=True, required=True)
    holder_name = Str(allow_none=True, required=True)
    schedule = Str(required=True)
    kyc_status = Str(allow_none=True, required=True)


class PayoutOut(Schema):
    object = Str(required=True)
    id = Str(required=True)
    merchant_id = Str(required=True)
    status = Str(required=True)
    origin = Str(required=True)
    batch_id = Str(allow_none=True, required=True)
    credits = Int(required=True)
    currency = Str(required=True)
    gross = Int(required=True)
    fee = Int(required=True)
    amount = Int(required=True)
    amount_display = Str(required=True)
    fee_display = Str(required=True)
    iban_last4 = Str(required=True)
    holder_name = Str(required=True)
    failure_reason = Str(allow_none=True, required=True)
    created_at = Str(required=True, metadata={"format": "date-time"})
    submitted_at = Str(allow_none=True, required=True, metadata={"format": "date-time"})
    settled_at = Str(allow_none=True, required=True, metadata={"format": "date-time"})


class PayoutList(Schema):
    data = fields.List(fields.Nested(PayoutOut), required=True)
    has_more = fields.Boolean(required=True)


class CardFeeOut(Schema):
    percent_bp = Int(required=True)
    fixed = Int(required=True)


class FeeReportOut(Schema):
    object = Str(required=True)
    merchant_id = Str(allow_none=True, required=True)
    currency = Str(required=True)
    card_fee = fields.Nested(CardFeeOut, required=True)
    payout_fee = Int(required=True)
    months = fields.List(fields.Dict(keys=Str(), values=fields.Raw()), required=True,
                         metadata={"description": "Per month: purchases, purchase_credits, "
                                   "purchase_value, card_fees, payouts, payouts_amount, "
                                   "payout_fees, saving (and their *_display)."})
    totals = fields.Dict(keys=Str(), values=fields.Raw(), required=True)


class ConfigRateOut(Schema):
    credits = Int(required=True)
    money_minor = Int(required=True)
    chunk_credits = Int(required=True)
    chunk_minor = Int(required=True)


class DebtorOut(Schema):
    name = Str(required=True)
    iban = Str(required=True)
    bic = Str(allow_none=True, required=True)


class PayoutConfigOut(Schema):
    object = Str(required=True)
    currency = Str(required=True)
    hold_days = Int(required=True)
    rate = fields.Nested(ConfigRateOut, required=True)
    minimum = Int(required=True)
    minimum_display = Str(required=True)
    step = Int(required=True)
    step_display = Str(required=True)
    fee = Int(required=True)
    fee_display = Str(required=True)
    card_fee = fields.Nested(CardFeeOut, required=True)
    debtor = fields.Nested(DebtorOut, required=True)
    execution_days = Int(required=True)


class RunPayoutOut(Schema):
    id = Str(required=True)
    merchant_id = Str(required=True)
    amount = Int(required=True)
    currency = Str(required=True)
    fee = Int(required=True)


class RunFilesOut(Schema):
    pain001 = Str(allow_none=True, required=True)
    csv = Str(allow_none=True, required=True)


class PayoutRunOut(Schema):
    batch_id = Str(allow_none=True, required=True)
    payouts = fields.List(fields.Nested(RunPayoutOut), required=True)
    files = fields.Nested(RunFilesOut, required=True)


class BatchOut(Schema):
    object = Str(required=True)
    id = Str(required=True)
    currency = Str(required=True)
    payout_count = Int(required=True)
    total = Int(required=True)
    fee = Int(required=True)
    created_at = Str(required=True, metadata={"format": "date-time"})
    submitted_at = Str(allow_none=True, required=True, metadata={"format": "date-time"})
    has_pain001 = fields.Boolean(required=True)


class ImportConflictOut(Schema):
    id = Str(required=True)
    status = Str(required=True)
    reported = Str(required=True)


class StatusImportOut(Schema):
    paid = Int(required=True)
    failed = Int(required=True)
    unchanged = Int(required=True)
    unknown_ids = fields.List(Str(), required=True, data_key="unknown", attribute="unknown")
    conflicts = fields.List(fields.Nested(ImportConflictOut), required=True)
