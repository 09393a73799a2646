"""The intake form's column: every row's field starts at the same x."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget

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
