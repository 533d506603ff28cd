"""Subscriptions and memberships paid in credits (plans, renewals, plan changes)."""
