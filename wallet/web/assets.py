"""Assets every page shares: the favicon and the app icons of the installable counter.

The icon is ``static/icons/wallet.svg``; the PNG sizes that web app manifests ask for are
drawn from the same shapes with Pillow on first use (nothing binary in the repository).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory
from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent.parent / "static" / "icons"
PNG_SIZES = (180, 192, 512)
BRAND, PALE, WHITE = "#1f5fbf", "#cfe0fb", "#ffffff"

bp = Blueprint("assets", __name__)


@bp.get("/favicon.ico")
def favicon() -> Response:
    return send_from_directory(ICONS, "wallet.svg", mimetype="image/svg+xml", max_age=86400)


@bp.get("/icons/wallet-<int:size>.png")
def icon_png(size: int) -> Response:
    if size not in PNG_SIZES:
        abort(404)
    return Response(draw_icon(size), mimetype="image/png",
                    headers={"Cache-Control": "public, max-age=86400"})


@lru_cache(maxsize=len(PNG_SIZES))
def draw_icon(size: int) -> bytes:
    """The wallet icon (the SVG's 64-unit grid, scaled) as a PNG of ``size`` pixels."""
    scale = size / 64
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        return x * scale, y * scale, (x + w) * scale, (y + h) * scale

    draw.rounded_rectangle(box(0, 0, 64, 64), radius=14 * scale, fill=BRAND)
    draw.polygon([(14 * scale, 18 * scale), (42 * scale, 10 * scale), (46 * scale, 18 * scale)],
                 fill=PALE)
    draw.rounded_rectangle(box(10, 18, 44, 32), radius=6 * scale, fill=WHITE)
    draw.rounded_rectangle(box(36, 28, 18, 12), radius=4 * scale, fill=BRAND)
    draw.ellipse(box(40.5, 31.5, 5, 5), fill=WHITE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
