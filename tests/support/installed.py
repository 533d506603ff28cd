"""What `make install` provides (the Makefile's install target): a test that needs it fails
when it is missing, never skips, so a broken setup cannot pass as a green run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def installed(path: Path | str | None, what: str) -> Path:
    """``path`` if it exists, else fail the test naming what is missing."""
    if path is None or not Path(path).exists():
        pytest.fail(f"{what} is missing: `make install` provides it (see the Makefile)",
                    pytrace=False)
    return Path(path)


def node() -> Path:
    """The ``node`` executable (Node 20 and npm are needed for the install, README.md)."""
    return installed(shutil.which("node"), "node (Node 20)")
