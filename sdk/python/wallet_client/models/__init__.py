""" Contains all the data models used in inputs/outputs """

from .action_list import ActionList
from .action_out import ActionOut
from .action_out_detail import ActionOutDetail
from .app_in import AppIn
from .app_list import AppList
from .app_out import AppOut
from .attempt_out import AttemptOut
from .balance_out import BalanceOut
from .batch_out import BatchOut
from .campaign_in import CampaignIn
from .campaign_in_funding import CampaignInFunding
from .campaign_out import CampaignOut
from .cancel_in import CancelIn
from .caps_in import CapsIn
from .card_checkout_in import CardCheckoutIn
from .card_checkout_out import CardCheckoutOut
from .card_fee_out import CardFeeOut
from .card_in import CardIn
from .card_out import CardOut
from .change_in import ChangeIn
from .change_out import ChangeOut
from .change_out_status import ChangeOutStatus
from .checkout_confirm_in import CheckoutConfirmIn
from .checkout_in import CheckoutIn
from .churn_out import ChurnOut
from .code_out import CodeOut
from .cohort import Cohort
from .config_rate_out import ConfigRateOut
from .confirm_in import ConfirmIn
from .connection_info import ConnectionInfo
from .connection_list import ConnectionList
from .connection_out import ConnectionOut
from .console_session_out import ConsoleSessionOut
from .console_session_out_operator_type_0 import ConsoleSessionOutOperatorType0
from .console_sign_in import ConsoleSignIn
from .counter_key_revoked import CounterKeyRevoked
from .counter_out import CounterOut
from .credentials import Credentials
from .credits_out import CreditsOut
from .credits_outstanding_out import CreditsOutstandingOut
from .day import Day
from .debtor_out import DebtorOut
from .decision_in import DecisionIn
from .decode_out import DecodeOut
from .deleted import Deleted
from .delivery_detail import DeliveryDetail
from .delivery_list import DeliveryList
from .delivery_out import DeliveryOut
from .earnings_out import EarningsOut
from .earnings_payable_out import EarningsPayableOut
from .earnings_value_out import EarningsValueOut
from .eligibility_out import EligibilityOut
from .eligibility_out_next_payout_type_0_type_0 import EligibilityOutNextPayoutType0Type0
from .empty_in import EmptyIn
from .endpoint_in import EndpointIn
from .endpoint_list import EndpointList
from .endpoint_out import EndpointOut
from .endpoint_patch import EndpointPatch
from .endpoint_with_secret import EndpointWithSecret
from .entry_out import EntryOut
from .entry_out_object_type_type_1 import EntryOutObjectTypeType1
from .entry_out_object_type_type_2_type_1 import EntryOutObjectTypeType2Type1
from .entry_out_object_type_type_3_type_1 import EntryOutObjectTypeType3Type1
from .error import Error
from .error_detail import ErrorDetail
from .event_list import EventList
from .event_out import EventOut
from .event_out_data import EventOutData
from .event_type import EventType
from .event_type_list import EventTypeList
from .expiring_soon_out import ExpiringSoonOut
from .expiry_out import ExpiryOut
from .fee_report_out import FeeReportOut
from .fee_report_out_months_item import FeeReportOutMonthsItem
from .fee_report_out_totals import FeeReportOutTotals
from .freeze_out import FreezeOut
from .funding_out import FundingOut
from .get_authorization_server_metadata_response_200 import GetAuthorizationServerMetadataResponse200
from .get_authorize_code_challenge_method import GetAuthorizeCodeChallengeMethod
from .get_authorize_response_type import GetAuthorizeResponseType
from .get_deliveries_status import GetDeliveriesStatus
from .get_healthz_response_200 import GetHealthzResponse200
from .get_healthz_response_200_status import GetHealthzResponse200Status
from .get_merchant_search_kyc_status import GetMerchantSearchKycStatus
from .get_payouts_status import GetPayoutsStatus
from .get_reviews_status import GetReviewsStatus
from .get_shortfalls_status import GetShortfallsStatus
from .get_subscriptions_status import GetSubscriptionsStatus
from .get_voucher_qr_fmt import GetVoucherQrFmt
from .get_vouchers_status import GetVouchersStatus
from .grant_in import GrantIn
from .grant_out import GrantOut
from .heatmap import Heatmap
from .history_out import HistoryOut
from .import_conflict_out import ImportConflictOut
from .insights_out import InsightsOut
from .issue_in import IssueIn
from .issue_in_funding import IssueInFunding
from .item import Item
from .key_out import KeyOut
from .keys_out import KeysOut
from .kyc_in import KycIn
from .kyc_in_status import KycInStatus
from .kyc_out import KycOut
from .kyc_review_in import KycReviewIn
from .kyc_review_in_decision import KycReviewInDecision
from .liability_report_out import LiabilityReportOut
from .liability_report_out_other_accounts import LiabilityReportOutOtherAccounts
from .loss_out import LossOut
from .loss_report_out import LossReportOut
from .me_out import MeOut
from .me_out_connection_type_0_type_0 import MeOutConnectionType0Type0
from .me_out_via import MeOutVia
from .merchant_counter_created import MerchantCounterCreated
from .merchant_counter_in import MerchantCounterIn
from .merchant_counter_list import MerchantCounterList
from .merchant_counter_out import MerchantCounterOut
from .merchant_created import MerchantCreated
from .merchant_in import MerchantIn
from .merchant_key_created import MerchantKeyCreated
from .merchant_key_in import MerchantKeyIn
from .merchant_key_list import MerchantKeyList
from .merchant_key_out import MerchantKeyOut
from .merchant_list import MerchantList
from .merchant_out import MerchantOut
from .merchant_risk_out import MerchantRiskOut
from .merchant_risk_out_bank_changes_item import MerchantRiskOutBankChangesItem
from .merchant_risk_out_kyc_history_item import MerchantRiskOutKycHistoryItem
from .mismatch_out import MismatchOut
from .next_payout_out import NextPayoutOut
from .open_shortfall_out import OpenShortfallOut
from .operator_merchant_out import OperatorMerchantOut
from .operator_person_out import OperatorPersonOut
from .operator_wallet_out import OperatorWalletOut
from .operator_wallet_out_next_expiry_type_0_type_0 import OperatorWalletOutNextExpiryType0Type0
from .pack_out import PackOut
from .pagination_metadata import PaginationMetadata
from .payout_batch_list import PayoutBatchList
from .payout_config_out import PayoutConfigOut
from .payout_list import PayoutList
from .payout_out import PayoutOut
from .payout_run_out import PayoutRunOut
from .person_list import PersonList
from .person_out import PersonOut
from .plan_in import PlanIn
from .plan_in_interval import PlanInInterval
from .plan_list import PlanList
from .plan_out import PlanOut
from .post_authorize_body import PostAuthorizeBody
from .post_authorize_body_decision import PostAuthorizeBodyDecision
from .post_authorize_code_challenge_method import PostAuthorizeCodeChallengeMethod
from .post_authorize_response_type import PostAuthorizeResponseType
from .post_review_decision_decision import PostReviewDecisionDecision
from .post_revoke_body import PostRevokeBody
from .post_revoke_response_200 import PostRevokeResponse200
from .post_revoke_response_400 import PostRevokeResponse400
from .post_revoke_response_401 import PostRevokeResponse401
from .post_token_body import PostTokenBody
from .post_token_body_grant_type import PostTokenBodyGrantType
from .post_token_response_200 import PostTokenResponse200
from .post_token_response_200_token_type import PostTokenResponse200TokenType
from .post_token_response_400 import PostTokenResponse400
from .post_token_response_401 import PostTokenResponse401
from .post_webhook_body import PostWebhookBody
from .prices_out import PricesOut
from .purchase_in import PurchaseIn
from .purchase_in_metadata_type_0 import PurchaseInMetadataType0
from .purchase_list import PurchaseList
from .purchase_out import PurchaseOut
from .purchase_out_metadata import PurchaseOutMetadata
from .rate_out import RateOut
from .reason_in import ReasonIn
from .reason_out import ReasonOut
from .reconciliation_out import ReconciliationOut
from .redemption_list_out import RedemptionListOut
from .redemption_out import RedemptionOut
from .refund_in import RefundIn
from .refund_out import RefundOut
from .reserve_in import ReserveIn
from .reserve_out import ReserveOut
from .reset_confirm_in import ResetConfirmIn
from .reset_request_in import ResetRequestIn
from .reset_requested import ResetRequested
from .resolve_in import ResolveIn
from .resolve_in_action import ResolveInAction
from .review_list import ReviewList
from .review_out import ReviewOut
from .review_out_detail import ReviewOutDetail
from .rule_in import RuleIn
from .rule_out import RuleOut
from .rule_out_card_setup import RuleOutCardSetup
from .rule_out_card_type_0_type_0 import RuleOutCardType0Type0
from .rule_out_state import RuleOutState
from .run_files_out import RunFilesOut
from .run_payout_out import RunPayoutOut
from .session_out import SessionOut
from .session_out_user_type_0_type_0 import SessionOutUserType0Type0
from .sessions_ended import SessionsEnded
from .settings_in import SettingsIn
from .settings_in_schedule import SettingsInSchedule
from .settings_out import SettingsOut
from .setup_out import SetupOut
from .shift_summary_out import ShiftSummaryOut
from .shortfall_list import ShortfallList
from .shortfall_out import ShortfallOut
from .shortfall_out_reason import ShortfallOutReason
from .shortfall_out_status import ShortfallOutStatus
from .shortfall_totals_out import ShortfallTotalsOut
from .size import Size
from .status_import_out import StatusImportOut
from .status_in import StatusIn
from .status_in_status import StatusInStatus
from .subscribe_in import SubscribeIn
from .subscription_list import SubscriptionList
from .subscription_out import SubscriptionOut
from .subscription_out_status import SubscriptionOutStatus
from .subscriptions import Subscriptions
from .summary_out import SummaryOut
from .token_in import TokenIn
from .token_out import TokenOut
from .top_up_list import TopUpList
from .top_up_out import TopUpOut
from .top_up_out_status import TopUpOutStatus
from .totals import Totals
from .user_in import UserIn
from .user_out import UserOut
from .verify_out import VerifyOut
from .voucher_list_out import VoucherListOut
from .voucher_out import VoucherOut
from .voucher_summary_out import VoucherSummaryOut
from .voucher_summary_out_status import VoucherSummaryOutStatus
from .vouchers import Vouchers
from .wallet_out import WalletOut
from .wallet_out_next_expiry_type_0_type_0 import WalletOutNextExpiryType0Type0
from .webhook_out import WebhookOut

