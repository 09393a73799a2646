"""免書證查詢 in the case detail, from the keyboard alone, against a real county server (demo
registry) on loopback: the result lands in the attachments list of the case on screen; a kind
without consent is refused in red with nothing stored."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.config import Settings
from eservice_desktop.domain import events as ev
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.tasks import TaskRunner
from eservice_desktop.services import case_attachments, cases
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "sync"))
from gui_keys import open_window, press
from sync_helpers import CountyServer, enrol, free_port, sync_now

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def d03(
    make_app: Callable[[Settings], App], tmp_path: Path, qapp: QApplication
) -> Iterator[GuiContext]:
    server = CountyServer(f"sqlite:///{tmp_path / 'county.sqlite3'}", tmp_path, free_port())
    server.start_in_thread(demo=True)  # a demo county seeds its registry
    app = make_app(
        Settings(
            data_dir=tmp_path / "d03",
            office_code="D03",
            device_id="01",
            county_url=server.url,
            sync_interval_s=120.0,
            # the office runs on the test's fixed clock, the county on the wall clock
            sync_stale_warn_h=0,
            sync_stale_approval_h=0,
        )
    )
    enrol(app, server)
    sync_now(app)  # the county's keys
    runner = TaskRunner()
    ctx = GuiContext(app, runner, "zh_TW")
    yield ctx
    runner.shutdown()
    QApplication.processEvents()
    server.stop()


def _case(app: App, name: str) -> str:
    return intake(
        app,
        IntakeRequest(
            service_code="ED-CRAM-SCHOOL-REGISTER",
            applicant_id="A123456789",
            applicant_name=name,
            fields={
                "school_name": "桃園示範補習班",
                "school_address": "桃園市桃園區縣府路1號",
                "subject": "英語",
            },
            pickup_method="mail",
            consent=["household_transcript"],
        ),
    ).case_number


def _choose(detail: object, kind: str) -> None:
    """Alt+K to the kind list, then arrow keys to ``kind``."""
    combo = detail.lookup.kind  # type: ignore[attr-defined]
    press(Qt.Key.Key_K, ALT)
    assert QApplication.focusWidget() is combo
    press(Qt.Key.Key_Home)
    for _ in range(combo.findData(kind)):
        press(Qt.Key.Key_Down)
    assert combo.currentData() == kind


def test_lookup_from_the_keyboard_lands_in_the_attachments(qtbot: QtBot, d03: GuiContext) -> None:
    number = _case(d03.app, "王小明")
    other = _case(d03.app, "李大華")  # the last case taken in: nothing may land on it
    window = open_window(qtbot, d03)
    d03.open_case_requested.emit(number)
    detail = window.case_detail
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.case_number == number)
    qtbot.waitUntil(detail.lookup.button.isEnabled)
    texts = [detail.lookup.kind.itemText(i) for i in range(detail.lookup.kind.count())]
    assert "戶籍謄本（已同意）" in texts and "土地登記簿謄本" in texts

    # no consent to the land transcript: refused in red, nothing stored
    detail.timeline.setFocus()
    _choose(detail, "land_transcript")
    press(Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: "未同意" in detail.lookup.message.text(), timeout=10_000)
    assert "b00020" in detail.lookup.message.styleSheet()
    assert case_attachments.list_attachments(d03.app, number) == []

    # the citizen consents now (Alt+Y) and the clerk runs it (Alt+L)
    press(Qt.Key.Key_Y, ALT)
    qtbot.waitUntil(detail.lookup.consent.isChecked)  # a mnemonic clicks after its animation
    press(Qt.Key.Key_L, ALT)
    qtbot.waitUntil(lambda: len(detail.attachment_rows()) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "已查調" in detail.lookup.message.text())
    name, kind, _size, _when, state = detail.attachment_rows()[0]
    assert name.startswith("免書證查詢-land_transcript-") and kind == "LOOKUP"
    assert state == "待上傳"
    assert "已查調 土地登記簿謄本（A12345****）" in detail.lookup.message.text()
    assert "王小明" in detail.lookup.message.text()
    qtbot.waitUntil(lambda: ev.LOOKUP_DONE in detail.timeline_types(), timeout=5000)
    assert not detail.lookup.consent.isChecked()
    assert cases.load_case(d03.app, number).lookup_kinds == {"land_transcript"}
    assert case_attachments.list_attachments(d03.app, other) == []
