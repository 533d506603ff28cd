"""Top-ups: price list, payment providers, checkout, signed webhooks, claw-back."""
