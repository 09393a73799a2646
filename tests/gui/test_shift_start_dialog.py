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


def test_the_check_in_progress_words_go_when_the_findings_show(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    """檔案 ▸ 系統檢查 says 系統檢查中… while doctor runs; it said so for 8 s whatever the
    time doctor took, over the findings already shown."""
    from gui_keys import open_window

    from eservice_desktop.gui import shift_start

    window = open_window(qtbot, ctx)
    shift_start.run_check(window)
    assert window.statusBar().currentMessage() == "系統檢查中…"
    qtbot.waitUntil(lambda: window.shift_dialog is not None, timeout=60000)
    assert window.statusBar().currentMessage() == ""
    window.shift_dialog.close()
