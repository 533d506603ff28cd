"""Top-ups: the credit price list and the payment providers (pure: no Flask, no database)."""
