"""The pickup desk's camera pipeline on recorded frames: a real MMS picture of a ready case, held
up to a "camera" in a real video file, read back through cv2.VideoCapture (the camera's path),
decoded with zxing-cpp into the very code the desk verifies."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import pytest

from eservice_desktop.config import Settings
from eservice_desktop.devices.camera import (
    CameraReader,
    CameraSource,
    CameraUnavailable,
    FramePipeline,
    RecordedSource,
    decode_frame,
)
from eservice_desktop.services import pickup, scanners
from eservice_desktop.services.core import App

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from camera_support import frames, mms_video, write_video
from pickup_support import ready_with_county_keys


@pytest.fixture
def ready(app: App) -> tuple[str, str]:
    return ready_with_county_keys(app)


def test_a_recorded_mms_yields_its_code_once_and_the_desk_verifies_it(
    app: App, ready: tuple[str, str], tmp_path: Path
) -> None:
    number, token = ready
    video = mms_video(app, number, tmp_path / "mms.avi")
    # The file is read back as a camera stream is: frame by frame, at its own rate (30 fps).
    cap = cv2.VideoCapture(str(video))
    assert cap.get(cv2.CAP_PROP_FRAME_COUNT) == 26
    cap.release()

    seen: list[int] = []
    pipeline = FramePipeline(RecordedSource(video), on_frame=lambda f: seen.append(f.shape[1]))
    codes = list(pipeline)

    assert codes == [token]  # 14 frames show it; it is yielded once
    assert pipeline.stats.frames == len(seen) == 26 and set(seen) == {640}
    assert pipeline.stats.repeats >= 1  # it was decoded again and held back
    result = pickup.verify(app, codes[0])
    assert result.ok and result.case_number == number


def test_frames_without_a_code_yield_nothing(tmp_path: Path) -> None:
    video = write_video(tmp_path / "empty.avi", frames(None, before=4, showing=4, after=4))
    pipeline = FramePipeline(RecordedSource(video, fps=0))
    assert list(pipeline) == []
    assert pipeline.stats.frames == 12 and pipeline.stats.decoded >= 1
    assert pipeline.stats.codes == 0


def test_a_slow_decode_skips_frames_instead_of_queueing_them(tmp_path: Path) -> None:
    """The camera goes on delivering while a decode runs: those frames are shown and dropped,
    never decoded late (at most one decode is ever in flight)."""
    shots = frames(None, before=10, showing=0, after=0)
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, shot in enumerate(shots):
        cv2.imwrite(str(folder / f"{i:03d}.png"), shot)
    running = 0
    most = 0
    lock = threading.Lock()

    def slow_decode(frame: Any) -> list[str]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.12)  # four frame intervals at 33 fps
        with lock:
            running -= 1
        return decode_frame(frame)

    pipeline = FramePipeline(RecordedSource(folder, fps=33), decode=slow_decode)
    assert list(pipeline) == []
    stats = pipeline.stats
    assert stats.frames == 10 and most == 1
    assert stats.decoded + stats.skipped == 10
    assert stats.skipped >= 5  # ~0.3 s of frames, a decode every 0.12 s
    assert stats.decoded <= 5


def test_the_same_code_counts_again_only_after_the_repeat_window(tmp_path: Path) -> None:
    clock = [0.0]
    shots = iter([1, 2, 3, 4])

    class Source:
        def open(self) -> None: ...

        def read(self) -> Any:
            time.sleep(0.1)  # a camera's pace: each (instant) decode is done before the next
            return next(shots, None)

        def close(self) -> None: ...

    def decode(frame: int) -> list[str]:
        clock[0] = {1: 0.0, 2: 3.0, 3: 6.5, 4: 7.0}[frame]
        return ["CODE-A"] if frame != 4 else ["CODE-B", "CODE-A"]

    pipeline = FramePipeline(Source(), decode=decode, repeat_s=4.0, clock=lambda: clock[0])
    out = []
    for code in pipeline:
        out.append(code)
    # 0 s new; 3 s within 4 s of 0 s; 6.5 s within 4 s of 3 s (the code never left);
    # 7 s: B is new, A still there.
    assert out == ["CODE-A", "CODE-B"]


def test_a_camera_that_is_not_there_says_so_in_both_languages(settings: Settings) -> None:
    settings.camera_index = 57  # no /dev/video57 here
    errors: list[CameraUnavailable] = []
    done = threading.Event()

    def failed(e: CameraUnavailable) -> None:
        errors.append(e)
        done.set()

    source = scanners.camera_source(settings)
    assert isinstance(source, CameraSource) and source.index == 57
    reader = CameraReader(source, lambda _t: None, on_error=failed)
    reader.start()
    assert done.wait(10)
    reader.stop()
    assert [e.reason for e in errors] == ["not_found"]
    zh, en = scanners.camera_message(errors[0], settings)
    assert "無法開啟相機（編號 57）" in zh and "camera_index" in zh
    assert "(index 57) cannot be opened" in en


def test_the_recording_setting_plays_a_directory_of_frames_in_a_loop(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, shot in enumerate(frames(None, before=3, showing=0, after=0)):
        cv2.imwrite(str(folder / f"{i}.jpg"), shot)
    (folder / "notes.txt").write_text("not a frame")
    settings.camera_recording = str(folder)
    source = scanners.camera_source(settings)
    assert isinstance(source, RecordedSource)
    source.fps = 0
    source.open()
    try:
        got = [source.read() for _ in range(7)]  # loops past its 3 frames
    finally:
        source.close()
    assert all(f is not None and f.shape == (480, 640, 3) for f in got)
    assert source.read() is None  # closed


def test_a_missing_recording_is_reported_not_raised_into_the_desk(tmp_path: Path) -> None:
    with pytest.raises(CameraUnavailable) as raised:
        RecordedSource(tmp_path / "nope.avi").open()
    assert raised.value.reason == "bad_recording"
