"""Live camera decoding: frames from a camera (or a recording), QR codes read off them.

**Frame sources** (:class:`FrameSource`): ``open()`` / ``read()`` / ``close()``.

- :class:`CameraSource` opens a camera by its device index with OpenCV's ``VideoCapture``
  (Media Foundation or DirectShow on Windows, V4L2 on Linux);
- :class:`RecordedSource` plays a video file through the very same ``VideoCapture`` path, or a
  directory of still frames (PNG/JPEG, in name order), paced at the recording's frame rate the
  way a camera delivers frames (demos, training, and the tests).

OpenCV (``opencv-python-headless``, which brings numpy) is imported only when a source opens:
a counter that never turns the camera on never loads it.

**Frame pipeline** (:class:`FramePipeline`): reads a source, hands each frame to ``on_frame``
(the preview) and decodes frames with zxing-cpp on one worker thread. While a decode runs, the
frames that arrive are shown but not decoded (skipped): there is never a backlog, whatever the
camera's frame rate and however slow the PC. The same code seen again within ``repeat_s``
seconds is yielded once (a phone held in front of the camera is one scan, not thirty a second).

:class:`CameraReader` runs a pipeline on its own daemon thread and calls back with each code,
the way :class:`~eservice_desktop.devices.scanner.SerialScanner` does for a serial scanner.
Frames are numpy arrays in OpenCV's BGR order; nothing here knows Qt.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger("eservice.devices.camera")

#: A frame: a numpy array (height x width x 3, BGR, uint8) or a grey one (height x width).
Frame = Any

FRAME_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
#: How long one ``read()`` of a camera may fail in a row before the camera counts as lost.
LOST_AFTER_S = 3.0


class CameraUnavailable(Exception):
    """The camera (or recording) cannot be opened or stopped delivering frames."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        #: no_opencv | not_found | lost | bad_recording
        self.reason = reason
        self.detail = detail


class FrameSource(Protocol):
    def open(self) -> None:
        """Starts delivering frames; raises :class:`CameraUnavailable`."""

    def read(self) -> Frame | None:
        """The next frame (blocks until it arrives); None when the source has ended."""

    def close(self) -> None:
        """Releases the device; safe to call twice."""


@functools.cache
def _cv2() -> Any:
    import os

    # Media Foundation's hardware transforms make opening some cameras take many seconds.
    os.environ.setdefault("OPENCV_VIDEOIO_MSMF_ENABLE_HW_TRANSFORMS", "0")
    try:
        import cv2
    except ImportError as e:  # the wheel is missing or its libraries are
        raise CameraUnavailable("no_opencv", type(e).__name__) from e
    # errors only: a missing camera is reported by us, not by OpenCV's log
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    return cv2


def _backend(cv2: Any) -> int:
    import sys

    if sys.platform == "win32":
        return int(cv2.CAP_MSMF)
    if sys.platform.startswith("linux"):
        return int(cv2.CAP_V4L2)
    return int(cv2.CAP_ANY)


class CameraSource:
    """A camera by device index (0 = the first). On Windows Media Foundation is tried first and
    DirectShow second (older USB cameras and some drivers only work with one of them)."""

    def __init__(self, index: int = 0, width: int = 1280, height: int = 720) -> None:
        self.index = index
        self.width = width
        self.height = height
        self._cap: Any = None
        self._failing_since: float | None = None

    def open(self) -> None:
        import sys

        cv2 = _cv2()
        backends = [_backend(cv2)]
        if sys.platform == "win32":
            backends.append(int(cv2.CAP_DSHOW))
        for backend in backends:
            cap = cv2.VideoCapture(self.index, backend)
            if cap.isOpened():
                cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
                cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
                cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not an old one
                self._cap = cap
                return
            cap.release()
        raise CameraUnavailable("not_found", f"index {self.index}")

    def read(self) -> Frame | None:
        if self._cap is None:
            return None
        while True:
            ok, frame = self._cap.read()
            if ok and frame is not None:
                self._failing_since = None
                return frame
            now = time.monotonic()
            if self._failing_since is None:
                self._failing_since = now
            if now - self._failing_since > LOST_AFTER_S:
                raise CameraUnavailable("lost", f"index {self.index}")
            time.sleep(0.05)

    def close(self) -> None:
        cap, self._cap = self._cap, None
        if cap is not None:
            cap.release()


