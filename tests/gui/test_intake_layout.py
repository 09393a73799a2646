"""The intake form's column: every row's field starts at the same x, and Tab never stops on
the scroll area that holds the form (a stop that shows no focus anywhere)."""

from __future__ import annotations

from gui_keys import open_window, press
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.intake_form import IntakeForm


def _left(widget: QWidget, form: IntakeForm) -> int:
    return widget.mapTo(form, QPoint(0, 0)).x()


def test_copies_and_pickup_rows_line_up_with_the_applicant_rows(
    qtbot, sync_ctx: GuiContext
) -> None:
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    form.resize(900, 900)
    form.show()
    qtbot.waitExposed(form)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    QApplication.processEvents()
    x = _left(form.applicant_id, form)
    for widget in (form.service_combo, form.applicant_name, form.phone, form.email):
        assert _left(widget, form) == x
    for widget in (form.copies, form.pickup_method, form.pickup_office):
        assert _left(widget, form) == x, widget.objectName()


def test_tab_round_the_window_never_stops_on_the_forms_scroll_area(qtbot, ctx: GuiContext) -> None:
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm)
    qtbot.waitUntil(
        lambda: (
            QApplication.focusWidget() is form.service_combo.lineEdit()
            or QApplication.focusWidget() is form.service_combo
        )
    )
    stops: list[QWidget] = []
    for _ in range(40):
        press(Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        assert focus is not None
        stops.append(focus)
        if focus in (form.service_combo, form.service_combo.lineEdit()):
            break
    else:
        raise AssertionError("Tab never came back to the service picker")
    assert [
        w.objectName() or type(w).__name__
        for w in stops
        if isinstance(w, QAbstractScrollArea) and form.isAncestorOf(w) and w.widget() is not None
    ] == []
