"""The operator console: the operator's API gaps (people, wallets, purchases, merchants,
freeze, refunds on a merchant's behalf, KYC review), the append-only audit of every
operator action, operator accounts with a TOTP second factor, the liability report and
the ``/admin`` page. See ``docs/console.md``."""
