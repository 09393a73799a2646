"""The fee receipt (規費收據) as a PDF: an A6 sheet or an 80 mm thermal roll.

Content follows the county's fee slip (seed appendix 23): office, ROC date, receipt number,
payer with the ID masked (appendix 30; a business's UBN in full), service, fee items, total in
figures and in capital numerals, payment method, clerk, a 重印 mark with the reason on
reprints, and a VOID mark on a voided receipt. A QR code carries the receipt number with its
verification code, and a Code128 carries the receipt number alone, for the hand scanners at the
cashier's desk.

The layout is computed once as a list of drawing operations measured from the top, so the roll
gets exactly the length its content needs and both layouts share one description.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import segno

from eservice_desktop.domain.rocdate import capital_numerals, format_roc
from eservice_desktop.printing.fonts import FontChain, font_chain

#: reportlab's millimetre (``reportlab.lib.units.mm``), spelled out so that importing this module
#: does not load reportlab: it loads when a document is first rendered (a cold-start cost).
mm = 72.0 / 2.54 * 0.1

Layout = Literal["a6", "roll80"]
LAYOUTS: tuple[str, ...] = ("a6", "roll80")

METHOD_LABELS = {"cash": "現金", "card": "信用卡／金融卡（刷卡）", "online": "線上繳費"}


@dataclass(frozen=True)
class FeeLine:
    name: str
    quantity: int
    unit: str
    unit_price: int
    amount: int
    #: How the amount is made up when it is not quantity × unit price (first copy dearer).
    breakdown: str = ""


@dataclass(frozen=True)
class ReceiptData:
    """Everything printed on one receipt; built by services.payments from the case."""

    office_name: str
    office_code: str
    receipt_number: str
    issued_on: date
    issued_time: str
    case_number: str
    payer_name: str
    #: The payer's number as printed: a person's ID masked (appendix 30), a business's 統一編號
    #: in full (a company claims the fee back with this receipt, and claims it under its UBN).
    payer_id_shown: str
    service_name: str
    items: tuple[FeeLine, ...]
    fees_due: int
    amount: int
    method: str
    clerk: str
    verification_code: str
    qr_payload: str
    reduction: int = 0
    exemption_reason: str = ""
    method_details: tuple[str, ...] = ()
    balance_after: int = 0
    refunded: int = 0
    void_reason: str = ""
    reprint_reason: str = ""
    reprint_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    #: 身分證統一編號 for a person (the appendix-30 voucher's label), 統一編號 for a business.
    payer_id_label: str = "身分證統一編號"

    @property
    def is_void(self) -> bool:
        return bool(self.void_reason)


def money(n: int) -> str:
    return f"{n:,}"


@dataclass(frozen=True)
class _Geometry:
    width: float
    height: float | None  # None: as long as the content (roll)
    margin: float
    base: float  # body font size in points


GEOMETRY: dict[str, _Geometry] = {
    "a6": _Geometry(105 * mm, 148 * mm, 7 * mm, 8.5),
    "roll80": _Geometry(80 * mm, None, 4 * mm, 8.5),
}


class _Ops:
    """Drawing operations laid out top-down; y is the baseline's distance from the top."""

    def __init__(self, chain: FontChain, g: _Geometry) -> None:
        self.chain = chain
        self.g = g
        self.y = g.margin
        self.ops: list[tuple[Any, ...]] = []

    @property
    def left(self) -> float:
        return self.g.margin

    @property
    def right(self) -> float:
        return self.g.width - self.g.margin

    @property
    def inner(self) -> float:
        return self.right - self.left

    def text(
        self, text: str, size: float | None = None, align: str = "left", gap: float = 1.35
    ) -> None:
        size = size or self.g.base
        for line in self.chain.wrap(text, size, self.inner):
            self.y += size * gap
            self.ops.append(("text", align, self.y, line, size))

    def pair(self, label: str, value: str, size: float | None = None) -> None:
        """Label on the left, value right-aligned on the same baseline (value wraps if long)."""
        size = size or self.g.base
        room = self.inner - self.chain.width(label, size) - 2 * mm
        lines = self.chain.wrap(value, size, room)
        self.y += size * 1.35
        self.ops.append(("text", "left", self.y, label, size))
        self.ops.append(("text", "right", self.y, lines[0], size))
        for more in lines[1:]:
            self.y += size * 1.3
            self.ops.append(("text", "right", self.y, more, size))

    def rule(self, gap: float = 2.5) -> None:
        self.y += gap
        self.ops.append(("rule", self.y))
        self.y += 0.5

    def space(self, d: float) -> None:
        self.y += d

    def graphic(self, drawing: _QR | _Code128, x: float, height: float) -> None:
        self.ops.append(("drawing", drawing, x, self.y + height))


