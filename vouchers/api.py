"""Voucher endpoints (flask-smorest) and the counter page at ``/counter``.

Thin: parse, call ``vouchers.service``, serialise. See DESIGN §6 and §7.1.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, current_app, request, send_from_directory
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge

from vouchers import qr, redemptions
from vouchers import service as svc
from vouchers.keys import jwks, load_kek
from vouchers.manual_code import is_valid_manual_code
from vouchers.models import VOUCHER_STATUSES, Voucher, VoucherCampaign, VoucherRedemption
from wallet.config import instance_secret, is_production
from wallet.db import INT64_MAX, db, utcnow
from wallet.errors import InvalidRequest, NotFound, PermissionDenied, Unprocessable
from wallet.extensions import limiter
from wallet.risk.config import load_risk_config
from wallet.web import lockouts
from wallet.web.auth import principal, requires
from wallet.web.docs import one_of_required, security
from wallet.web.headers import PERMISSIONS, talisman
from wallet.web.idempotency import IDEMPOTENCY_KEY, idempotent
from wallet.web.json_body import Blueprint
from wallet.web.lockouts import Rule
from wallet.web.paging import ListArgs, page

blp = Blueprint("vouchers", __name__, url_prefix="/v1",
                description="Signed QR vouchers: issue, verify, redeem, claim, revoke.")

MAX_API_CAMPAIGN = 1000
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 4096 * 4096
QR_CACHE_SECONDS = 86400
KEYS_CACHE_SECONDS = 300
T = TypeVar("T")


def voucher_kek(app: Flask) -> bytes:
    """The key-encryption key: ``WALLET_VOUCHER_KEK`` (hex or base64), or outside production
    one generated once into the instance folder."""
    cached = app.extensions.get("voucher_kek")
    if cached is None:
        configured = app.config.get("VOUCHER_KEK")
        if configured:
            cached = load_kek(str(configured))
        elif is_production(app):
            raise RuntimeError("WALLET_VOUCHER_KEK must be set in production "
                               "(32 bytes as hex or base64)")
        else:
            cached = instance_secret(app, "VOUCHER_KEK", "voucher_kek", 32)
        app.extensions["voucher_kek"] = cached
    return bytes(cached)


def _kek() -> bytes:
    return voucher_kek(current_app)


# --- schemas ----------------------------------------------------------------------------------

Amount = fields.Integer(strict=True, validate=validate.Range(min=1, max=INT64_MAX))


class PresentIn(Schema):
    payload = fields.String(validate=validate.Length(min=1, max=512))
    code = fields.String(validate=validate.Length(min=1, max=64))


class RedeemIn(PresentIn):
    amount = fields.Integer(strict=True, validate=validate.Range(min=1, max=INT64_MAX))


class IssueIn(Schema):
    value = fields.Integer(required=True, strict=True,
                           validate=validate.Range(min=1, max=INT64_MAX))
    expires_at = fields.AwareDateTime(format="iso")
    funding = fields.String(validate=validate.OneOf(["promotion", "gift_card"]),
                            metadata={"description": "operator only; default promotion"})


class CampaignIn(Schema):
    count = fields.Integer(required=True, strict=True,
                           validate=validate.Range(min=1, max=MAX_API_CAMPAIGN))
    value = fields.Integer(required=True, strict=True,
                           validate=validate.Range(min=1, max=INT64_MAX))
    expires_at = fields.AwareDateTime(format="iso")
    funding = fields.String(required=True, validate=validate.OneOf(["promotion", "gift_card"]))
    label = fields.String(validate=validate.Length(max=200))


class VoucherOut(Schema):
    id = fields.String()
    status = fields.String()
    value = fields.Integer()
    remaining = fields.Integer()
    funding = fields.String()
    promotional = fields.Boolean()
    expires_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    code_available = fields.Boolean(metadata={
        "description": "whether GET /v1/vouchers/{id}/code can show the manual code again"})
    campaign_id = fields.String(allow_none=True)
    payload = fields.String()
    code = fields.String(metadata={"description": "manual code, shown once at issue"})
    qr_png_url = fields.String()
    qr_svg_url = fields.String()


class VerifyOut(Schema):
    id = fields.String()
    status = fields.String()
    value = fields.Integer()
    remaining = fields.Integer()
    promotional = fields.Boolean()
    expires_at = fields.DateTime(allow_none=True)


class RedemptionOut(Schema):
    redemption_id = fields.String()
    voucher_id = fields.String()
    amount = fields.Integer()
    remaining = fields.Integer()
    merchant_id = fields.String(allow_none=True)
    counter_id = fields.String(allow_none=True)
    user_id = fields.String(allow_none=True)
    credited_to = fields.String(allow_none=True)
    created_at = fields.DateTime()
    voided_at = fields.DateTime(allow_none=True)


class CampaignOut(Schema):
    id = fields.String()
    label = fields.String()
    funding = fields.String()
    count = fields.Integer()
    value = fields.Integer()
    expires_at = fields.DateTime(allow_none=True)
    vouchers = fields.List(fields.Nested(VoucherOut))


class KeyOut(Schema):
    kid = fields.String()
    kty = fields.String()
    crv = fields.String()
    x = fields.String()
    alg = fields.String()
    use = fields.String()
    status = fields.String()


class KeysOut(Schema):
    keys = fields.List(fields.Nested(KeyOut))


class CounterOut(Schema):
    counter_id = fields.String()
    counter_name = fields.String()
    merchant_id = fields.String()
    merchant_name = fields.String()


class DecodeOut(Schema):
    found = fields.Boolean(required=True)
    payload = fields.String(allow_none=True, required=True, metadata={
        "description": "the voucher payload found in the image, or null when there is none"})


class VoucherListArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(VOUCHER_STATUSES))


class VoucherSummaryOut(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(VOUCHER_STATUSES)})
    value = fields.Integer(required=True)
    remaining = fields.Integer(required=True)
    funding = fields.String(required=True)
    promotional = fields.Boolean(required=True)
    expires_at = fields.DateTime(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True, required=True)
    campaign_id = fields.String(allow_none=True, required=True)
    code_available = fields.Boolean(required=True, metadata={
        "description": "whether GET /v1/vouchers/{id}/code can show the manual code again"})
    qr_png_url = fields.String(required=True)
    qr_svg_url = fields.String(required=True)


class VoucherListOut(Schema):
    data = fields.List(fields.Nested(VoucherSummaryOut), required=True)
    has_more = fields.Boolean(required=True)


class CodeOut(Schema):
    id = fields.String(required=True)
    code = fields.String(required=True)


class ShiftArgs(Schema):
    since = fields.AwareDateTime(format="iso", metadata={
        "description": "start of the shift (default: 00:00 UTC today)"})
    until = fields.AwareDateTime(format="iso", metadata={"description": "default: now"})


class ShiftListArgs(ListArgs, ShiftArgs):
    pass


class ShiftSummaryOut(Schema):
    counter_id = fields.String(required=True)
    since = fields.DateTime(required=True)
    until = fields.DateTime(required=True)
    count = fields.Integer(required=True, metadata={"description": "redemptions, voided too"})
    total = fields.Integer(required=True, metadata={"description": "credits, voided too"})
    voided_count = fields.Integer(required=True)
    voided_total = fields.Integer(required=True)
    net_total = fields.Integer(required=True, metadata={"description": "total - voided_total"})
    void_window_seconds = fields.Integer(required=True)


class RedemptionListOut(Schema):
    data = fields.List(fields.Nested(RedemptionOut), required=True)
    has_more = fields.Boolean(required=True)


# --- serialisers ------------------------------------------------------------------------------


def _urls(voucher: Voucher) -> dict[str, str]:
    root = request.url_root.rstrip("/")
    return {"qr_png_url": f"{root}/v1/vouchers/{voucher.id}/qr.png",
            "qr_svg_url": f"{root}/v1/vouchers/{voucher.id}/qr.svg"}


def voucher_dict(voucher: Voucher, *, code: str | None = None,
                 with_payload: bool = True) -> dict[str, Any]:
    status = svc.effective_status(voucher)
    out: dict[str, Any] = {
        "id": voucher.id, "status": status, "value": voucher.value,
        "remaining": voucher.remaining if status == "active" else 0,
        "funding": voucher.funding, "promotional": voucher.funding == "promotion",
        "expires_at": voucher.expires_at, "created_at": voucher.created_at,
        "closed_at": voucher.closed_at, "code_available": voucher.code_sealed is not None,
        "campaign_id": voucher.campaign_id, **_urls(voucher),
    }
    if with_payload:
        out["payload"] = voucher.payload
    if code is not None:
        out["code"] = code
    return out


def manual_code_checks() -> list[tuple[Rule, str]]:
    """Failed manual codes are limited per counter (or person), per merchant and overall."""
    who, config, window = principal(), current_app.config, svc.FAILURE_WINDOW

    def rule(name: str, default: int) -> Rule:
        setting = f"MANUAL_CODE_FAILURES_{name.upper()}"
        return Rule(f"manual-code-{name}", int(config.get(setting, default)), window)

    checks = []
    if who.counter_id:
        checks.append((rule("per_counter", svc.FAILURE_LIMIT), who.counter_id))
    elif who.user_id:
        checks.append((rule("per_person", svc.FAILURE_LIMIT), who.user_id))
    if who.merchant_id and who.kind == "counter":
        checks.append((rule("per_merchant", svc.MERCHANT_FAILURE_LIMIT), who.merchant_id))
    checks.append((rule("global", svc.GLOBAL_FAILURE_LIMIT), "all"))
    return checks


def _looked_up(data: dict[str, Any], action: Callable[[], T]) -> T:
    """Run a look-up; a well-formed manual code counts as a failed guess unless it matched."""
    code = data.get("code")
    if data.get("payload") is not None or not isinstance(code, str) \
            or not is_valid_manual_code(code):
        return action()  # signed payloads, and typos answered without a look-up
    with lockouts.attempt(manual_code_checks(), failure=svc.UnknownManualCode,
                          code="manual_code_locked", param="code",
                          message="Too many wrong manual codes; try again in {seconds} "
                                  "seconds."):
        return action()


def _issuer() -> dict[str, Any]:
    who = principal()
    return {"user_id": who.user_id, "operator": who.kind == "admin"}


# --- endpoints --------------------------------------------------------------------------------


@blp.route("/voucher_keys")
class VoucherKeys(MethodView):
    @blp.response(200, KeysOut)
    def get(self) -> Any:
        """The published voucher keys as a JWK set (anyone; cacheable)."""
        document = jwks(svc.public_keys(db.session()).values())
        etag = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:32]
        headers = {"Cache-Control": f"public, max-age={KEYS_CACHE_SECONDS}",
                   "ETag": f'"{etag}"'}
        if request.if_none_match.contains(etag):
            return Response(status=304, headers=headers)
        return document, headers


@blp.route("/vouchers")
class Vouchers(MethodView):
    @requires("user")
    @blp.arguments(VoucherListArgs, location="query")
    @blp.response(200, VoucherListOut)
    @blp.doc(**security("user"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The vouchers the person gifted, newest first, with status and what is left."""
        user_id = str(principal().user_id)
        query = svc.person_vouchers(user_id, args.get("status"))
        found = page(db.session(), query, Voucher, limit=args["limit"],
                     starting_after=args.get("starting_after"), newest_first=True)
        # a list carries no bearer secret (payload, code)
        return {"data": [voucher_dict(v, with_payload=False) for v in found["data"]],
                "has_more": found["has_more"]}

    @requires("user", "admin")
    @idempotent
    @blp.arguments(IssueIn)
    @blp.response(201, VoucherOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Issue a voucher: a person gifts own credits, or the operator issues one."""
        who = principal()
        if who.kind == "admin":
            issued = svc.issue_operator_voucher(
                db.session(), value=data["value"], funding=data.get("funding", "promotion"),
                expires_at=data.get("expires_at"), kek=_kek())
        else:
            if "funding" in data:
                raise PermissionDenied("Only the operator chooses funding.",
                                     code="funding_not_allowed", param="funding")
            assert who.user_id is not None
            issued = svc.issue_gift(db.session(), user_id=who.user_id, value=data["value"],
                                    expires_at=data.get("expires_at"), kek=_kek(),
                                    risk=load_risk_config(current_app.config))
        return voucher_dict(issued.voucher, code=issued.code)


@blp.route("/vouchers/<string:voucher_id>")
class VoucherDetail(MethodView):
    @requires("user", "admin")
    @blp.response(200, VoucherOut)
    def get(self, voucher_id: str) -> dict[str, Any]:
        """One voucher, for its issuer."""
        return voucher_dict(svc.get_for_issuer(db.session(), voucher_id, **_issuer()))


@blp.route("/vouchers/<string:voucher_id>/code")
class VoucherCode(MethodView):
    @requires("user", "admin")
    @blp.response(200, CodeOut)
    @blp.doc(**security("user", "admin"))
    def get(self, voucher_id: str) -> dict[str, Any]:
        """The manual code again, for the issuer: signed in on the web, or the operator."""
        who = principal()
        if who.kind == "user" and not who.via_session:
            raise PermissionDenied("Only the person, signed in, sees a voucher's code again.",
                                   code="session_required")
        voucher = svc.get_for_issuer(db.session(), voucher_id, **_issuer())
        code = svc.manual_code_of(voucher, _kek())
        if code is None:
            raise NotFound("This voucher's code was shown once at issue and not kept.",
                           code="voucher_code_not_kept", param="id")
        return {"id": voucher.id, "code": code}


@blp.route("/vouchers/<string:voucher_id>/qr.<any(png, svg):fmt>")
class VoucherQr(MethodView):
    @requires("user", "admin")
    @blp.doc(responses={
        "200": {"description": "The QR code (`qr.png` or `qr.svg`).", "content": {
            "image/png": {"schema": {"type": "string", "format": "binary"}},
            "image/svg+xml": {"schema": {"type": "string"}}}},
        "304": {"description": "Not modified (`If-None-Match`)."}})
    def get(self, voucher_id: str, fmt: str) -> Response:
        """The voucher's QR code as PNG or SVG, for its issuer (cacheable, ETag)."""
        voucher = svc.get_for_issuer(db.session(), voucher_id, **_issuer())
        etag = hashlib.sha256(f"{fmt}:{voucher.payload}".encode()).hexdigest()[:32]
        headers = {"Cache-Control": f"private, max-age={QR_CACHE_SECONDS}, immutable",
                   "ETag": f'"{etag}"'}
        if request.if_none_match.contains(etag):
            return Response(status=304, headers=headers)
        rendered = qr.render_qr(voucher.payload, "svg" if fmt == "svg" else "png")
        return Response(rendered.content, mimetype=rendered.media_type, headers=headers)


@blp.route("/vouchers/verify")
class VoucherVerify(MethodView):
    @requires("counter")
    @blp.arguments(PresentIn)
    @blp.response(200, VerifyOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Read-only check at a counter: status, value and what is left."""
        state = _looked_up(data, lambda: svc.verify(
            db.session(), payload=data.get("payload"), code=data.get("code")))
        v = state.voucher
        return {"id": v.id, "status": state.status, "value": v.value,
                "remaining": state.remaining, "promotional": v.funding == "promotion",
                "expires_at": v.expires_at}


@blp.route("/vouchers/redeem")
class VoucherRedeem(MethodView):
    @requires("counter")
    @idempotent
    @blp.arguments(RedeemIn)
    @blp.response(200, RedemptionOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Redeem all or part of a voucher; the value goes to this counter's merchant."""
        who = principal()
        assert who.counter_id is not None
        counter_id = who.counter_id
        result = _looked_up(data, lambda: svc.redeem(
            db.session(), counter_id=counter_id, payload=data.get("payload"),
            code=data.get("code"), amount=data.get("amount")))
        return svc.redemption_view(result)


@blp.route("/vouchers/claim")
class VoucherClaim(MethodView):
    @requires("user")
    @idempotent
    @blp.arguments(PresentIn)
    @blp.response(200, RedemptionOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Move what is left on a voucher into the caller's wallet."""
        user_id = principal().user_id
        assert user_id is not None
        result = _looked_up(data, lambda: svc.claim(
            db.session(), user_id=user_id, payload=data.get("payload"), code=data.get("code")))
        return svc.redemption_view(result)


@blp.route("/vouchers/<string:voucher_id>/revoke")
class VoucherRevoke(MethodView):
    @requires("user", "admin")
    @blp.response(200, VoucherOut)
    def post(self, voucher_id: str) -> dict[str, Any]:
        """The issuer cancels a voucher; what is left returns to its funder."""
        voucher = svc.revoke(db.session(), voucher_id, **_issuer())
        return voucher_dict(voucher, with_payload=False)


@blp.route("/voucher_campaigns")
class VoucherCampaigns(MethodView):
    @requires("admin")
    @idempotent
    @blp.arguments(CampaignIn)
    @blp.response(201, CampaignOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Issue a campaign of vouchers (up to 1000 here; the CLI does more)."""
        campaign, issued = svc.issue_campaign(
            db.session(), count=data["count"], value=data["value"], funding=data["funding"],
            expires_at=data.get("expires_at"), label=data.get("label", ""), kek=_kek())
        return campaign_dict(campaign, [voucher_dict(i.voucher, code=i.code) for i in issued])


def campaign_dict(campaign: VoucherCampaign, vouchers: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": campaign.id, "label": campaign.label, "funding": campaign.funding,
            "count": campaign.voucher_count, "value": campaign.value,
            "expires_at": campaign.expires_at, "vouchers": vouchers}


def _counter_id() -> str:
    counter_id = principal().counter_id
    assert counter_id is not None
    return counter_id


def _shift(args: dict[str, Any]) -> tuple[datetime, datetime]:
    now = utcnow()
    since = args.get("since") or now.replace(hour=0, minute=0, second=0, microsecond=0)
    until = args.get("until") or now
    if until <= since:
        raise Unprocessable("until must be after since.", code="invalid_range", param="until")
    return since, until


def void_window() -> timedelta:
    """``WALLET_VOUCHER_VOID_WINDOW_SECONDS``, or ten minutes."""
    seconds = current_app.config.get("VOUCHER_VOID_WINDOW_SECONDS")
    return timedelta(seconds=int(seconds)) if seconds else redemptions.VOID_WINDOW


@blp.route("/vouchers/redemptions")
class CounterRedemptions(MethodView):
    @requires("counter")
    @blp.arguments(ShiftListArgs, location="query")
    @blp.response(200, RedemptionListOut)
    @blp.doc(**security("counter"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """This counter's redemptions in a shift (since..until), oldest first."""
        since, until = _shift(args)
        found = page(db.session(), redemptions.counter_redemptions(_counter_id(), since, until),
                     VoucherRedemption, limit=args["limit"],
                     starting_after=args.get("starting_after"))
        return {"data": [svc.redemption_row_view(r) for r in found["data"]],
                "has_more": found["has_more"]}


@blp.route("/vouchers/redemptions/summary")
class ShiftSummaryView(MethodView):
    @requires("counter")
    @blp.arguments(ShiftArgs, location="query")
    @blp.response(200, ShiftSummaryOut)
    @blp.doc(**security("counter"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """End of shift: how many redemptions this counter made, their total, the voided."""
        since, until = _shift(args)
        summary = redemptions.shift_summary(db.session(), _counter_id(), since, until)
        return {"counter_id": _counter_id(), "since": summary.since, "until": summary.until,
                "count": summary.count, "total": summary.total,
                "voided_count": summary.voided_count, "voided_total": summary.voided_total,
                "net_total": summary.net_total,
                "void_window_seconds": int(void_window().total_seconds())}


@blp.route("/vouchers/redemptions/<string:redemption_id>/void")
class VoidRedemption(MethodView):
    @requires("counter")
    @idempotent
    @blp.response(200, RedemptionOut)
    @blp.doc(**security("counter"), parameters=[IDEMPOTENCY_KEY])
    def post(self, redemption_id: str) -> dict[str, Any]:
        """Void this counter's redemption within the void window: the value goes back onto
        the voucher (once; voiding again answers the voided redemption)."""
        voided = redemptions.void_redemption(db.session(), counter_id=_counter_id(),
                                             redemption_id=redemption_id, window=void_window())
        return svc.redemption_row_view(voided)


@blp.route("/vouchers/counter")
class CounterInfo(MethodView):
    @requires("counter")
    @blp.response(200, CounterOut)
    def get(self) -> dict[str, Any]:
        """Who this counter key belongs to (shown on the counter page after pairing)."""
        counter_id = principal().counter_id
        assert counter_id is not None
        counter, merchant = svc.counter_info(db.session(), counter_id)
        return {"counter_id": counter.id, "counter_name": counter.name,
                "merchant_id": merchant.id, "merchant_name": merchant.name}


def _credential_key() -> str:
    """Rate-limit key: a digest of the caller's credential (the remote address without one)."""
    header = request.headers.get("Authorization", "")
    if not header:
        return request.remote_addr or "-"
    return "cred:" + hashlib.sha256(header.encode()).hexdigest()[:24]


decode_limit = limiter.limit(
    lambda: str(current_app.config.get("VOUCHER_DECODE_RATE_LIMIT", "120 per minute")),
    key_func=_credential_key, scope="voucher-decode")


@blp.route("/vouchers/decode")
class VoucherDecode(MethodView):
    decorators = [decode_limit]

    @requires("counter")
    @blp.doc(requestBody={"required": True, "content": {
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in ("image/png", "image/jpeg", "image/webp")}})
    @blp.response(200, DecodeOut)
    def post(self) -> dict[str, Any]:
        """Find a voucher QR in a camera frame (PNG/JPEG/WebP body or multipart ``image``).

        The fallback for counters that cannot decode in the browser. Nothing is verified
        here; an image without a voucher QR answers ``found: false``, not an error.
        """
        payload = decode_image(_image_bytes())
        return {"found": payload is not None, "payload": payload}


def _image_bytes() -> bytes:
    request.max_content_length = MAX_IMAGE_BYTES
    try:
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("image")
            data = upload.read(MAX_IMAGE_BYTES + 1) if upload else b""
        elif request.mimetype.startswith("image/"):
            data = request.get_data(cache=False)
        else:
            raise InvalidRequest("Send an image (image/png, image/jpeg or image/webp).",
                                 code="unsupported_media_type", param="image")
    except RequestEntityTooLarge:
        raise InvalidRequest("The image is larger than 2 MB.", code="body_too_large",
                             param="image") from None
    if not data or len(data) > MAX_IMAGE_BYTES:
        raise InvalidRequest("Send one image of at most 2 MB.", code="invalid_image",
                             param="image")
    return data


def decode_image(data: bytes) -> str | None:
    """The first voucher payload found in an image (zxing-cpp), or None."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    from vouchers.codec import is_voucher_payload

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"PNG", "JPEG", "WEBP"}:
                raise InvalidRequest("Only PNG, JPEG and WebP images are decoded.",
                                     code="invalid_image", param="image")
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise InvalidRequest("The image has too many pixels.", code="invalid_image",
                                     param="image")
            grey = image.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise InvalidRequest("The image cannot be read.", code="invalid_image",
                             param="image") from None
    only_qr = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    for found in zxingcpp.read_barcodes(grey, formats=only_qr):
        if is_voucher_payload(found.text):
            return str(found.text).strip()
    return None


# --- the counter page -----------------------------------------------------------------------

pages = FlaskBlueprint("counter_page", __name__)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
COUNTER_DIR = STATIC_DIR / "counter"
SHELL_FILES = (COUNTER_DIR / "index.html", COUNTER_DIR / "counter.js", COUNTER_DIR / "counter.css",
               COUNTER_DIR / "sw.js", STATIC_DIR / "style.css", STATIC_DIR / "qrscan.js",
               STATIC_DIR / "vendor" / "jsQR.js")
@pages.get("/counter")
@talisman(permissions_policy={**PERMISSIONS, "camera": "(self)"})
def counter_page() -> Response:
    """The counter page: the app's CSP (``wallet.web.headers``), and its own camera."""
    response = send_from_directory(COUNTER_DIR, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@pages.get("/counter/manifest.webmanifest")
def counter_manifest() -> Response:
    return send_from_directory(COUNTER_DIR, "manifest.webmanifest",
                               mimetype="application/manifest+json", max_age=3600)


@pages.get("/counter/sw.js")
def counter_service_worker() -> Response:
    """The counter's service worker, allowed to control ``/counter``; its cache is named after
    the shell's content, so a new deployment replaces the cached shell."""
    source = (COUNTER_DIR / "sw.js").read_text(encoding="utf-8")
    body = source.replace("__SHELL_VERSION__", _shell_version())
    return Response(body, mimetype="text/javascript", headers={
        "Cache-Control": "no-cache", "Service-Worker-Allowed": "/counter"})


def _shell_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(SHELL_FILES):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def register(app: Flask, api: Api) -> None:
    """Register the voucher API and the counter page; refuse to start without a KEK in
    production."""
    if is_production(app):
        voucher_kek(app)
    api.register_blueprint(blp)
    for body in ("PresentIn", "RedeemIn"):
        one_of_required(api, body, "payload", "code")
    app.register_blueprint(pages)

