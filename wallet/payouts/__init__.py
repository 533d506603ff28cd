"""Merchant payouts: IBAN checks, SEPA pain.001 batch files, CSV exports, bank status import."""
