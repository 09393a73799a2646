"""RocDateEdit: a date typed that does not exist is neither replaced by the old date unseen
nor acted on (the closing dialog and the reports page take Enter as "go")."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
    QToolTip,
    QVBoxLayout,
)
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.roc_date_edit import RocDateEdit


def _dialog(qtbot: QtBot) -> tuple[QDialog, RocDateEdit, QLineEdit, list[QDate]]:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    day = RocDateEdit(QDate(2026, 12, 2))
    other = QLineEdit()
    layout.addWidget(day)
    layout.addWidget(other)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    layout.addWidget(buttons)
    went: list[QDate] = []
    buttons.accepted.connect(lambda: went.append(day.date()))
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    day.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (day, day.lineEdit()))
    return dialog, day, other, went


def test_enter_on_a_date_that_does_not_exist_keeps_it_and_says_so(qtbot: QtBot) -> None:
    _shown, day, _other, went = _dialog(qtbot)
    day.lineEdit().selectAll()
    QTest.keyClicks(QApplication.focusWidget(), "115/11/31")  # November has 30 days
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert went == []  # nothing done with the old date (12/02) instead
    assert day.lineEdit().text() == "115/11/31"  # what was typed stays, to be corrected
    assert "115/03/10" in QToolTip.text()  # the form a date takes, beside the field
    day.lineEdit().selectAll()
    QTest.keyClicks(QApplication.focusWidget(), "115/11/30")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert went == [QDate(2026, 11, 30)]


def test_leaving_a_date_that_does_not_exist_says_it_went_back(qtbot: QtBot) -> None:
    _shown, day, _other, _went = _dialog(qtbot)
    day.lineEdit().selectAll()
    QTest.keyClicks(QApplication.focusWidget(), "115/13/01")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert day.date() == QDate(2026, 12, 2) and day.lineEdit().text() == "115/12/02"
    assert "115/13/01" in QToolTip.text() and "115/12/02" in QToolTip.text()


def test_ctrl_a_and_typing_replaces_a_date_kept_to_be_corrected(qtbot: QtBot) -> None:
    """The clerk's own way to correct it: Ctrl+A, then the right date (QDateEdit's Ctrl+A
    spliced the typed text into the old date: 115/115/12/03)."""
    _shown, day, _other, went = _dialog(qtbot)
    QTest.keyClicks(QApplication.focusWidget(), "115/02/30")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    for typed, wanted in (("115/02/27", QDate(2026, 2, 27)), ("115/12/03", QDate(2026, 12, 3))):
        ctrl = Qt.KeyboardModifier.ControlModifier
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, ctrl)
        QTest.keyClicks(QApplication.focusWidget(), typed)
        assert day.lineEdit().text() == typed
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert went[-1] == wanted


def test_a_gregorian_date_with_its_four_digit_year_is_read_too(qtbot: QtBot) -> None:
    """The English window's user typed 2026-10-01, as the CLI takes it, and was refused ("enter
    an ROC year/month/day"); a four-digit year is never an ROC one."""
    _shown, day, _other, went = _dialog(qtbot)
    for typed, wanted in (("2026-10-01", QDate(2026, 10, 1)), ("2025/3/9", QDate(2025, 3, 9))):
        day.lineEdit().selectAll()
        QTest.keyClicks(QApplication.focusWidget(), typed)
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert went[-1] == wanted
        assert day.lineEdit().text() == day.textFromDateTime(day.dateTime())  # shown as ROC
    for refused in ("1911-12-31", "2026-02-30"):  # before the ROC, and no such day
        day.lineEdit().selectAll()
        QTest.keyClicks(QApplication.focusWidget(), refused)
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert went[-1] == QDate(2025, 3, 9) and day.lineEdit().text() == refused


def test_a_date_pasted_with_a_zero_width_space_or_full_width_signs_is_read(qtbot: QtBot) -> None:
    """115/12/04 pasted with a zero-width space, or typed ２０２６／１２／０４ with a Chinese IME,
    looked right and was refused as 日期格式錯誤 (the digits alone were read full-width)."""
    day = RocDateEdit(QDate(2026, 12, 2))
    qtbot.addWidget(day)
    pasted = ("115/12/04\u200b", "\u200b2026-12-04", "２０２６／１２／０４", "１１５／１２／０４")
    for typed in pasted:
        assert day.dateTimeFromText(typed).date() == QDate(2026, 12, 4), typed
        assert day.validate(typed, 0)[0].name == "Acceptable", typed
    for typed in ("115/02/29", "2026/02/29", "0/12/04", "115/12/04x"):  # no such day, no date
        assert day.validate(typed, 0)[0].name == "Intermediate", typed


def _closing_dialog(qtbot: QtBot, act: Callable[[QDialog], None]) -> object:
    """ask_closing with ``act`` run on the dialog once it shows; what it returned."""
    from eservice_desktop.gui.payment_closing import ask_closing

    def shown() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        try:
            dialog.activateWindow()  # a click moves the focus in the active window only
            qtbot.waitUntil(dialog.isActiveWindow)
            act(dialog)
        finally:
            if dialog.isVisible():  # an assertion failed: the test ends, not the dialog
                dialog.reject()

    QTimer.singleShot(0, shown)
    return ask_closing(None, date(2026, 12, 5))  # type: ignore[arg-type]


