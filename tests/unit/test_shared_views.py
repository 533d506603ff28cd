"""The wallet's HTTP shapes live in wallet/credits/views.py; the person's API module is only
registered by the app factory, never imported by another capability (the console used to)."""

from __future__ import annotations

import ast
from pathlib import Path

import wallet

ROOT = Path(wallet.__file__).parent


def imported(node: ast.AST) -> set[str]:
    """The modules an import statement may bring in (``from a import b``: a and a.b)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if isinstance(node, ast.ImportFrom) and node.module:
        return {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return set()


def importers_of(module: str) -> list[str]:
    return [str(path.relative_to(ROOT.parent)) for path in sorted(ROOT.rglob("*.py"))
            if any(module in imported(node)
                   for node in ast.walk(ast.parse(path.read_text(), str(path))))]


def test_only_the_app_factory_imports_the_wallet_api_module() -> None:
    assert importers_of("wallet.credits.api") == ["wallet/__init__.py"]


def test_the_person_api_and_the_console_share_the_views() -> None:
    assert importers_of("wallet.credits.views") == ["wallet/console/api.py",
                                                    "wallet/credits/api.py"]
