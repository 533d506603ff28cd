"""Payouts: holding period, batched SEPA runs, payout lifecycle, bank status import."""
