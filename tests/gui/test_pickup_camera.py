"""The pickup desk's camera mode (offscreen): a recorded MMS played through the desk's frame
source verifies the case and hands it over once; the preview shows frames; leaving the page,
or a camera that does not open, turns the camera off with a message and never blocks."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from eservice_desktop.domain import events as ev
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.pickup_desk import PickupDesk, frame_image
from eservice_desktop.services import cases, pickup_keys, scanners
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import EventRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from camera_support import frames, mms_video
from pickup_support import County, ready_case, ready_with_county_keys


@pytest.fixture
def ready(app: App) -> tuple[str, str]:
    return ready_with_county_keys(app)


def picked_up_events(app: App) -> int:
    with app.reading() as s:
        count = s.scalar(
            select(func.count()).select_from(EventRow).where(EventRow.type == ev.PICKED_UP)
        )
    return int(count or 0)


def test_camera_mode_verifies_the_case_and_hands_it_over_once(
    desk: PickupDesk, ready: tuple[str, str], ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    number, token = ready
    video = mms_video(ctx.app, number, tmp_path / "mms.avi")
    desk.camera_source = lambda: scanners.RecordedSource(video)
    desk.scan_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.scan_edit, timeout=2000)

    qtbot.keyClick(desk.scan_edit, Qt.Key.Key_F12)  # camera mode from the keyboard
    assert desk.camera_on and desk.camera_button.isChecked() and desk.preview.isVisible()
    qtbot.waitUntil(lambda: not desk.preview.pixmap().isNull(), timeout=5000)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    assert desk.payload == token
    assert desk.case_labels["case_number"].text() == number
    assert "A12345****" in desk.case_labels["applicant"].text()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.confirm_button, timeout=2000)

    qtbot.keyClick(desk.confirm_button, Qt.Key.Key_Return)  # Enter hands over
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=5000)
    assert cases.load_case(ctx.app, number).lifecycle == "picked_up"
    handed = desk.message_label.text()
    qtbot.waitUntil(lambda: not desk.camera_on, timeout=5000)  # the recording ended
    assert not desk.preview.isVisible() and not desk.camera_button.isChecked()

    # The phone is still held up: the camera reads the same code again, and the desk keeps the
    # handover on screen instead of answering "already picked up".
    shown: list[object] = []
    desk.result_shown.connect(shown.append)
    desk.camera_button.click()
    again = desk._camera
    assert again is not None
    qtbot.waitUntil(lambda: not desk.camera_on, timeout=5000)
    ctx.tasks.wait_idle()
    assert again.pipeline.stats.codes == 1  # read again...
    assert shown == []  # ...and not verified again
    assert desk.message_label.text() == handed
    assert picked_up_events(ctx.app) == 1


def test_a_newer_code_drops_the_answer_of_an_older_check_still_running(
    desk: PickupDesk, ctx: GuiContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codes can follow each other quickly off a camera: the case on screen, and the one 確認交付
    hands over, is always the latest code's."""
    import threading

    from eservice_desktop.services import pickup

    county = County()
    pickup_keys.import_county_keys(ctx.app, county.document())
    first, first_token = ready_case(ctx.app, county, pickup_number="0427")
    second, second_token = ready_case(
        ctx.app, county, pickup_number="0428", applicant_id="B123456780"
    )
    release = threading.Event()
    real_verify = pickup.verify

    def verify(app: App, payload: str) -> pickup.PickupResult:
        if payload == first_token:
            release.wait(10)  # the first check is slow
        return real_verify(app, payload)

    shown: list[str | None] = []
    real_show = desk._show

    def show(result: pickup.PickupResult) -> None:
        shown.append(result.case_number)
        real_show(result)

    monkeypatch.setattr(pickup, "verify", verify)
    monkeypatch.setattr(desk, "_show", show)
    desk.scan(first_token)
    desk.scan(second_token)  # asked while the first check is still running
    release.set()
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    ctx.tasks.wait_idle()
    qtbot.wait(50)
    assert shown == [second]  # the first check's answer never reached the screen
    assert desk.case_labels["case_number"].text() == second
    assert desk.result.case_number == second and desk.payload == second_token
    desk.confirm()
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=5000)
    assert cases.load_case(ctx.app, second).lifecycle == "picked_up"
    assert cases.load_case(ctx.app, first).lifecycle != "picked_up"


def test_leaving_the_page_turns_the_camera_off(
    desk: PickupDesk, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, shot in enumerate(frames(None, before=2, showing=0, after=0)):
        cv2.imwrite(str(folder / f"{i}.png"), shot)
    desk.camera_source = lambda: scanners.RecordedSource(folder, fps=20, loop=True)
    desk.start_camera()
    reader = desk._camera
    assert reader is not None
    qtbot.waitUntil(lambda: reader.pipeline.stats.frames >= 3, timeout=5000)
    desk.hide()  # another page in front, or the window locked: the page is hidden
    assert not desk.camera_on
    qtbot.waitUntil(lambda: not reader.running, timeout=3000)
    desk.show()
    assert not desk.camera_on  # it stays off until asked again


def test_in_the_window_another_page_or_the_lock_turns_the_camera_off(
    ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    from gui_keys import open_window, press

    from eservice_desktop.gui.main_window import QUEUE_PAGE

    folder = tmp_path / "frames"
    folder.mkdir()
    cv2.imwrite(str(folder / "0.png"), frames(None, before=1, showing=0, after=0)[0])
    window = open_window(qtbot, ctx)
    page = window.show_page("eservice_desktop.gui.pickup_desk")
    assert isinstance(page, PickupDesk)
    page.camera_source = lambda: scanners.RecordedSource(folder, fps=20, loop=True)
    press(Qt.Key.Key_F12)
    assert page.camera_on
    window.show_page(QUEUE_PAGE)
    assert not page.camera_on
    window.show_page("eservice_desktop.gui.pickup_desk")
    assert not page.camera_on
    press(Qt.Key.Key_F12)
    reader = page._camera
    assert reader is not None
    window.lock()
    assert window.locked and not page.camera_on
    qtbot.waitUntil(lambda: not reader.running, timeout=3000)
    window.close()


def test_a_camera_that_does_not_open_says_so_and_the_desk_goes_on(
    desk: PickupDesk, ctx: GuiContext, qtbot: QtBot
) -> None:
    ctx.app.settings.camera_index = 57  # no such camera here
    desk.toggle_camera()
    assert desk.camera_on  # opening happens on the reader's thread: the desk never waits
    qtbot.waitUntil(lambda: not desk.camera_on, timeout=10000)
    assert "無法開啟相機（編號 57）" in desk.message_label.text()
    assert not desk.camera_button.isChecked() and not desk.preview.isVisible()
    ctx.lang = "en"
    desk.toggle_camera()
    qtbot.waitUntil(lambda: not desk.camera_on, timeout=10000)
    assert "The camera (index 57) cannot be opened" in desk.message_label.text()


def test_frames_become_images_that_own_their_pixels() -> None:
    import numpy as np

    frame = np.zeros((4, 6, 3), np.uint8)
    frame[..., 2] = 255  # red in OpenCV's BGR order
    image = frame_image(frame)
    frame[...] = 0
    assert (image.width(), image.height()) == (6, 4)
    assert image.pixelColor(1, 1).red() == 255 and image.pixelColor(1, 1).blue() == 0
    grey = frame_image(np.full((2, 3), 200, np.uint8))
    assert grey.pixelColor(0, 0).red() == 200