class _QR:
    """A QR code drawn as filled runs of modules (no font state, unlike reportlab's widget)."""

    def __init__(self, payload: str, size: float) -> None:
        qr = segno.make(payload, error="m", micro=False)
        self.rows = [list(r) for r in qr.matrix]
        self.size = size
        self.border = 2

    def draw(self, c: Any, x: float, y: float) -> None:
        n = len(self.rows) + 2 * self.border
        m = self.size / n
        c.saveState()
        c.setFillColorRGB(0, 0, 0)
        for i, row in enumerate(self.rows):
            top = y + self.size - (i + self.border) * m
            j = 0
            while j < len(row):
                if row[j]:
                    k = j
                    while k < len(row) and row[k]:
                        k += 1
                    c.rect(x + (j + self.border) * m, top - m, (k - j) * m, m, stroke=0, fill=1)
                    j = k
                else:
                    j += 1
        c.restoreState()


class _Code128:
    """Bars at least 0.25 mm wide: a 200-dpi scan (and cheap scanners) still resolve them."""

    def __init__(self, value: str, max_width: float, height: float) -> None:
        from reportlab.graphics.barcode import code128

        modules = code128.Code128(value, barWidth=1, quiet=False).width
        bar = max(min(0.33 * mm, max_width / modules), 0.25 * mm)
        self.bc = code128.Code128(
            value, barWidth=bar, barHeight=height, quiet=False, humanReadable=False
        )
        self.width = float(self.bc.width)

    def draw(self, c: Any, x: float, y: float) -> None:
        self.bc.drawOn(c, x, y)


def _content(data: ReceiptData, o: _Ops) -> None:
    """The receipt top to bottom: heading, case, fee lines, the money, the verification."""
    _heading(data, o)
    _fee_lines(data, o)
    _payment(data, o)
    _verification(data, o)


def _heading(data: ReceiptData, o: _Ops) -> None:
    b = o.g.base
    o.text(data.office_name, b + 3, "centre")
    o.text("規費收據（作廢）" if data.is_void else "規費收據", b + 4, "centre", gap=1.5)
    if data.reprint_reason:
        o.text(f"【重印】第 {max(data.reprint_count, 1)} 次", b + 1, "centre")
    o.text(format_roc(data.issued_on, "receipt") + f"  {data.issued_time}", b, "centre")
    o.rule()
    o.pair("收據號碼", data.receipt_number)
    o.pair("案號", data.case_number)
    o.pair("繳款人", data.payer_name)
    o.pair(data.payer_id_label, data.payer_id_shown)
    o.pair("申辦項目", data.service_name)
    o.rule()


def _fee_lines(data: ReceiptData, o: _Ops) -> None:
    """Each fee item with quantity × unit price = amount, then reduction and the fee due."""
    b = o.g.base
    o.pair("規費項目", "數量 × 單價 ＝ 金額", b - 1)
    for i, item in enumerate(data.items, 1):
        name = f"{i}、{item.name}"
        figures = (
            item.breakdown or f"{item.quantity}{item.unit} × {money(item.unit_price)}"
        ) + f" ＝ {money(item.amount)}"
        o.text(name, b)
        if o.chain.width(name, b) + o.chain.width(figures, b) + 3 * mm > o.inner:
            o.y += b * 1.3  # a long name: the figures go on their own line
        o.ops.append(("text", "right", o.y, figures, b))
    if not data.items:
        o.text("（本案無規費項目）", b)
    if data.reduction:
        o.pair("減免", f"－{money(data.reduction)}")
    if data.exemption_reason:
        o.text(f"減免原因：{data.exemption_reason}", b - 1)
    o.pair("應繳規費", money(data.fees_due))
    o.rule()


