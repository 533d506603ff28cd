"""Thin HTTP layer: blueprints parse, call domain services, serialise."""
