"""Extensions created once at import and bound to an app in ``create_app``."""

from __future__ import annotations

from flask_migrate import Migrate
from flask_smorest import Api

from wallet.db import db

__all__ = ["api", "db", "migrate"]

migrate = Migrate()
api = Api()
