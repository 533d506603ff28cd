"""Import every table so metadata (and Alembic autogenerate) sees them all.

Each capability that defines tables adds one import line here.
"""

# ruff: noqa: F401
import vouchers.models
import wallet.console.models
import wallet.credits.models
import wallet.insights.models
import wallet.ledger.models
import wallet.merchants.models
import wallet.oauth.models
import wallet.payouts.models
import wallet.people.models
import wallet.purchases.models
import wallet.risk.models
import wallet.subscriptions.models
import wallet.topups.models
import wallet.web.idempotency
import wallet.web.lockouts
import wallet.webhooks.models
