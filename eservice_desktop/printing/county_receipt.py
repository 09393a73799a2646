"""The county's acknowledgement (縣府收件回執) as a printable page: proof for the office, or
for a citizen who asks, that a case reached the county, with the signature to check it.

A5 portrait with the embedded Traditional Chinese font (printing/fonts.py); the QR carries the
whole signed receipt so anyone with the county's public keys can verify it again later.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

import segno
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as pdfcanvas

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.printing.fonts import font_chain


def render_county_receipt(receipt: dict[str, Any], office_name: str) -> bytes:
    fonts = font_chain()
    buf = io.BytesIO()
    width, height = A5
    c = pdfcanvas.Canvas(buf, pagesize=A5, pageCompression=1)
    c.setTitle(f"縣府收件回執 {receipt['case_number']}")
    left = 15 * mm
    y = height - 20 * mm
    fonts.draw_centred(c, width / 2, y, office_name, 14)
    y -= 9 * mm
    fonts.draw_centred(c, width / 2, y, "縣 府 收 件 回 執", 20)
    y -= 14 * mm
    county_time = datetime.fromisoformat(str(receipt["county_time"])).astimezone(TAIPEI)
    verified = "簽章有效" if receipt.get("verified") else "簽章無法驗證，請洽縣府"
    rows = [
        ("案號", str(receipt["case_number"])),
        ("受理機關", f"{office_name}（{receipt['office']}）"),
        ("縣府收件時間", f"{format_roc(county_time.date(), 'long')} {county_time:%H:%M:%S}"),
        ("已收事件數", str(receipt["events_accepted"])),
        ("簽章金鑰", str(receipt["key_id"])),
        ("驗證結果", verified),
    ]
    for label, value in rows:
        fonts.draw(c, left, y, label, 11)
        fonts.draw(c, left + 32 * mm, y, value, 11)
        y -= 8 * mm
    y -= 2 * mm
    for line in fonts.wrap(
        "本回執證明上述案件已送達縣府，縣府以其金鑰簽章；掃描下方條碼可再次驗證。",
        10,
        width - 2 * left,
    ):
        fonts.draw(c, left, y, line, 10)
        y -= 6 * mm
    payload = {k: receipt[k] for k in receipt if k != "verified"}
    qr = segno.make(json.dumps(payload, ensure_ascii=True, separators=(",", ":")), error="m")
    png = io.BytesIO()
    qr.save(png, kind="png", scale=4, border=2)
    png.seek(0)
    size = 45 * mm
    c.drawImage(ImageReader(png), (width - size) / 2, 15 * mm, size, size)
    c.showPage()
    c.save()
    return buf.getvalue()
