"""``after_paint``: a callback once a window has painted what it shows now.

The window's start waits for it before it starts anything in the background (the core's
opening on the database writer, the sync loop, the card monitor and their imports): begun in
the same turn of the event loop, their work on the UI thread and the Python lock they take
from it held the first list's paint back by about a second at 1,000,000 cases, while the
start counted as interactive. A widget's ``update()`` is only a request: the paint follows on
a later turn of the event loop, and not before the window is exposed (on the offscreen
platform a ``repaint()`` straight after ``show()`` paints nothing), so the start waits for the
paint itself, and the cold-start benchmark's "ready" mark with it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger("eservice.gui")

#: A window that is shown but not painted by then (covered, minimised, a display that does not
#: expose it) goes on without the paint: what waits for it must not wait for ever.
FALLBACK_MS = 1000


class _PaintWatch(QObject):
    """Watches every paint of the application until one of ``window``'s widgets paints. A
    child of the window: destroyed with it, and then calls nothing."""

    def __init__(self, window: QWidget, callback: Callable[[bool], None]) -> None:
        super().__init__(window)
        self._window = window
        self._callback: Callable[[bool], None] | None = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            self._stop_watching()
            # Filters run before the paint: the zero timer fires once this repaint of the
            # window (all its widgets, then the flush) is over.
            QTimer.singleShot(0, self, self.painted)
        return False

    def painted(self) -> None:
        self._fire(True)

    def timed_out(self) -> None:
        if self._callback is not None:
            log.warning("the window was not painted within %d ms: going on", FALLBACK_MS)
        self._fire(False)

    def _fire(self, painted: bool) -> None:
        """Calls the callback, once (the paint's timer or the fallback, whichever is first)."""
        callback, self._callback = self._callback, None
        if callback is None:
            return
        self._stop_watching()
        self.deleteLater()
        callback(painted)

    def _stop_watching(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


def after_paint(
    window: QWidget, callback: Callable[[bool], None], fallback_ms: int = FALLBACK_MS
) -> None:
    """Calls ``callback(True)`` on the UI thread once ``window`` has painted what it holds now
    (the whole window is asked to repaint, so a paint follows even where nothing else
    changed), or ``callback(False)`` after ``fallback_ms`` without a paint; nothing if the
    window is destroyed first."""
    app = QApplication.instance()
    if app is None:
        raise RuntimeError("after_paint needs the QApplication")
    watch = _PaintWatch(window, callback)
    app.installEventFilter(watch)
    QTimer.singleShot(fallback_ms, watch, watch.timed_out)
    window.update()
