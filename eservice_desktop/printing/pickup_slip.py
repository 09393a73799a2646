"""The pickup slip (領件單): proof, kept by the office or given to the citizen, that the
documents of a case were handed over, by whom and to whom.

A5 portrait PDF with an embedded Traditional Chinese TrueType font (see printing/fonts.py);
the applicant's and collector's ID numbers are masked (seed appendix 30) and a Code128 carries
the case number for the filing scanner.
"""

from __future__ import annotations

import io

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas

from eservice_desktop.printing.fonts import font_chain


def render_pickup_slip(
    *,
    office_name: str,
    case_number: str,
    service_name: str,
    applicant_name: str,
    applicant_id_masked: str,
    documents: list[tuple[str, int, str]],
    picked_up_at: str,
    desk: str,
    clerk: str,
    collector: str,
    via: str,
) -> bytes:
    fonts = font_chain()
    buf = io.BytesIO()
    width, height = A5
    c = pdfcanvas.Canvas(buf, pagesize=A5, pageCompression=1)
    c.setTitle(f"領件單 {case_number}")
    left = 15 * mm
    y = height - 20 * mm
    fonts.draw_centred(c, width / 2, y, office_name, 14)
    y -= 9 * mm
    fonts.draw_centred(c, width / 2, y, "領 件 單", 20)
    y -= 14 * mm
    rows = [
        ("案號", case_number),
        ("申辦項目", service_name),
        ("申請人", f"{applicant_name}　{applicant_id_masked}"),
        ("領件人", collector),
        ("領件時間", picked_up_at),
        ("領件方式", via),
        ("交付櫃檯", f"{desk}　承辦 {clerk}"),
    ]
    for label, value in rows:
        fonts.draw(c, left, y, label, 11)
        for line in fonts.wrap(value, 11, width - left - 45 * mm):
            fonts.draw(c, left + 28 * mm, y, line, 11)
            y -= 6.5 * mm
        y -= 1.5 * mm
    y -= 3 * mm
    fonts.draw(c, left, y, "交付文件", 11)
    y -= 7 * mm
    for name, copies, unit in documents:  # a long land service name wraps like the rows above
        lines = fonts.wrap(f"□ {name}　{copies} {unit}", 11, width - left - 21 * mm)
        for line in lines:
            fonts.draw(c, left + 6 * mm, y, line, 11)
            y -= 6.5 * mm
    y -= 10 * mm
    fonts.draw(c, left, y, "領件人簽名：", 11)
    c.line(left + 25 * mm, y - 1 * mm, width - left, y - 1 * mm)
    barcode = createBarcodeDrawing(
        "Code128", value=case_number, barHeight=12 * mm, barWidth=0.33 * mm, humanReadable=True
    )
    renderPDF.draw(barcode, c, left, 14 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()
