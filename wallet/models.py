"""Import every table so metadata (and Alembic autogenerate) sees them all.

Each feature module that defines tables adds one import line here.
"""

# ruff: noqa: F401
import vouchers.models
import wallet.credits_models
import wallet.idempotency
import wallet.identity.models
import wallet.ledger.models
import wallet.oauth.models
import wallet.payouts.models
import wallet.topups.models