__all__ = (
    "ActionList",
    "ActionOut",
    "ActionOutDetail",
    "AppIn",
    "AppList",
    "AppOut",
    "AttemptOut",
    "BalanceOut",
    "BatchOut",
    "CampaignIn",
    "CampaignInFunding",
    "CampaignOut",
    "CancelIn",
    "CapsIn",
    "CardCheckoutIn",
    "CardCheckoutOut",
    "CardFeeOut",
    "CardIn",
    "CardOut",
    "ChangeIn",
    "ChangeOut",
    "ChangeOutStatus",
    "CheckoutConfirmIn",
    "CheckoutIn",
    "ChurnOut",
    "CodeOut",
    "Cohort",
    "ConfigRateOut",
    "ConfirmIn",
    "ConnectionInfo",
    "ConnectionList",
    "ConnectionOut",
    "ConsoleSessionOut",
    "ConsoleSessionOutOperatorType0",
    "ConsoleSignIn",
    "CounterKeyRevoked",
    "CounterOut",
    "Credentials",
    "CreditsOut",
    "CreditsOutstandingOut",
    "Day",
    "DebtorOut",
    "DecisionIn",
    "DecodeOut",
    "Deleted",
    "DeliveryDetail",
    "DeliveryList",
    "DeliveryOut",
    "EarningsOut",
    "EarningsPayableOut",
    "EarningsValueOut",
    "EligibilityOut",
    "EligibilityOutNextPayoutType0Type0",
    "EmptyIn",
    "EndpointIn",
    "EndpointList",
    "EndpointOut",
    "EndpointPatch",
    "EndpointWithSecret",
    "EntryOut",
    "EntryOutObjectTypeType1",
    "EntryOutObjectTypeType2Type1",
    "EntryOutObjectTypeType3Type1",
    "Error",
    "ErrorDetail",
    "EventList",
    "EventOut",
    "EventOutData",
    "EventType",
    "EventTypeList",
    "ExpiringSoonOut",
    "ExpiryOut",
    "FeeReportOut",
    "FeeReportOutMonthsItem",
    "FeeReportOutTotals",
    "FreezeOut",
    "FundingOut",
    "GetAuthorizationServerMetadataResponse200",
    "GetAuthorizeCodeChallengeMethod",
    "GetAuthorizeResponseType",
    "GetDeliveriesStatus",
    "GetHealthzResponse200",
    "GetHealthzResponse200Status",
    "GetMerchantSearchKycStatus",
    "GetPayoutsStatus",
    "GetReviewsStatus",
    "GetShortfallsStatus",
    "GetSubscriptionsStatus",
    "GetVoucherQrFmt",
    "GetVouchersStatus",
    "GrantIn",
    "GrantOut",
    "Heatmap",
    "HistoryOut",
    "ImportConflictOut",
    "InsightsOut",
    "IssueIn",
    "IssueInFunding",
    "Item",
    "KeyOut",
    "KeysOut",
    "KycIn",
    "KycInStatus",
    "KycOut",
    "KycReviewIn",
    "KycReviewInDecision",
    "LiabilityReportOut",
    "LiabilityReportOutOtherAccounts",
    "LossOut",
    "LossReportOut",
    "MeOut",
    "MeOutConnectionType0Type0",
    "MeOutVia",
    "MerchantCounterCreated",
    "MerchantCounterIn",
    "MerchantCounterList",
    "MerchantCounterOut",
    "MerchantCreated",
    "MerchantIn",
    "MerchantKeyCreated",
    "MerchantKeyIn",
    "MerchantKeyList",
    "MerchantKeyOut",
    "MerchantList",
    "MerchantOut",
    "MerchantRiskOut",
    "MerchantRiskOutBankChangesItem",
    "MerchantRiskOutKycHistoryItem",
    "MismatchOut",
    "NextPayoutOut",
    "OpenShortfallOut",
    "OperatorMerchantOut",
    "OperatorPersonOut",
    "OperatorWalletOut",
    "OperatorWalletOutNextExpiryType0Type0",
    "PackOut",
    "PaginationMetadata",
    "PayoutBatchList",
    "PayoutConfigOut",
    "PayoutList",
    "PayoutOut",
    "PayoutRunOut",
    "PersonList",
    "PersonOut",
    "PlanIn",
    "PlanInInterval",
    "PlanList",
    "PlanOut",
    "PostAuthorizeBody",
    "PostAuthorizeBodyDecision",
    "PostAuthorizeCodeChallengeMethod",
    "PostAuthorizeResponseType",
    "PostReviewDecisionDecision",
    "PostRevokeBody",
    "PostRevokeResponse200",
    "PostRevokeResponse400",
    "PostRevokeResponse401",
    "PostTokenBody",
    "PostTokenBodyGrantType",
    "PostTokenResponse200",
    "PostTokenResponse200TokenType",
    "PostTokenResponse400",
    "PostTokenResponse401",
    "PostWebhookBody",
    "PricesOut",
    "PurchaseIn",
    "PurchaseInMetadataType0",
    "PurchaseList",
    "PurchaseOut",
    "PurchaseOutMetadata",
    "RateOut",
    "ReasonIn",
    "ReasonOut",
    "ReconciliationOut",
    "RedemptionListOut",
    "RedemptionOut",
    "RefundIn",
    "RefundOut",
    "ReserveIn",
    "ReserveOut",
    "ResetConfirmIn",
    "ResetRequested",
    "ResetRequestIn",
    "ResolveIn",
    "ResolveInAction",
    "ReviewList",
    "ReviewOut",
    "ReviewOutDetail",
    "RuleIn",
    "RuleOut",
    "RuleOutCardSetup",
    "RuleOutCardType0Type0",
    "RuleOutState",
    "RunFilesOut",
    "RunPayoutOut",
    "SessionOut",
    "SessionOutUserType0Type0",
    "SessionsEnded",
    "SettingsIn",
    "SettingsInSchedule",
    "SettingsOut",
    "SetupOut",
    "ShiftSummaryOut",
    "ShortfallList",
    "ShortfallOut",
    "ShortfallOutReason",
    "ShortfallOutStatus",
    "ShortfallTotalsOut",
    "Size",
    "StatusImportOut",
    "StatusIn",
    "StatusInStatus",
    "SubscribeIn",
    "SubscriptionList",
    "SubscriptionOut",
    "SubscriptionOutStatus",
    "Subscriptions",
    "SummaryOut",
    "TokenIn",
    "TokenOut",
    "TopUpList",
    "TopUpOut",
    "TopUpOutStatus",
    "Totals",
    "UserIn",
    "UserOut",
    "VerifyOut",
    "VoucherListOut",
    "VoucherOut",
    "Vouchers",
    "VoucherSummaryOut",
    "VoucherSummaryOutStatus",
    "WalletOut",
    "WalletOutNextExpiryType0Type0",
    "WebhookOut",
)