class RecordedSource:
    """A video file (read with ``cv2.VideoCapture``, as a camera is) or a directory of frames,
    delivered at ``fps`` frames a second (default: the file's own rate, 25 for a directory);
    ``fps=0`` delivers as fast as they can be read."""

    def __init__(self, path: str | Path, fps: float | None = None, loop: bool = False) -> None:
        self.path = Path(path)
        self.fps = fps
        self.loop = loop
        self._cap: Any = None
        self._files: list[Path] = []
        self._next = 0
        self._interval = 0.0
        self._due = 0.0

    def open(self) -> None:
        cv2 = _cv2()
        rate = 25.0
        if self.path.is_dir():
            self._files = sorted(
                p for p in self.path.iterdir() if p.suffix.lower() in FRAME_SUFFIXES
            )
            if not self._files:
                raise CameraUnavailable("bad_recording", "no frames in the directory")
        else:
            cap = cv2.VideoCapture(str(self.path))
            if not cap.isOpened():
                cap.release()
                raise CameraUnavailable("bad_recording", self.path.name)
            self._cap = cap
            rate = float(cap.get(cv2.CAP_PROP_FPS) or 0.0) or rate
        fps = rate if self.fps is None else self.fps
        self._interval = 1.0 / fps if fps > 0 else 0.0
        self._next = 0
        self._due = time.monotonic()

    def _grab(self) -> Frame | None:
        cv2 = _cv2()
        if self._cap is not None:
            ok, frame = self._cap.read()
            if not ok and self.loop:
                self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                ok, frame = self._cap.read()
            return frame if ok else None
        if self._next >= len(self._files):
            if not self.loop or not self._files:
                return None
            self._next = 0
        path = self._files[self._next]
        self._next += 1
        frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if frame is None:
            raise CameraUnavailable("bad_recording", path.name)
        return frame

    def read(self) -> Frame | None:
        if self._cap is None and not self._files:
            return None
        if self._interval:
            wait = self._due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._due = max(self._due + self._interval, time.monotonic())
        return self._grab()

    def close(self) -> None:
        cap, self._cap = self._cap, None
        self._files = []
        if cap is not None:
            cap.release()


def decode_frame(frame: Frame) -> list[str]:
    """Texts of the QR codes in one frame (the numpy array goes straight to zxing-cpp)."""
    import zxingcpp

    if getattr(frame, "ndim", 2) == 3:
        cv2 = _cv2()
        frame = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)  # zxing reads luminance
    results = zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormat.QRCode)  # type: ignore[arg-type]
    return [r.text for r in results if r.valid and r.text]


@dataclass
class PipelineStats:
    frames: int = 0
    decoded: int = 0
    skipped: int = 0
    codes: int = 0
    repeats: int = 0


class FramePipeline:
    """Frames from ``source`` in, codes out (see the module's text). Iterate it on a thread of
    your own; ``stop()`` ends the iteration from any thread, at the latest after one frame."""

    def __init__(
        self,
        source: FrameSource,
        *,
        on_frame: Callable[[Frame], None] | None = None,
        decode: Callable[[Frame], list[str]] = decode_frame,
        repeat_s: float = 4.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.on_frame = on_frame
        self.decode = decode
        self.repeat_s = repeat_s
        self.clock = clock
        self.stats = PipelineStats()
        self._seen: dict[str, float] = {}
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def __iter__(self) -> Iterator[str]:
        return self.codes()

    def codes(self) -> Iterator[str]:
        """Opens the source, yields each new code, closes the source at the end (source
        ended, ``stop()``, or the consumer stopped iterating)."""
        self.source.open()
        pool = ThreadPoolExecutor(1, thread_name_prefix="frame-decode")
        pending: Future[list[str]] | None = None
        try:
            while not self._stop.is_set():
                frame = self.source.read()
                if frame is None:
                    break
                self.stats.frames += 1
                if self.on_frame is not None:
                    self.on_frame(frame)
                if pending is not None and pending.done():
                    yield from self._fresh(pending.result())
                    pending = None
                if pending is None:
                    pending = pool.submit(self.decode, frame)
                    self.stats.decoded += 1
                else:
                    self.stats.skipped += 1  # a decode is still running: no backlog
            if pending is not None and not self._stop.is_set():
                yield from self._fresh(pending.result())
        finally:
            pool.shutdown(wait=True)
            self.source.close()

    def _fresh(self, texts: list[str]) -> Iterator[str]:
        now = self.clock()
        for text in texts:
            last = self._seen.get(text)
            self._seen[text] = now
            if last is not None and now - last < self.repeat_s:
                self.stats.repeats += 1
                continue
            self.stats.codes += 1
            yield text
        if len(self._seen) > 64:  # forget codes long gone
            self._seen = {t: s for t, s in self._seen.items() if now - s < self.repeat_s}


class CameraReader:
    """Runs a :class:`FramePipeline` on a daemon thread: ``on_code(text)`` for each new code,
    ``on_frame(frame)`` for each frame (preview), ``on_error(error)`` once if the source cannot
    be opened or is lost, ``on_end()`` when a recording ends. All are called on the reader's
    thread."""

    def __init__(
        self,
        source: FrameSource,
        on_code: Callable[[str], None],
        *,
        on_frame: Callable[[Frame], None] | None = None,
        on_error: Callable[[CameraUnavailable], None] | None = None,
        on_end: Callable[[], None] | None = None,
        repeat_s: float = 4.0,
    ) -> None:
        self.pipeline = FramePipeline(source, on_frame=on_frame, repeat_s=repeat_s)
        self.on_code = on_code
        self.on_error = on_error
        self.on_end = on_end
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="camera-reader", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 1.0) -> None:
        """Stops reading and releases the camera (waits up to ``timeout`` for the thread)."""
        self.pipeline.stop()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        try:
            for text in self.pipeline:
                self.on_code(text)
        except CameraUnavailable as e:
            log.warning("camera unavailable: %s", e.reason)
            if self.on_error is not None:
                self.on_error(e)
            return
        except Exception as e:  # a broken driver must not take the counter down
            log.warning("camera failed: %s", type(e).__name__)
            if self.on_error is not None:
                self.on_error(CameraUnavailable("lost", type(e).__name__))
            return
        if self.on_end is not None and not self.pipeline.stopped:
            self.on_end()
