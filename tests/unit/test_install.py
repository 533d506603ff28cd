"""`make install` provides what the SDK and Node tests need, unconditionally, and those tests
fail (not skip) when it is missing (tests/support/installed.py)."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.support.installed import installed

ROOT = Path(__file__).resolve().parents[2]


def test_something_missing_fails_the_test(tmp_path: Path) -> None:
    assert installed(tmp_path, "a folder") == tmp_path
    for missing in (None, tmp_path / "node_modules" / ".bin" / "tsx"):
        with pytest.raises(pytest.fail.Exception, match="make install"):
            installed(missing, "tsx")


def test_make_install_installs_both_sdks_and_their_tools() -> None:
    make = installed(shutil.which("make"), "make")
    planned = subprocess.run([str(make), "-nB", "install"], cwd=ROOT, capture_output=True,
                             text=True, check=True, timeout=60).stdout.splitlines()
    commands = [line.strip() for line in planned if not line.lstrip().startswith("#")]
    for needed in ("-m pip install -q -e '.[test,dev]'", "-m pip install -q -e sdk/python",
                   "npm ci --prefix sdk/typescript", "npm ci --prefix tests/node"):
        runs = [c for c in commands if needed in c]
        assert runs, f"make install does not run {needed!r}"
        assert all("command -v" not in c and not c.startswith("if ") for c in runs), runs
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    assert any(dep.startswith("openapi-python-client") for dep in extras["dev"])
