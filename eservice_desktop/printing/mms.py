"""The MMS pickup picture (county side): office, pickup number, QR code, expiry, instructions.

A PNG small enough for any MMS gateway (~480 px wide, well under 100 kB). The QR carries the
signed pickup code in alphanumeric mode at error correction M (version 7 for the 168-character
code), drawn with 7-pixel modules and the full 4-module quiet zone, so a desk scanner reads it
off a phone at half brightness. Chinese text needs a CJK TrueType/OpenType font: without one the
picture would show boxes, so rendering fails loudly instead.
"""

from __future__ import annotations

import io
from datetime import datetime

import segno
from PIL import Image, ImageDraw, ImageFont

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.printing.fonts import locate

WIDTH = 480
MODULE_PX = 7
QR_ERROR = "m"

#: (file name, face index) tried in order: TW-Kai first, AR PL UMing TW as the fallback.
FONT_FILES: tuple[tuple[str, int], ...] = (("TW-Kai-98_1.ttf", 0), ("uming.ttc", 2))

INSTRUCTIONS = (
    "請於領件期限前，至上列事務所領件櫃檯出示本條碼，",
    "即可領取文件，免出示身分證。",
    "手機螢幕無法掃描時，請告知上方口述領件碼。",
    "本條碼僅能使用一次，請勿轉傳他人。",
)


class CjkFontMissing(RuntimeError):
    """No Chinese font is installed; the MMS picture cannot be rendered legibly."""


def _font(size: int) -> ImageFont.FreeTypeFont:
    for name, index in FONT_FILES:
        path = locate(name)
        if path is not None:
            return ImageFont.truetype(str(path), size, index=index)
    raise CjkFontMissing(
        "找不到中文字型（全字庫正楷體 TW-Kai 或 AR PL UMing），無法產生領件簡訊圖片。"
        " / No CJK font (fonts-cns11643-kai or fonts-arphic-uming) is installed."
    )


def qr_image(payload: str) -> Image.Image:
    qr = segno.make_qr(payload, error=QR_ERROR, boost_error=False)
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=MODULE_PX, border=4)
    buf.seek(0)
    return Image.open(buf).convert("L")


def qr_version(payload: str) -> int:
    qr = segno.make_qr(payload, error=QR_ERROR, boost_error=False)
    return int(qr.version)


def render_mms_png(
    office_name: str,
    pickup_number: str,
    payload: str,
    expires_at: datetime,
    *,
    short_code: str = "",
    case_number: str = "",
) -> bytes:
    """The picture as PNG bytes; ``payload`` goes into the QR unchanged. ``case_number`` is
    written under the expiry: a citizen with two cases ready had two pictures that differed
    only by the pickup number, and could not tell which application each was for."""
    title, big, body, small = _font(30), _font(56), _font(22), _font(18)
    code = qr_image(payload)
    expiry = format_roc(expires_at.astimezone(TAIPEI).date(), "long")
    height = 250 + 34 + code.height + 40 + 34 * len(INSTRUCTIONS) + 30
    img = Image.new("L", (WIDTH, height), 255)
    draw = ImageDraw.Draw(img)

    def centred(y: int, text: str, font: ImageFont.FreeTypeFont) -> int:
        box = draw.textbbox((0, 0), text, font=font)
        draw.text(((WIDTH - (box[2] - box[0])) // 2, y), text, font=font, fill=0)
        return int(y + (box[3] - box[1]) + 14)

    y = centred(18, "領件通知", title)
    y = centred(y, office_name, body)
    y = centred(y + 4, f"領件號碼 {pickup_number}", big)
    if short_code:
        y = centred(y, f"（口述領件碼：{short_code}）", small)
    y = centred(y, f"領件期限：{expiry}", body)
    if case_number:
        y = centred(y, f"案件編號：{case_number}", small)
    img.paste(code, ((WIDTH - code.width) // 2, y))
    y += code.height + 10
    for line in INSTRUCTIONS:
        y = centred(y, line, small)
    out = io.BytesIO()
    img.crop((0, 0, WIDTH, min(height, y + 16))).save(out, format="PNG", optimize=True)
    return out.getvalue()
