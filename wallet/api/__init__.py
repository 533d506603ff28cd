"""Thin HTTP layer: blueprints parse, call domain services, serialise.

Each feature adds its blueprint to ``register_blueprints``.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api


def register_blueprints(app: Flask, api: Api) -> None:
    from wallet.api import health

    app.register_blueprint(health.bp)
    from wallet.api import topups
    api.register_blueprint(topups.blp)
    app.register_blueprint(topups.pages)
    from vouchers import api as vouchers_api
    vouchers_api.register(app, api)
    from wallet.api import grants, purchases
    from wallet.api import wallet as wallet_api
    api.register_blueprint(purchases.blp)
    api.register_blueprint(wallet_api.blp)
    api.register_blueprint(grants.blp)
    from wallet.api import docs, merchant_apps, oauth, operator, people
    from wallet.oauth import server as oauth_server
    from wallet.people import csrf
    csrf.init_app(app)
    oauth_server.init_app(app)
    api.register_blueprint(people.blp)
    app.register_blueprint(people.web)
    api.register_blueprint(operator.blp)
    api.register_blueprint(merchant_apps.blp)
    api.register_blueprint(oauth.blp)
    app.register_blueprint(oauth.web)
    from wallet.api import payouts as payouts_api
    api.register_blueprint(payouts_api.blp)
    app.register_blueprint(payouts_api.pages)
    docs.init_app(app, api)
