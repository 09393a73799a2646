"""The document kind chosen for a 免書證查詢 stays chosen when the case on screen is shown
again (a file attached, a payment, a sync round): the list was refilled with its first kind
chosen, and Alt+L then looked up a document the clerk had not chosen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from factories import new_case
from PySide6.QtWidgets import QApplication

from eservice_desktop.config import Settings
from eservice_desktop.gui.case_detail import CaseDetail
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.tasks import TaskRunner
from eservice_desktop.services.core import App


@pytest.fixture
def d03(
    make_app: Callable[[Settings], App], tmp_path: Path, qapp: QApplication
) -> Iterator[GuiContext]:
    settings = Settings(
        data_dir=tmp_path / "d03",
        office_code="D03",
        device_id="01",
        sync_stale_warn_h=0,
        sync_stale_approval_h=0,
    )
    runner = TaskRunner()
    ctx = GuiContext(make_app(settings), runner, "zh_TW")
    yield ctx
    runner.shutdown()
    QApplication.processEvents()


def _cram_school(app: App, school: str, **kw: str) -> str:
    """A cram school's registration (a service with several look-up kinds), by mail."""
    fields = {"school_name": school, "school_address": "桃園市", "subject": "英語"}
    return new_case(
        app, service="ED-CRAM-SCHOOL-REGISTER", fields=fields, pickup_method="mail", **kw
    )


def test_the_chosen_kind_survives_the_case_shown_again(qtbot, d03: GuiContext) -> None:
    number = _cram_school(d03.app, "桃園示範補習班")
    detail = CaseDetail(d03)
    qtbot.addWidget(detail)
    detail.load(number)
    kind = detail.lookup.kind
    qtbot.waitUntil(lambda: detail.view is not None and kind.count() > 2, timeout=5000)
    kind.setCurrentIndex(2)
    chosen = kind.currentData()
    shown = detail.view

    d03.case_changed.emit(number)  # written elsewhere: the same case is shown again
    qtbot.waitUntil(lambda: detail.view is not shown, timeout=5000)
    assert kind.currentData() == chosen

    other = _cram_school(d03.app, "示範補習班", name="林美玲", applicant_id="F131232216")
    detail.load(other)  # another case starts from its first kind
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.case_number == other)
    assert kind.currentIndex() == 0
