"""doctor's pickup camera check: the configured camera (or recording) opens and gives a frame;
a missing one is a warning with the fix, never a failure."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2

from eservice_desktop.config import Settings
from eservice_desktop.services import doctor

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from camera_support import frames


def test_a_camera_that_is_not_there_is_a_warning_naming_the_setting(settings: Settings) -> None:
    settings.camera_index = 57
    c = doctor.check_camera(settings)
    assert c.status == "warn"
    assert c.data["reason"] == "not_found" and c.data["index"] == 57
    assert "camera_index" in c.fix_en and "camera_index" in c.fix_zh
    # the reason in words of each language, not its code inside the Chinese sentence
    assert c.detail_zh == "相機 57 無法使用：找不到相機或無法開啟", c.detail_zh
    assert c.detail_en == "Camera 57 cannot be used: not found or cannot be opened"


def test_a_recording_in_place_of_the_camera_gives_its_frame_size(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    cv2.imwrite(str(folder / "0.png"), frames(None, before=1, showing=0, after=0)[0])
    settings.camera_recording = str(folder)
    c = doctor.check_camera(settings)
    assert c.status == "ok", c
    assert (c.data["width"], c.data["height"]) == (640, 480)
    assert "640×480" in c.detail_en


def test_a_desk_without_a_camera_starts_its_shift_without_the_check() -> None:
    assert "camera" not in doctor.SHIFT_START  # the full report has it (test_doctor_checks)
