"""Receipts are rasterised in-process (PDFium), so printing needs no external program."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from eservice_desktop.gui.qt_print import PrintError, rasterise_pdf


def _two_page_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(80 * mm, 100 * mm))
    c.rect(0, 0, 40 * mm, 100 * mm, stroke=0, fill=1)  # left half black
    c.showPage()
    c.showPage()
    c.save()
    return buf.getvalue()


def test_pages_render_at_the_printer_resolution_without_poppler(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # no pdftoppm, no anything
    images = rasterise_pdf(_two_page_pdf(), 200)
    assert len(images) == 2
    first = images[0]
    # 80 x 100 mm at 200 dpi
    assert abs(first.width() - round(80 / 25.4 * 200)) <= 1
    assert abs(first.height() - round(100 / 25.4 * 200)) <= 1
    y = first.height() // 2
    assert first.pixelColor(first.width() // 4, y).lightness() < 20  # the black half
    assert first.pixelColor(3 * first.width() // 4, y).lightness() > 235  # paper stays white
    assert images[1].pixelColor(10, 10).lightness() > 235


def test_a_damaged_document_is_a_print_error_not_a_crash():
    with pytest.raises(PrintError) as e:
        rasterise_pdf(b"%PDF-1.4 not really a pdf", 150)
    assert e.value.code == "print.render"
