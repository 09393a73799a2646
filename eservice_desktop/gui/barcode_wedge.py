"""The keyboard-wedge barcode scanner at the pickup desk: an application-wide key filter that
holds a burst of keystrokes as long as it could be a scan (``services.scanners.WedgeDecoder``
decides by the timing between keys) and either turns it into one ``scanned`` text or hands the
keys back to the focused widget as typed.

Apart from ``gui.pickup_desk`` (which installs it and re-exports these) because it is key-event
plumbing for the whole application, not part of the desk's page.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QWidget,
)
from shiboken6 import isValid

from eservice_desktop.services.scanners import (
    DROP,
    HOLD,
    SCAN,
    WedgeDecoder,
    WedgeRules,
)

_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_Meta,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_CapsLock,
    }
)

_COMMAND_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


def key_char(key: int, text: str) -> str:
    """The character a scanner meant, from the key code first (independent of layout and IME)."""
    if Qt.Key.Key_A.value <= key <= Qt.Key.Key_Z.value or Qt.Key.Key_0.value <= key <= (
        Qt.Key.Key_9.value
    ):
        return chr(key)
    if key in (Qt.Key.Key_Return.value, Qt.Key.Key_Enter.value) or text in ("\r", "\n"):
        return "\r"  # Enter, keypad Enter, or a line feed (X11 Linefeed, Ctrl+J suffixes)
    if key == Qt.Key.Key_Tab.value:
        return "\t"
    if key == Qt.Key.Key_Minus.value:
        return "-"
    if len(text) == 1 and text.isascii() and text.isprintable():
        return text
    return ""


class WedgeFilter(QObject):
    """Application-wide keyboard-wedge catcher, installed on the application as it is made
    (it goes with its parent); active only while ``active()`` says so."""

    scanned = Signal(str)

    def __init__(
        self,
        rules: WedgeRules,
        active: Callable[[], bool],
        parent: QObject | None = None,
        clock: Callable[[], float] = lambda: time.monotonic() * 1000.0,
        *,
        takes: Callable[[str], bool] = lambda _text: True,
        holds: Callable[[str, str], bool] = lambda _ch, _text: True,
        within: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.decoder = WedgeDecoder(rules)
        self.active = active
        #: Which scans this catcher takes; any other is handed back to the field as typed,
        #: its closing Enter with it (a case number scanned into the queue's search box).
        self.takes = takes
        #: Which keys (character, text) may be part of a scan; any other ends a burst and
        #: passes at once, the keys held before it first.
        self.holds = holds
        #: The window whose keys this catcher watches (None: every window of the application
        #: it is installed on): another top-level window's typing is never held.
        self.within = within
        self.clock = clock
        self._held: list[tuple[int, Qt.KeyboardModifier, str, QObject]] = []
        self._swallowed: dict[int, int] = {}
        self._replaying = False
        self._last_held = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._expire)
        app = QApplication.instance()
        if app is not None:  # every key press of the application comes here first
            app.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if "_replaying" not in self.__dict__:
            # Its Python side is being collected (a page in a reference cycle: the garbage
            # collector clears its attributes before Qt destroys it and takes it off the
            # application), and the widgets going with it still send events: let them pass.
            return False
        if self._replaying:
            return False
        etype = event.type()
        if etype == QEvent.Type.MouseButtonPress and self._held:
            self._flush()  # a click on 送出收件 right after typing: the keys go in first
            return False
        if etype == QEvent.Type.KeyRelease and isinstance(event, QKeyEvent):
            return self._release_swallowed(obj, event)
        if etype == QEvent.Type.InputMethod and self.decoder.holding:
            return True  # an IME composing what is really a scanner burst
        if etype == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            return self._override(obj, event)
        if etype != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not self._is_target(obj) or not self._inside(obj) or not self.active():
            self._let_go(obj, event)
            return False
        key = event.key()
        if key in {k.value for k in _MODIFIER_KEYS}:
            return False
        if event.modifiers() & _COMMAND_MODIFIERS:
            self._flush()  # a shortcut no scan sends (Ctrl+A, Alt+S): the typing goes first
            return False
        ch = key_char(key, event.text())
        if ch and ch not in ("\r", "\t") and not self.holds(ch, event.text()):
            ch = ""
        # The platform's press time (X server, Windows message time); synthetic events have 0.
        pressed = float(event.timestamp()) or self.clock()
        decision = self.decoder.feed(ch, pressed)
        self._release(decision.release)
        if decision.release and decision.action not in (HOLD, SCAN, DROP):
            return self._pass_on(obj, event)
        if decision.action == HOLD:
            self._held.append((key, event.modifiers(), event.text(), obj))
            self._swallowed[key] = self._swallowed.get(key, 0) + 1
            self._last_held = self.clock()
            self._timer.start(int(self.decoder.rules.max_interkey_ms) + 5)
            return True
        if decision.action == SCAN:
            self._timer.stop()
            if not self.takes(decision.text):
                self._release(len(self._held))
                return self._pass_on(obj, event)  # the terminator goes on as typed
            self._held.clear()
            self._swallowed[key] = self._swallowed.get(key, 0) + 1
            self.scanned.emit(decision.text)
            return True
        if decision.action == DROP:  # the rest of the scanner's terminator (CR LF)
            self._swallowed[key] = self._swallowed.get(key, 0) + 1
            return True
        return False

    def _pass_on(self, obj: QObject, event: QKeyEvent) -> bool:
        """The key after keys just released goes where they went: releasing them may move the
        focus (a code typed on 確認交付 goes to the code field, ``TypingToField``), and the
        key, addressed before that, went on to the button: the Enter of the next citizen's
        code, a little later than a scanner's, handed over the case still on screen."""
        focus = QApplication.focusWidget()
        if focus is None or focus is obj or not isinstance(obj, QWidget):
            return False
        self._replaying = True
        try:
            QApplication.sendEvent(
                focus, QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers(), event.text())
            )
        finally:
            self._replaying = False
        return True

    def _release_swallowed(self, obj: QObject, event: QKeyEvent) -> bool:
        """The release of a key this catcher took (held, or part of a scan) is its too."""
        count = self._swallowed.get(event.key(), 0)
        if not count or not self._is_target(obj):
            return False
        if count == 1:
            del self._swallowed[event.key()]
        else:
            self._swallowed[event.key()] = count - 1
        return True

    def _override(self, obj: QObject, event: QKeyEvent) -> bool:
        """Qt tries a key's shortcut before the key press reaches any filter: the Enter that
        ends a scan this catcher takes is claimed from the shortcut (the login screen's Enter
        signed in with the code typed into 密碼), so that its key press comes here."""
        if not self._is_target(obj) or not self._inside(obj) or not self.active():
            return False
        pressed = float(event.timestamp()) or self.clock()
        ch = key_char(event.key(), event.text())
        text = self.decoder.ends_scan(ch, pressed)
        if text is None or (text and not self.takes(text)):
            if _is_command(event, ch):
                self._flush()
            return False
        event.accept()
        return True

    def _flush(self) -> None:
        """Gives every held key to its field now: a shortcut (Ctrl+Enter sends the intake, F6
        opens the fees page) or a click acts on what was typed, and is never followed by the
        typing's tail. The intake sent WANG XIAO for WANG XIAO MING typed and Ctrl+Enter
        pressed at once, and the last keys then went to a field the cleared form had
        deleted."""
        if self._held:
            self._timer.stop()
            self._release(self.decoder.flush())

    def _let_go(self, obj: QObject, event: QKeyEvent) -> None:
        """A key that passes at another widget (the completer's list, opened over the field
        meanwhile, hands it to the field) while keys are held: the held ones go first, or the
        field read H-RTRANSCRIPT for HR-TRANSCRIPT typed. Not at the window (``QWindow``), which
        sees every key before its widget, nor for a modifier's own press (a scanner's Shift)."""
        if not isinstance(obj, QWidget) or not self._held:
            return
        if event.key() not in {k.value for k in _MODIFIER_KEYS}:
            self._flush()

    @staticmethod
    def _is_target(obj: QObject) -> bool:
        """Key events also pass the window and each parent; act once, at the first widget.
        Never a password field: a password manager types faster than any person, and its keys
        were held as a scan, dropped with its Enter or left behind by a shortcut's."""
        if not isinstance(obj, QWidget) or _secret(obj):
            return False
        focus = QApplication.focusWidget()
        return obj is focus or focus is None

    def _inside(self, obj: QObject) -> bool:
        return self.within is None or (isinstance(obj, QWidget) and obj.window() is self.within)

    def _expire(self) -> None:
        """The burst went quiet (by this process's clock): release what is held."""
        if self.clock() - self._last_held >= self.decoder.rules.max_interkey_ms:
            self._release(self.decoder.flush())
        else:
            self._timer.start(int(self.decoder.rules.max_interkey_ms) + 5)

    def _release(self, n: int) -> None:
        """Delivers the oldest ``n`` held keystrokes (press and release) to the focus widget."""
        if n <= 0:
            return
        batch, self._held = self._held[:n], self._held[n:]
        self._replaying = True
        try:
            for key, mods, text, origin in batch:
                count = self._swallowed.get(key, 0)
                if count <= 1:
                    self._swallowed.pop(key, None)
                else:
                    self._swallowed[key] = count - 1
                target = _typed_into(origin)
                if target is None:
                    continue  # its field and the focus are gone (the window closed)
                for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(target, QKeyEvent(etype, key, mods, text))
        finally:
            self._replaying = False


