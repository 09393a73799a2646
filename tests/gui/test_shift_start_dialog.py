"""The findings of 系統檢查 and the shift start are readable: each row as tall as its text at
the width the dialog gives it, so a screen holds the findings, not three of them."""

from __future__ import annotations

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.shift_start import ShiftStartDialog
from eservice_desktop.services.doctor.report import Check, Report

_LONG = "以縣府核發的一次性登記碼執行：eservice-desktop sync enrol --server 網址 --code 登記碼"


def test_each_finding_is_as_tall_as_its_text(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    checks = [
        Check(f"k{i}", f"項目{i}", f"Item {i}", "warn", _LONG, _LONG, _LONG, _LONG)
        for i in range(10)
    ]
    dialog = ShiftStartDialog(ctx, Report(checks))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    qtbot.waitUntil(lambda: table.columnWidth(2) > 250)  # laid out at the dialog's width
    line = table.fontMetrics().lineSpacing()
    for row in range(table.rowCount()):
        # two lines of text at this width, plus the cell's margins: it was five or six
        assert table.rowHeight(row) <= table.sizeHintForRow(row) <= 3 * line + 12, row
    visible = table.rowAt(table.viewport().height() - 1)
    assert visible == -1 or visible >= 5  # more than the three it showed
