"""A refusal of an intake about no one field (a restored counter waiting for its recovery from
the county, the PC's clock set back, a form already sent) is said under the form's buttons:
at 1024 × 768 in English that is below the fold. Ctrl+Enter pressed in the applicant's name
was refused there unseen, nothing in the status bar either, as if the intake did nothing; the
form now scrolls the refusal into view."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from gui_keys import open_window, press
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_gui_intake import _fill
from test_payment_refusal_in_view import _whole_in_view

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import restore_guard
from eservice_desktop.storage.models_sync import SyncStateRow

INTAKE_PAGE = "eservice_desktop.gui.intake_form"


@pytest.mark.usefixtures("english")
def test_a_refusal_of_the_whole_form_is_shown_in_view_at_1024(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    with ctx.app.transaction() as s:  # restored from a backup, not yet recovered
        s.add(
            SyncStateRow(
                name=restore_guard.PENDING, value="b.sqlite3", updated_at=datetime.now(UTC)
            )
        )
    window = open_window(qtbot, ctx)
    window.resize(1024, 768)
    press(Qt.Key.Key_F2)
    form = window.pages[INTAKE_PAGE]
    _fill(form)  # type: ignore[arg-type]
    form.applicant_name.setFocus()  # type: ignore[attr-defined]
    qtbot.waitUntil(form.applicant_name.hasFocus)  # type: ignore[attr-defined]
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    error = form.form_error  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "sync recover" in error.text(), timeout=5000)
    qtbot.waitUntil(lambda: _whole_in_view(error), timeout=3000)
    assert form.applicant_name.text() == "林美玲"  # type: ignore[attr-defined]  # nothing typed is lost
