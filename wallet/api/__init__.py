"""Thin HTTP layer: blueprints parse, call domain services, serialise.

Each feature adds its blueprint to ``register_blueprints``.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api


def register_blueprints(app: Flask, api: Api) -> None:
    from wallet.api import health

    app.register_blueprint(health.bp)
