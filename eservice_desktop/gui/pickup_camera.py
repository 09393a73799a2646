"""The pickup desk's camera mode (F12 or 相機掃描): frames are read and decoded on the camera
reader's threads (``services.scanners.open_camera``) and shown in the preview, converted to a
QImage here on the UI thread, only the newest frame (a slow paint never queues frames up); each
new code arrives as ``camera_scanned``. A camera that cannot be opened says so and the desk
carries on.

A layer of ``PickupDesk`` (over ``PickupView``): the desk decides what a code off the camera
does (``PickupDesk._camera_code``) and turns the camera off when it is hidden or closed. The
texts keep the translation context ``PickupDesk``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QImage, QPixmap

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.pickup_view import PickupView
from eservice_desktop.services import scanners
from eservice_desktop.services.scanners import CameraReader, CameraUnavailable, Frame, FrameSource


def _t(text: str) -> str:
    return QCoreApplication.translate("PickupDesk", text)


class PickupCamera(PickupView):
    """The camera, its preview and its threads' signals."""

    #: Emitted on the camera reader's thread; delivered on the UI thread.
    camera_scanned = Signal(str)
    camera_failed = Signal(object)
    camera_ended = Signal()
    _frame_ready = Signal()

    ctx: GuiContext

    def _init_camera(self) -> None:
        """The camera is off; frames will be handed over under ``_frame_lock``."""
        #: Where camera mode takes its frames (tests and demos put a recording here).
        self.camera_source: Callable[[], FrameSource] = lambda: scanners.camera_source(
            self.ctx.app.settings
        )
        self._camera: CameraReader | None = None
        self._frame_lock = threading.Lock()
        self._frame: Frame | None = None
        self._frame_pending = False

    @property
    def camera_on(self) -> bool:
        return self._camera is not None

    def toggle_camera(self) -> None:
        if self.camera_on:
            self.stop_camera()
        else:
            self.start_camera()

    def start_camera(self) -> None:
        """Camera mode: the source opens on the reader's thread (a slow driver never freezes
        the desk); codes go through :meth:`scan` like a scanner's."""
        if self._camera is not None:
            return
        self.camera_button.setChecked(True)
        self.preview.clear()
        self.preview.setText(_t("相機開啟中…"))
        self.preview.setToolTip(_t("請民眾將手機條碼對準鏡頭"))
        self.preview.show()
        self._camera = scanners.open_camera(
            self.camera_source(),
            self.camera_scanned.emit,
            on_frame=self._offer_frame,
            on_error=self.camera_failed.emit,
            on_end=self.camera_ended.emit,
        )

    def stop_camera(self) -> None:
        """Releases the camera and hides the preview (nothing happens when it is off)."""
        reader, self._camera = self._camera, None
        if reader is not None:
            reader.stop()
        with self._frame_lock:
            self._frame = None
        self.camera_button.setChecked(False)
        self.preview.hide()
        self.preview.clear()

    def _offer_frame(self, frame: Frame) -> None:
        """Camera reader's thread: keeps only the newest frame; asks for one paint at a time."""
        with self._frame_lock:
            self._frame = frame
            if self._frame_pending:
                return
            self._frame_pending = True
        self._frame_ready.emit()

    def _paint_frame(self) -> None:
        with self._frame_lock:
            frame, self._frame = self._frame, None
            self._frame_pending = False
        if frame is None or not self.camera_on:
            return
        pixmap = QPixmap.fromImage(frame_image(frame)).scaled(
            self.preview.size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
        self.preview.setPixmap(pixmap)

    def _camera_failed(self, error: CameraUnavailable) -> None:
        self.stop_camera()
        zh, en = scanners.camera_message(error, self.ctx.app.settings)
        self.message_label.show_colour("#b71c1c")
        self.message_label.setText(self.ctx.pick(zh, en))


def frame_image(frame: Frame) -> QImage:
    """A camera frame (numpy, BGR or grey) as a QImage that owns its pixels."""
    height, width = frame.shape[:2]
    fmt = QImage.Format.Format_Grayscale8 if frame.ndim == 2 else QImage.Format.Format_BGR888
    image = QImage(frame.data, width, height, int(frame.strides[0]), fmt)
    return image.copy()
