"""Browser-test plumbing: Chromium via Playwright, a real server on a free port, axe-core.

- ``require_chromium()`` skips (or fails with ``WALLET_REQUIRE_BROWSER=1``) without Chromium.
- ``serve(app)`` runs the app with werkzeug on 127.0.0.1 and a free port, in a thread.
- ``launch(playwright, video=...)`` starts Chromium; with a ``.y4m`` file it is the camera.
- ``check_page(page, name)``: axe-core (from npm, ``node_modules/axe-core``) finds no critical
  or serious violation, the page does not scroll sideways, and a screenshot is kept.
- ``write_y4m(png, path)``: a fake-camera video of a QR image, made at test time.
- ``demo_site(workdir)``: the voucher test world on a real server (SQLite, TESTING off).
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from werkzeug.serving import BaseWSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
TIMEOUT_MS = 20_000
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]
BLOCKING_IMPACTS = ("critical", "serious")


def require_chromium() -> None:
    if CHROMIUM.exists() and AXE.exists():
        return
    reason = (f"{CHROMIUM} is not installed (apt-get install chromium)" if not CHROMIUM.exists()
              else f"{AXE} is missing (make install runs npm ci)")
    if os.environ.get("WALLET_REQUIRE_BROWSER", "") in ("1", "true", "yes"):
        pytest.fail(reason + " and WALLET_REQUIRE_BROWSER=1")
    pytest.skip(reason + "; set WALLET_REQUIRE_BROWSER=1 to fail instead")


class LiveServer:
    """A werkzeug server for ``app`` on 127.0.0.1; ``stop()`` cuts it, ``start()`` brings it
    back on the same port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.port = 0
        self.httpd: BaseWSGIServer | None = None
        self.thread: threading.Thread | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.httpd = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.httpd.server_port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.httpd is not None and self.thread is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(10)
            self.httpd = None


@contextmanager
def serve(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def demo_site(workdir: Path) -> Iterator[dict[str, Any]]:
    """``tests.support.voucher_world.world`` on a live server over a fresh SQLite database:
    its principals and credentials plus ``app``, ``live`` and ``url``."""
    from tests.conftest import RISK_OFF, migrated_app
    from tests.support.databases import temporary_database
    from tests.support.voucher_world import world
    from wallet.db import db

    with temporary_database("sqlite", workdir) as url:
        app = migrated_app(url, workdir / "instance", TESTING=False, RATELIMIT_ENABLED=False,
                            **RISK_OFF)
        with app.app_context():
            principals = world(db.session())
            db.session.commit()
        with serve(app) as live:
            yield {**principals, "app": app, "live": live, "url": live.url}
        with app.app_context():
            db.engine.dispose()


def launch(playwright: Any, video: Path | None = None) -> Any:
    args = list(LAUNCH_ARGS)
    if video is not None:
        args += ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 f"--use-file-for-fake-video-capture={video}"]
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's critical and serious violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.help, "
        "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    return [v for v in result if v["impact"] in BLOCKING_IMPACTS]


def check_page(page: Any, name: str, *, full_page: bool = True) -> None:
    """axe finds nothing critical or serious, no sideways scroll, and a screenshot."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
    violations = axe_violations(page)
    assert not violations, f"{name}: {json.dumps(violations, indent=1)}"
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name}: the page scrolls sideways ({scroll} > {width} px)"


def write_y4m(png: bytes, path: Path, width: int = 640, height: int = 480,
              frames: int = 10) -> None:
    """A raw YUV 4:2:0 video (header says C420) showing the QR on a grey background."""
    code = Image.open(io.BytesIO(png)).convert("L")
    side = min(width, height) - 80
    frame = Image.new("L", (width, height), 170)
    frame.paste(code.resize((side, side), Image.Resampling.NEAREST),
                ((width - side) // 2, (height - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as handle:
        handle.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420\n".encode("ascii"))
        for _ in range(frames):
            handle.write(b"FRAME\n" + luma + chroma + chroma)


BROKEN_WORDS_JS = """(selector) => {
  const broken = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\\S+/g;
      let match;
      while ((match = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def broken_words(page: Any, selector: str) -> list[str]:
    """Words inside ``selector`` that the layout splits over two lines."""
    return list(page.evaluate(BROKEN_WORDS_JS, selector))


def wait_until(page: Any, expression: str, timeout_ms: float = TIMEOUT_MS) -> None:
    """Wait until ``expression`` is truthy in the page. Polled with ``page.evaluate``
    (run over CDP): Playwright's ``wait_for_function`` polls with eval(), which the
    pages' CSP (no 'unsafe-eval') refuses."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        time.sleep(0.05)
