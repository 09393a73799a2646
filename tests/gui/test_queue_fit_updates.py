"""The queue's columns fit again when a row shown changes in place: a case paid while the
list was on screen gets its due date, and the due column widens to show it whole."""

from __future__ import annotations

from factories import new_case
from PySide6.QtCore import Qt

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


def test_a_long_name_gives_way_and_the_case_number_stays_whole(qtbot, ctx: GuiContext) -> None:
    """A resident's long name (or one typed wrong) widened its column until every column was
    cut in proportion: the case number read "H01-01-115-0…" and the received time lost its
    clock. The name now gives way past ten characters' room, whole in its tooltip; a usual
    name stays whole."""
    long_name = "MUHAMMAD ABDULLAH BIN AHMAD AL-RASHIDI"
    new_case(ctx.app, name=long_name, applicant_id="AC01234567")
    new_case(ctx.app, name="王小明")
    page = QueuePage(ctx)
    qtbot.addWidget(page)
    page.resize(700, 400)  # the queue's share of a 1024 px window beside the identity panel
    page.show()
    qtbot.waitExposed(page)
    model, table = page.model, page.table
    qtbot.waitUntil(lambda: len(model.items()) == 2, timeout=5000)
    header = table.horizontalHeader()
    keys = [key for key, _ in COLUMNS]
    whole = [keys.index(k) for k in ("case_number", "received_text", "due_text")]

    def fitted() -> bool:
        return all(header.sectionSize(c) >= table.sizeHintForColumn(c) for c in whole)

    qtbot.waitUntil(fitted, timeout=3000)
    name = keys.index("applicant_name")
    assert header.sectionSize(name) < table.sizeHintForColumn(name)  # the long one gives way
    assert table.fontMetrics().horizontalAdvance("王小明") < header.sectionSize(name)
    row = next(r for r, i in enumerate(model.items()) if i.applicant_name == long_name)
    assert model.index(row, name).data(Qt.ItemDataRole.ToolTipRole) == long_name
