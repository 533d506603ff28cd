"""Principals: people, merchants, their apps and counters, and API keys."""
