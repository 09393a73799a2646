"""The queue's columns fit again when a row shown changes in place: a case paid while the
list was on screen gets its due date, and the due column widens to show it whole."""

from __future__ import annotations

from factories import new_case

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.queue_model import COLUMNS
from eservice_desktop.gui.queue_page import QueuePage
from eservice_desktop.services import cases, payments

DUE = [key for key, _ in COLUMNS].index("due_text")


def test_a_due_date_that_arrives_in_place_is_shown_whole(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app)  # its fee is due: no due date yet (期限暫停)
    page = QueuePage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 400)
    page.show()
    qtbot.waitExposed(page)
    model, table = page.model, page.table
    qtbot.waitUntil(lambda: [i.case_number for i in model.items()] == [number], timeout=5000)
    assert model.index(0, DUE).data() == "—"

    payments.record_payment(ctx.app, number, "cash", cases.show_case(ctx.app, number).balance)
    ctx.case_changed.emit(number)
    qtbot.waitUntil(lambda: model.index(0, DUE).data() != "—", timeout=5000)
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(DUE) >= table.sizeHintForColumn(DUE), timeout=3000)
