"""Extensions created once at import and bound to an app in ``create_app``."""

from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api

from wallet.db import db
from wallet.web.schemas import ErrorSchema

__all__ = ["api", "db", "limiter", "migrate"]



class WalletApi(Api):
    """flask-smorest's Api, documenting our one error shape for every error."""

    ERROR_SCHEMA = ErrorSchema


migrate = Migrate()
api = WalletApi()
# Rate limits: memory storage unless WALLET_RATELIMIT_STORAGE_URL (e.g. redis://…)
# is set; WALLET_RATELIMIT_ENABLED=false turns them off. Views add their own
# limits with ``@limiter.limit("10/minute")``.
limiter = Limiter(key_func=get_remote_address)


@limiter.request_filter
def _limits_disabled_for_this_app() -> bool:
    """The limiter object is process-wide; honour each app's own switch."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)
