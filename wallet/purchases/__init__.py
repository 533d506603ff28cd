"""Purchases in apps at no fee (the hot path), merchant refunds and risk counters."""