def _payment(data: ReceiptData, o: _Ops) -> None:
    """The amount taken (in figures and capital numerals), balance, refund, method, clerk."""
    b = o.g.base
    o.pair("本次實收", f"{money(data.amount)} 元", b + 2)
    o.text(capital_numerals(data.amount), b + 2, "right", gap=1.5)
    if data.balance_after > 0:
        o.pair("尚欠金額", f"{money(data.balance_after)} 元")
    if data.refunded:
        o.pair("已退費", f"{money(data.refunded)} 元")
    o.pair("繳費方式", METHOD_LABELS.get(data.method, data.method))
    for detail in data.method_details:
        o.text(detail, b - 1, "right")
    o.pair("經收人", data.clerk)
    if data.reprint_reason:
        o.text(f"重新列印原因：{data.reprint_reason}", b - 0.5)
    if data.is_void:
        o.text(f"作廢原因：{data.void_reason}", b)
    o.rule()


def _verification(data: ReceiptData, o: _Ops) -> None:
    """The QR code with the verification code beside it, and the number as a barcode."""
    b = o.g.base
    qr_size = 26 * mm
    o.space(2)
    o.graphic(_QR(data.qr_payload, qr_size), o.left, qr_size)
    label_y = o.y
    o.y = label_y + 4 * mm
    x_text = ("at", o.left + qr_size + 3 * mm)
    o.ops.append(("text", x_text, o.y, "驗證碼", b - 1))
    o.y += (b + 1) * 1.3
    o.ops.append(("text", x_text, o.y, data.verification_code, b + 1))
    o.y += (b - 1) * 1.6
    o.ops.append(("text", x_text, o.y, "掃描 QR 碼或輸入收據號碼", b - 2))
    o.y += (b - 2) * 1.3
    o.ops.append(("text", x_text, o.y, "與驗證碼即可查驗真偽", b - 2))
    o.y = label_y + qr_size + 2 * mm
    bar_h = 9 * mm
    bar = _Code128(data.receipt_number, o.inner, bar_h)
    o.graphic(bar, o.left + (o.inner - bar.width) / 2, bar_h)
    o.y += bar_h
    o.text(data.receipt_number, b - 1.5, "centre", gap=1.2)
    o.space(o.g.margin)


def _draw(c: Any, o: _Ops, height: float, data: ReceiptData) -> None:
    chain = o.chain
    for op in o.ops:
        kind = op[0]
        if kind == "text":
            _, align, y, text, size = op
            baseline = height - y
            if isinstance(align, tuple):
                chain.draw(c, align[1], baseline, text, size)
            elif align == "centre":
                chain.draw_centred(c, o.g.width / 2, baseline, text, size)
            elif align == "right":
                chain.draw_right(c, o.right, baseline, text, size)
            else:
                chain.draw(c, o.left, baseline, text, size)
        elif kind == "rule":
            c.setLineWidth(0.5)
            c.line(o.left, height - op[1], o.right, height - op[1])
        elif kind == "drawing":
            _, drawing, x, bottom = op
            drawing.draw(c, x, height - bottom)
    if data.is_void:
        c.saveState()
        c.setFillColorRGB(0.75, 0.1, 0.1, alpha=0.35)
        c.translate(o.g.width / 2, height / 2)
        c.rotate(35)
        size = o.g.width / 5
        chain.draw_centred(c, 0, 0, "作廢 VOID", size)
        c.restoreState()
    if data.reprint_reason and o.g.height is not None:
        c.saveState()
        c.setStrokeColorRGB(0.6, 0.1, 0.1)
        c.setFillColorRGB(0.6, 0.1, 0.1)
        w, h = 14 * mm, 7 * mm
        x, y = o.right - w, height - o.g.margin - h
        c.rect(x, y, w, h)
        chain.draw_centred(c, x + w / 2, y + 2 * mm, "重印", 11)
        c.restoreState()


def render_receipt(data: ReceiptData, layout: str = "a6") -> bytes:
    """The receipt as PDF bytes (fonts embedded as subsets)."""
    from reportlab.pdfgen import canvas as pdfcanvas

    if layout not in GEOMETRY:
        raise ValueError(f"unknown receipt layout {layout!r}")
    g = GEOMETRY[layout]
    chain = font_chain()
    o = _Ops(chain, g)
    _content(data, o)
    height = g.height if g.height is not None else o.y
    buf = io.BytesIO()
    c = pdfcanvas.Canvas(
        buf, pagesize=(g.width, height), pageCompression=1, initialFontName=chain.primary
    )
    c.setTitle(f"規費收據 {data.receipt_number}")
    c.setAuthor(data.office_name)
    c.setCreator("eservice-desktop")
    _draw(c, o, height, data)
    c.showPage()
    c.save()
    return buf.getvalue()
