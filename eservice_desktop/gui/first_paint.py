"""``after_paint``: a callback once a window has painted what it shows now.

The cold-start benchmark's "interactive" mark (``ESERVICE_QUIT_WHEN_READY``) means shown *and
painted*, as its baseline, a bare window, is measured. A widget's ``update()`` is only a request:
the paint follows on a later turn of the event loop, or not before the window is exposed (on
the offscreen platform, a ``repaint()`` straight after ``show()`` paints nothing), so the mark
waits for the paint itself."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class _PaintWatch(QObject):
    """Watches every paint of the application until one of ``window``'s widgets paints."""

    def __init__(self, window: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            # Filters run before the paint: the zero timer fires once this repaint of the
            # window (all its widgets, then the flush) is over.
            QTimer.singleShot(0, self._callback)
            self.deleteLater()
        return False


def after_paint(window: QWidget, callback: Callable[[], None]) -> None:
    """Calls ``callback`` on the UI thread once ``window`` has painted what it holds now (the
    whole window is asked to repaint, so a paint follows even where nothing else changes)."""
    app = QApplication.instance()
    if app is None:
        raise RuntimeError("after_paint needs the QApplication")
    app.installEventFilter(_PaintWatch(window, callback))
    window.update()
