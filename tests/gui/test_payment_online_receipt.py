"""開立線上繳費收據 on the fees page (F6): a web payment the county recorded without a receipt of
the office showed 已繳 15 and an empty receipts list, and nothing could print a receipt for it.
The button (Alt+E) shows for such a case only; it issues the office's receipt on a worker,
prints it through the page's print path, and the receipts list shows it, printed."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import PIL.Image
import zxingcpp
from factories import new_case
from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor
from eservice_desktop.gui import qt_print
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest

PAYMENT_PAGE = "eservice_desktop.gui.payment_page"


def codes_in(pdf: Path) -> list[str]:
    """The barcodes of the printed page (the Qt print is painted, not text)."""
    png = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(png)], check=True)
    with PIL.Image.open(png.with_suffix(".png")) as image:
        return [r.text for r in zxingcpp.read_barcodes(image)]


def paid_on_the_web(app: App, number: str) -> None:
    """The county's notice of a web payment (device 00, no receipt number), as sync takes it."""
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, number)
        payload = {
            "payment_id": str(uuid.uuid4()),
            "method": "online",
            "amount": 15,
            "reference": "WEB-TXN-8",
            "payment_tool": "信用卡",
            "authorised_at": app.now().isoformat(),
        }
        county = Actor(app.settings.office_code, "00", "channel:portal")
        e = county.event(case_id, ev.PAYMENT_RECORDED, app.now(), payload)
        ingest(app, s, e, cases.repo.load_state(s, case_id), origin="county")


def test_alt_e_issues_and_prints_the_online_payments_receipt(
    ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    paid_at_counter = new_case(ctx.app, name="陳堃")
    cash = payments.record_payment(ctx.app, paid_at_counter, "cash", 15)
    payments.confirm_printed(ctx.app, cash.receipt_number)
    number = new_case(ctx.app, name="陳堃")
    paid_on_the_web(ctx.app, number)
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F6)
    page = window.pages[PAYMENT_PAGE]
    out = tmp_path / "online-receipt.pdf"
    page.printer_factory = lambda: qt_print.make_printer(output_pdf=out)  # type: ignore[attr-defined]

    type_text(paid_at_counter)  # a counter payment: nothing to issue, no button
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.receipts_table.rowCount() == 1)  # type: ignore[attr-defined]
    assert not page.online_receipt_btn.isVisible()  # type: ignore[attr-defined]

    page.focus_search()  # type: ignore[attr-defined]
    type_text(number)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(page.online_receipt_btn.isVisible)  # type: ignore[attr-defined]
    assert page.receipts_table.rowCount() == 0  # type: ignore[attr-defined]
    assert page.online_receipt_btn.isEnabled()  # type: ignore[attr-defined]
    assert "WEB-TXN-8" in page.online_receipt_btn.toolTip()  # type: ignore[attr-defined]

    press(Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.receipts_table.rowCount() == 1, timeout=15000)  # type: ignore[attr-defined]
    (receipt,) = payments.receipts_of_case(ctx.app, number)
    qtbot.waitUntil(lambda: payments.get_receipt(ctx.app, receipt.receipt_number).printed)
    assert (receipt.method, receipt.amount, receipt.reference) == ("online", 15, "WEB-TXN-8")
    qtbot.waitUntil(lambda: not page.online_receipt_btn.isVisible())  # type: ignore[attr-defined]
    table = page.receipts_table  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: table.item(0, 0) is not None and table.item(0, 4).text() == "是")
    assert table.item(0, 0).text() == receipt.receipt_number
    qtbot.waitUntil(lambda: not page.pending_banner.isVisible())  # type: ignore[attr-defined]
    assert receipt.receipt_number in codes_in(out)  # the paper the printer got is this one
