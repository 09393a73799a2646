"""What locks the counter window and what the lock covers.

:class:`IdleWatch` says when to lock: ``settings.idle_lock_min`` minutes without a key press or
mouse use anywhere in the application, or the operator's own card leaving
``settings.lock_card_reader`` (watched on the shared card monitor, as the identity panel does).
While locked, :func:`hide_open_dialogs` has hidden every other window and :class:`ShortcutGuard`
swallows the window's shortcuts, so nothing behind the login screen can be seen or reached.

Apart from ``gui.auth`` (the login screen and signing in; it re-exports these) because these
watch the whole application, while the login screen is one widget. The lock's texts keep the
translation context ``LoginScreen``, where the English file has them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QWidget,
)

from eservice_desktop.gui.context import GuiContext

if TYPE_CHECKING:
    from eservice_desktop.services.identity import ReaderStatus

#: Events that count as the operator being at the counter.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)


class _CardBridge(QObject):
    status = Signal(object)


class IdleWatch(QObject):
    """Says when the window should lock: ``lock_due(str)`` with ``"idle"`` or ``"card"``.

    Activity is any key press, mouse use or input-method text anywhere in the application (an
    application-wide event filter). ``clock`` is replaceable so tests need not wait minutes.

    Idle time is the longer of two clocks' since the last activity: the monotonic ``clock``
    (which a wall clock set back cannot fool) and the wall clock ``wall``, because a monotonic
    clock stops while the PC sleeps (CLOCK_MONOTONIC on Linux): a counter laptop closed at
    lunch with a clerk signed in came back after an hour still signed in, its idle count where
    the lid had left it. A wall clock set forward locks early, the safe side.
    ``watch_input=False`` leaves the filter to :meth:`watch_input`: every event of every widget
    passes through an application filter, which while the first screen was built and painted
    was about 14% of the instructions to ready; the idle time counts from :meth:`arm` anyway.
    The window's start calls it (:meth:`begin`) once the first list is shown (or has failed);
    on a signed-out start, once the login screen is interactive.
    """

    lock_due = Signal(str)

    def __init__(
        self,
        ctx: GuiContext,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
        watch_input: bool = True,
        wall: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.clock = clock
        self.wall = wall
        self.armed = False
        self.last_activity = clock()
        self.last_activity_wall = wall()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.check)
        self._card_present: dict[str, bool] = {}
        self._card_token: int | None = None
        self._bridge = _CardBridge(self)
        self._bridge.status.connect(self.on_card_status)
        self._watching_input = False
        if watch_input:
            self.watch_input()

    def watch_input(self) -> None:
        """Counts key presses and mouse use from now on (the application filter; once)."""
        app = QApplication.instance()
        if app is not None and not self._watching_input:
            self._watching_input = True
            app.installEventFilter(self)

    @property
    def idle_limit_s(self) -> float:
        return max(0.0, float(self.ctx.settings.idle_lock_min)) * 60.0

    def arm(self) -> None:
        """Start counting (an operator is at work in the window)."""
        self.armed = True
        self.touch()
        if self.idle_limit_s > 0:
            self._timer.start()

    def disarm(self) -> None:
        self.armed = False
        self._timer.stop()

    def touch(self) -> None:
        self.last_activity = self.clock()
        self.last_activity_wall = self.wall()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in _ACTIVITY:
            self.touch()
        return False

    def idle_s(self) -> float:
        """Seconds since the last activity, sleep of the PC included (see the class)."""
        return max(self.clock() - self.last_activity, self.wall() - self.last_activity_wall)

    @Slot()
    def check(self) -> None:
        limit = self.idle_limit_s
        if self.armed and limit > 0 and self.idle_s() >= limit:
            self.disarm()
            self.lock_due.emit("idle")

    def begin(self) -> None:
        """Watches input and the operator's card from now on (the window's deferred start)."""
        self.watch_input()
        self.watch_card()

    # -- the operator's card -----------------------------------------------------------------

    def watch_card(self) -> None:
        """Follow ``settings.lock_card_reader`` on the shared card monitor (once)."""
        if self._card_token is not None or not self.ctx.settings.lock_card_reader.strip():
            return
        from eservice_desktop.services import identity

        watch = identity.CardWatch.shared()
        token = watch.subscribe(self._bridge.status.emit)
        self._card_token = token
        self.destroyed.connect(lambda *_: watch.unsubscribe(token))

    @Slot(object)
    def on_card_status(self, st: ReaderStatus) -> None:
        from eservice_desktop.services.identity import ReaderState

        if st.reader != self.ctx.settings.lock_card_reader.strip() or st.detail == "service_down":
            # The PC/SC service gone (restarting) says nothing of the card: taken for one in
            # the reader, its return (no card) locked the window "card left" with none ever in.
            return
        present = st.state not in (ReaderState.NO_CARD, ReaderState.NO_READER)
        was = self._card_present.get(st.reader, False)
        self._card_present[st.reader] = present
        if was and not present and self.armed:
            self.disarm()
            self.lock_due.emit("card")


def lock_reason_text(why: str) -> str:
    texts = {
        "idle": QCoreApplication.translate("LoginScreen", "閒置過久，畫面已自動鎖定。"),
        "card": QCoreApplication.translate("LoginScreen", "承辦人卡片已離開讀卡機，畫面已鎖定。"),
        "manual": QCoreApplication.translate("LoginScreen", "畫面已鎖定。"),
    }
    return texts.get(why, "")


def runs_its_own_loop(widget: QWidget) -> bool:
    """A dialog shown with ``exec()`` (the file dialogs of the exports, 日結表's day, a reason
    asked, the 駁回／撤件 question): application-modal, waiting in a loop of its own that
    hiding it ends, as if cancelled. Shown again after unlocking it answered nothing (撤件
    pressed on it did nothing), and a file dialog Qt had meanwhile deleted ended the sign-in in
    「程式發生未預期的錯誤」."""
    return (
        isinstance(widget, QDialog)
        and widget.windowModality() == Qt.WindowModality.ApplicationModal
    )


def hide_open_dialogs(window: QWidget) -> tuple[list[QWidget], int]:
    """Hides every other visible top-level window of the application (dialogs can show
    personal data too) and closes popups; returns what to show again after unlocking, and how
    many dialogs waiting in their own loop were cancelled instead (:func:`runs_its_own_loop`:
    nothing was done, the clerk asks again)."""
    popup = QApplication.activePopupWidget()
    while popup is not None:
        popup.close()
        nxt = QApplication.activePopupWidget()
        if nxt is popup:
            break
        popup = nxt
    hidden: list[QWidget] = []
    cancelled = 0
    for widget in QApplication.topLevelWidgets():
        if widget is window or not widget.isVisible():
            continue
        if widget.windowType() in (Qt.WindowType.ToolTip, Qt.WindowType.Popup):
            widget.hide()
            continue
        if isinstance(widget, QDialog) and runs_its_own_loop(widget):
            widget.reject()
            cancelled += 1
            continue
        widget.hide()
        hidden.append(widget)
    return hidden, cancelled


class ShortcutGuard(QObject):
    """Installed on the application while the window is covered: swallows every shortcut of
    that window (menu keys, F-keys, Esc) except the login screen's own keys, so no page can be
    reached or acted on behind the lock. Shortcuts of other windows are left alone.
    ``allowed``: gives the window's login screen as it is when a shortcut comes (the window
    builds it when first needed, so the guard asks rather than keeps one).

    A dialog that opens while the window is covered (a task begun before the lock ends after
    it and asks something, e.g. a supervisor's approval) is hidden at once when ``hold(dialog)``
    says so (the window then shows it again after the next sign-in), as the dialogs open at the
    lock were: nothing is painted or typed into over the login screen."""

    def __init__(
        self,
        window: QWidget,
        allowed: Callable[[], QWidget | None],
        hold: Callable[[QWidget], bool] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.allowed = allowed
        self.hold = hold
        #: Dialogs open at the lock and cancelled (:func:`runs_its_own_loop`); the window says
        #: so after the next sign-in and sets it back to 0. (One asked while covered is hidden
        #: before its loop starts, which then waits for it to be shown again and answered.)
        self.cancelled = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show:
            self._hold_if_window(watched)
        elif event.type() == QEvent.Type.Shortcut:
            allowed = self.allowed()
            owner: QObject | None = watched
            while owner is not None:  # a shortcut or action belongs to its parent widget
                if owner is allowed:
                    return False
                if owner is self.window:
                    return True
                owner = owner.parent()
        return False

    def _hold_if_window(self, watched: QObject) -> None:
        """Hides a top-level window shown while covered (tooltips and popups aside)."""
        if self.hold is None or not isinstance(watched, QWidget) or watched is self.window:
            return
        if not watched.isWindow():
            return
        if watched.windowType() in (Qt.WindowType.ToolTip, Qt.WindowType.Popup):
            return
        if self.hold(watched):
            watched.hide()
            # a dialog gives the focus to its first field after it was shown: take it back to
            # where it was on the login screen once that has happened
            before = QApplication.focusWidget()
            if before is not None and self.window.isAncestorOf(before):
                QTimer.singleShot(0, partial(self._give_back_focus, before))

    def _give_back_focus(self, widget: QWidget) -> None:
        if widget.isVisible():
            self.window.activateWindow()
            widget.setFocus()
