"""Synthetic keystrokes with explicit press times, so a scanner burst stays a burst and a clerk's
typing stays typing however loaded the test machine is (the wedge filter reads each key event's
own timestamp, as it does with the X server's or Windows' press times)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

SCANNER_MS = 2
HUMAN_MS = 150
#: The last press time handed out (ms); each key comes after the previous one, call after call.
_last_ms = [10_000_000]


def _advance(step_ms: int) -> int:
    _last_ms[0] += step_ms
    return _last_ms[0]


def key(widget: QObject, code: int, text: str, step_ms: int, mods: object = None) -> None:
    """One press and release of ``code`` at ``step_ms`` after the previous key."""
    modifiers = mods if mods is not None else Qt.KeyboardModifier.NoModifier
    at = _advance(step_ms)
    for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(etype, code, modifiers, text)  # type: ignore[arg-type]
        event.setTimestamp(at)
        QApplication.sendEvent(widget, event)


def keys(widget: QObject, text: str, step_ms: int, enter: bool = True) -> None:
    """``text`` key by key ``step_ms`` apart (Shift for capitals), then Enter if asked."""
    for ch in text:
        shift = Qt.KeyboardModifier.ShiftModifier if ch.isupper() else None
        key(widget, ord(ch.upper()), ch, step_ms, shift)
    if enter:
        key(widget, Qt.Key.Key_Return, "\r", step_ms)


def burst(widget: QObject, text: str) -> None:
    """A scanner: every key 2 ms after the last, Enter at the end."""
    keys(widget, text, SCANNER_MS)