def _secret(widget: QWidget) -> bool:
    """A field whose text is not shown (a password): its keys are never held."""
    return isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.EchoMode.Normal


def _typed_into(origin: QObject) -> QObject | None:
    """Where held keys go: the widget they were typed into, while it still takes keys. The
    focus may have moved meanwhile (an answer that came within the hold put the cursor in
    收現): the clerk's "H01" typed on in 案號 went there, not to 案號. A field deleted
    meanwhile (a form rebuilt) is not asked: its Python side outlives it."""
    alive = isValid(origin)
    if alive and isinstance(origin, QWidget) and origin.isVisible() and origin.isEnabled():
        return origin
    return QApplication.focusWidget() or (origin if alive else None)


def _is_command(event: QKeyEvent, ch: str) -> bool:
    """A key no scan sends, which a shortcut may take before any key press is delivered: one
    with Ctrl or Alt, or one with no character (F1–F12, Esc, the arrows); not a modifier's
    own press (a scanner's Shift)."""
    if event.key() in {k.value for k in _MODIFIER_KEYS}:
        return False
    return bool(event.modifiers() & _COMMAND_MODIFIERS) or not ch


class TypingToField(QObject):
    """Keys typed on a button go to the code field: a clerk typing a short code read out while
    the focus is on 確認交付 (where a valid scan leaves it), or a scanner too slow to be told
    from typing, had every character dropped and the closing Enter press the button, handing
    over the case still on screen instead of checking the code typed."""

    def __init__(self, field: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.field = field

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        text = event.text()
        if (
            len(text) != 1
            or not text.isprintable()
            or text.isspace()  # Space presses the button, as it should
            or event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            return False
        self.field.setFocus()
        QApplication.sendEvent(
            self.field, QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers(), text)
        )
        return True
