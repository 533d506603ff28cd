"""Merchants: merchants, their apps (OAuth clients), counters, API keys and KYC."""
