"""日結表 ▸ 列印 says when the closing has gone to the printer (it said nothing at all)."""

from __future__ import annotations

from pathlib import Path

from factories import new_case

from eservice_desktop.gui import qt_print
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import payments


def test_the_printed_closing_is_said_printed(sync_ctx: GuiContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    number = new_case(sync_ctx.app, name="陳堃", copies=2)
    payments.record_payment(sync_ctx.app, number, "cash", 30, tendered=30)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    out = tmp_path / "closing.pdf"
    page.printer_factory = lambda: qt_print.make_printer(output_pdf=out)
    with qtbot.waitSignal(sync_ctx.status_message, timeout=10000) as said:
        page.print_closing(sync_ctx.app.now().date())
    assert out.stat().st_size > 0
    assert said.args is not None and said.args[0].startswith("日結表已送印（")
    assert page.receipt_note.text() == said.args[0]