def _button(dialog: QDialog, text: str) -> QPushButton:
    """The button by its words (the window may have added its key: 存成 PDF (Enter))."""
    return next(
        b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "").startswith(text)
    )


def test_a_closing_asked_for_a_day_that_does_not_exist_is_not_saved_for_another(
    qtbot: QtBot,
) -> None:
    """115/02/30 typed, then 存成 CSV pressed by its Alt key (the focus in the date) or clicked
    (the field going back to 115/02/03, typed on the way): the closing went on for 02/03, saved
    as closing-2026-02-03.csv, nothing said. The dialog stays, the field says why; pressed
    again after a look at the field, the date it shows is taken."""
    seen: list[str] = []

    def by_alt_key(dialog: QDialog) -> None:
        day = dialog.findChild(RocDateEdit)
        day.setFocus()
        day.lineEdit().selectAll()
        QTest.keyClicks(day.lineEdit(), "115/02/30")
        _button(dialog, "存成 CSV").click()  # as its Alt key does: the focus stays
        seen.append(f"{dialog.isVisible()} {day.lineEdit().text()} {QToolTip.text()}")
        day.lineEdit().selectAll()
        QTest.keyClicks(day.lineEdit(), "115/02/27")
        _button(dialog, "存成 CSV").click()

    chosen = _closing_dialog(qtbot, by_alt_key)
    assert seen == ["True 115/02/30 日期格式錯誤，請輸入民國年/月/日，例如 115/03/10"]
    assert chosen is not None and (chosen.day, chosen.output) == (date(2026, 2, 27), "csv")  # type: ignore[attr-defined]

    def clicked(dialog: QDialog) -> None:
        day = dialog.findChild(RocDateEdit)
        day.setFocus()
        day.lineEdit().selectAll()
        QTest.keyClicks(day.lineEdit(), "115/02/30")
        QTest.mouseClick(_button(dialog, "存成 PDF"), Qt.MouseButton.LeftButton)
        seen.append(f"{dialog.isVisible()} {day.lineEdit().text()} {QToolTip.text()}")
        QTest.mouseClick(_button(dialog, "存成 PDF"), Qt.MouseButton.LeftButton)

    chosen = _closing_dialog(qtbot, clicked)
    assert seen[1] == "True 115/02/03 115/02/30 不是有效的日期，已改回 115/02/03"
    assert chosen is not None and (chosen.day, chosen.output) == (date(2026, 2, 3), "pdf")  # type: ignore[attr-defined]


def test_a_report_asked_for_a_day_that_does_not_exist_is_not_computed(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    """迄日 115/11/31 typed and 產生報表 clicked: the report was computed to 115/11/03."""
    from eservice_desktop.gui.reports_page import ReportsPage

    page = ReportsPage(sync_ctx)
    qtbot.addWidget(page)
    calls: list[object] = []
    page.compute = lambda *args: calls.append(args)  # type: ignore[assignment,return-value]
    page.show()
    qtbot.waitExposed(page)
    page.to_edit.setFocus()
    page.to_edit.lineEdit().selectAll()
    QTest.keyClicks(page.to_edit.lineEdit(), "115/11/31")
    page.compute_btn.click()  # Alt+R: the focus stays in the date
    assert calls == [] and page.to_edit.lineEdit().text() == "115/11/31"
    assert "115/03/10" in QToolTip.text()


@pytest.fixture
def taipei_pc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The counter PC's own clock set to Taipei time, as the offices' are (Qt reads the zone
    from the C library, which ``tzset`` makes read ``TZ`` again)."""
    monkeypatch.setenv("TZ", "Asia/Taipei")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_date_typed_on_a_pc_in_taipei_time_is_that_date(qtbot: QtBot, taipei_pc: None) -> None:
    """On a PC set to Taipei time every date typed became the day before (the typed day's
    midnight, in the PC's zone, turned into the field's UTC): 115/12/31 typed in the closing
    dialog took the closing of 115/12/30, and 115/11/01 typed as a report's start read
    115/10/31 once the clerk moved on."""
    _shown, day, other, _went = _dialog(qtbot)
    day.lineEdit().selectAll()
    QTest.keyClicks(QApplication.focusWidget(), "115/11/01")
    other.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is other)
    assert (day.date(), day.lineEdit().text()) == (QDate(2026, 11, 1), "115/11/01")

    def typed(dialog: QDialog) -> None:
        field = dialog.findChild(RocDateEdit)
        field.setFocus()
        field.lineEdit().selectAll()
        QTest.keyClicks(field.lineEdit(), "115/12/31")
        _button(dialog, "存成 CSV").click()

    chosen = _closing_dialog(qtbot, typed)
    assert chosen is not None and chosen.day == date(2026, 12, 31)  # type: ignore[attr-defined]
