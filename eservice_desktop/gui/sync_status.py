"""Status-bar widget of the county link: online/offline, events waiting, last successful sync,
conflicts waiting for the clerk (click to resolve; the resolution is itself a case event).

The sync loop is the same :class:`~eservice_desktop.county_link.worker.SyncLoop` the headless
service
runs, on a plain worker thread (it never touches widgets); each round's outcome comes back to
the UI thread through a queued Qt signal. Local work (``ctx.case_changed``) pokes the loop so a
new case leaves for the county at once when the link is up.

The loop starts only on an enrolled device, or in demo mode (where it enrols itself against the
loopback demo server started by ``make run``); otherwise the widget just shows the counts.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext

if TYPE_CHECKING:
    from eservice_desktop.services.core import App
    from eservice_desktop.services.sync import SyncLoop

log = logging.getLogger("eservice.gui.sync")
TAIPEI = ZoneInfo("Asia/Taipei")


class _LoopKeeper:
    """The status widget's loop and the thread running it, outside the widget.

    The loop must stop when the widget goes, whenever that happens: while the loop is being
    prepared on the database writer, or during a round. Qt calls no slot of an object that is
    being destroyed, so the widget's ``destroyed`` signal goes to :meth:`close` of this plain
    object. Once closed, a loop prepared meanwhile never runs, and a round that ends afterwards
    hands nothing to the deleted widget (:meth:`deliver`)."""

    def __init__(self) -> None:
        self.loop: SyncLoop | None = None
        self.thread: threading.Thread | None = None
        self.closed = False
        # close() (UI thread) never interleaves with deliver() (loop thread): after close
        # returns, no emit to the widget is under way or to come.
        self._lock = threading.Lock()

    def run(self, loop: SyncLoop) -> bool:
        """Runs ``loop`` on a thread of its own; False (and not run) once closed."""
        with self._lock:
            if self.closed:
                return False
            thread = threading.Thread(target=loop.run_forever, name="sync-loop", daemon=True)
            self.loop, self.thread = loop, thread
            thread.start()
        return True

    def halt(self) -> threading.Thread | None:
        """Stops the loop (the widget may run another); returns its thread to wait for."""
        with self._lock:
            loop, thread = self.loop, self.thread
            self.loop, self.thread = None, None
        if loop is not None:
            loop.stop()
        return thread

    def close(self, *_: object) -> None:
        """The widget is gone: stop the loop, run none later, deliver nothing more."""
        with self._lock:
            self.closed = True
        self.halt()

    def deliver(self, emit: Callable[[], None]) -> None:
        """Loop thread: ``emit()`` (a queued signal of the widget) unless closed."""
        with self._lock:
            if not self.closed:
                emit()


class SyncStatusWidget(QWidget):
    #: (status dict, error message in the clerk's language or "") from the worker thread;
    #: handled on the UI thread.
    round_finished = Signal(object, str)
    #: (events sent, events to send) during a push, from the worker thread.
    push_progress = Signal(int, int)
    #: (changes received, changes waiting) during a pull, from the worker thread.
    pull_progress = Signal(int, int)

    def __init__(
        self,
        ctx: GuiContext,
        autostart: bool | None = None,
        parent: QWidget | None = None,
        defer: bool = False,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.online: bool | None = None
        self.status: dict[str, Any] = {}
        #: (sent, total) while a push is under way, else None.
        self.pushing: tuple[int, int] | None = None
        #: (received, total) while a pull is under way (a long catch-up), else None.
        self.pulling: tuple[int, int] | None = None
        #: Why the last round failed, in the clerk's language ("" after a good round).
        self.error = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("sync_state")
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("sync_counts")
        self.conflicts_button = QPushButton(self)
        self.conflicts_button.setObjectName("sync_conflicts")
        self.conflicts_button.setFlat(True)
        self.conflicts_button.clicked.connect(self.show_conflicts)
        #: How far a push or a pull is; shown only while one is under way.
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("sync_progress")
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setTextVisible(False)
        #: Pulled events set aside for IT (``sync conflicts`` lists them); hidden when none.
        self.quarantine_label = QLabel(self)
        self.quarantine_label.setObjectName("sync_quarantined")
        for w in (
            self.state_label,
            self.progress_bar,
            self.counts_label,
            self.conflicts_button,
            self.quarantine_label,
        ):
            layout.addWidget(w)
        self.round_finished.connect(self._on_round, Qt.ConnectionType.QueuedConnection)
        self.push_progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.pull_progress.connect(self._on_pull_progress, Qt.ConnectionType.QueuedConnection)
        ctx.case_changed.connect(self._on_local_work)
        #: The running loop and its thread, kept outside this widget (see _LoopKeeper).
        self._keeper = _LoopKeeper()
        #: Counts the start and stop requests: a loop prepared on the writer for an older
        #: request (stopped meanwhile) is dropped.
        self._starts = 0
        self._starting = False
        # Not a slot of this widget: Qt calls no slot of an object that is being destroyed.
        self.destroyed.connect(self._keeper.close)
        self._autostart = autostart
        self._begun = False
        self._render()
        if not defer:
            self.start_background()

    def start_background(self) -> None:
        """County reference data, the first counts, and the loop when this device syncs. The
        main window calls it once the first list is shown (``defer``): the sync stack (keyring,
        requests, pydantic) is then imported after the window became interactive. The
        reference data and the credential are read on the database writer."""
        if self._begun:
            return
        self._begun = True
        self.ctx.tasks.run(_load_reference, self.ctx.app, on_done=self._reference_loaded)

    def _reference_loaded(self, enrolled: bool) -> None:
        self.refresh()
        autostart = self._autostart
        if autostart is None:
            # an enrolled device syncs; a demo one only when a county URL was given to it
            # explicitly (tools/run-demo.sh exports ESERVICE_COUNTY_URL), never in tests
            autostart = enrolled or (
                self.ctx.app.settings.demo and bool(os.environ.get("ESERVICE_COUNTY_URL"))
            )
        if autostart:
            self.start()

    # --- the loop ------------------------------------------------------------------------

    def start(self) -> None:
        """Prepares the loop on the database writer (county clock, county catalogue), then
        runs it on its own thread; ``self.loop`` is set once it runs."""
        if self.loop is not None or self._starting:
            return
        self._starting = True
        self._starts += 1
        self.ctx.tasks.run(
            _prepare_loop,
            self.ctx.app,
            self._from_worker,
            (self._progress, self._pull_progress),
            self._starts,
            on_done=self._run_loop,
            on_error=self._start_failed,
        )

    @property
    def loop(self) -> SyncLoop | None:
        """The loop while it runs (None before it started and after :meth:`stop`)."""
        return self._keeper.loop

    def _run_loop(self, prepared: tuple[SyncLoop, int]) -> None:
        loop, request = prepared
        self._starting = False
        if request != self._starts or self.loop is not None:
            return  # stopped (or started again) while it was being prepared
        if self._keeper.run(loop):
            self._render()

    def _start_failed(self, error: object) -> None:
        self._starting = False
        self.ctx.tasks._unhandled(error)

    def stop(self) -> None:
        """Stops the loop and waits for its thread (up to the end of a round under way); the
        widget may start it again."""
        self._starts += 1
        self._starting = False
        thread = self._keeper.halt()
        if thread is not None:
            thread.join(timeout=30)

    def _from_worker(self, _result: Any, error: BaseException | None) -> None:
        """Worker thread: read the counts here (not on the UI thread), then hand them over."""
        from eservice_desktop.services import sync
        from eservice_desktop.services.sync import sync_error_message

        try:
            status = sync.status(self.ctx.app)
        except Exception:  # the app may be closing
            return
        message = sync_error_message(error, self.ctx.lang) if error is not None else ""
        self._keeper.deliver(lambda: self.round_finished.emit(status, message))

    def _progress(self, done: int, total: int) -> None:
        """Worker thread, during a push: hand the figures to the UI thread."""
        self._keeper.deliver(lambda: self.push_progress.emit(done, total))

    def _pull_progress(self, done: int, total: int) -> None:
        """Worker thread, during a pull: hand the figures to the UI thread."""
        self._keeper.deliver(lambda: self.pull_progress.emit(done, total))

    def _on_local_work(self, _number: str) -> None:
        if self.loop is not None:
            self.loop.poke()
        else:
            self.refresh()

    # --- UI thread -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Reads the counts in the background and shows them."""
        from eservice_desktop.services import sync

        self.ctx.tasks.run(sync.status, self.ctx.app, on_done=self._on_status)

    def _on_status(self, status: dict[str, Any]) -> None:
        self.status = status
        self._render()

    def _on_progress(self, done: int, total: int) -> None:
        self.pushing = (done, total)
        self._render()

    def _on_pull_progress(self, done: int, total: int) -> None:
        self.pushing = None
        self.pulling = (done, total)
        self._render()

    def _on_round(self, status: dict[str, Any], error: str) -> None:
        self.status = status
        self.online = not error
        self.pushing = self.pulling = None
        if error and error != self.error:
            self.ctx.status_message.emit(error)
        self.error = error
        self._render()
        if not error:
            self.ctx.sync_round_done.emit()

    def _render(self) -> None:
        st = self.status
        self.state_label.setToolTip(self.error)
        self._render_progress()
        if self.pushing is not None:
            done, total = self.pushing
            self.state_label.setText(
                self.tr("● 同步中 %1／%2").replace("%1", f"{done:,}").replace("%2", f"{total:,}")
            )
        elif self.pulling is not None:
            done, total = self.pulling
            self.state_label.setText(
                self.tr("● 接收中 %1／%2").replace("%1", f"{done:,}").replace("%2", f"{total:,}")
            )
        elif self.online is None and self.loop is not None:
            self.state_label.setText(self.tr("○ 連線中…"))
        elif self.online is None:
            self.state_label.setText(self.tr("○ 尚未連線"))
        elif self.online:
            self.state_label.setText(self.tr("● 已連線"))
        else:
            self.state_label.setText(self.tr("○ 離線：%1").replace("%1", self.error))
        last = st.get("last_success")
        when = datetime.fromisoformat(last).astimezone(TAIPEI).strftime("%H:%M:%S") if last else "—"
        self.counts_label.setText(
            self.tr("待送 %1 筆　上次同步 %2")
            .replace("%1", str(st.get("pending", 0)))
            .replace("%2", when)
        )
        conflicts = int(st.get("conflicts", 0))
        self.conflicts_button.setText(self.tr("衝突 %1 件(&T)").replace("%1", str(conflicts)))
        self.conflicts_button.setVisible(conflicts > 0)
        quarantined = int(st.get("quarantined", 0))
        self.quarantine_label.setText(self.tr("隔離 %1 筆").replace("%1", str(quarantined)))
        self.quarantine_label.setVisible(quarantined > 0)
        self.setToolTip(
            self.tr("縣府伺服器：%1").replace(
                "%1", str(st.get("server", self.ctx.app.settings.county_url))
            )
        )

    def _render_progress(self) -> None:
        """The bar follows the push or the pull under way; hidden between them."""
        running = self.pushing or self.pulling
        self.progress_bar.setVisible(running is not None)
        if running is not None:
            done, total = running
            self.progress_bar.setRange(0, max(total, 1))
            self.progress_bar.setValue(min(done, max(total, 1)))

    def show_conflicts(self) -> None:
        dialog = ConflictDialog(self.ctx, self)
        dialog.exec()
        self.refresh()


class ConflictDialog(QDialog):
    """Lists the county's refusals; resolving one asks for a note and records the event."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("同步衝突"))
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        layout.addWidget(self.list)
        self.resolve_button = QPushButton(self.tr("處理所選衝突(&R)…"), self)
        self.resolve_button.clicked.connect(self.resolve_selected)
        layout.addWidget(self.resolve_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        """Reads the open conflicts on the database writer, then lists them."""
        from eservice_desktop.services import sync

        self.ctx.tasks.run(sync.open_conflicts, self.ctx.app, self.ctx.lang, on_done=self._show)

    def _show(self, conflicts: list[Any]) -> None:
        self.list.clear()
        for c in conflicts:
            item = QListWidgetItem(f"{c.case_number}　{c.event_type}　{c.reason}")
            item.setData(Qt.ItemDataRole.UserRole, c.conflict_id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def resolve_selected(self, note: str | None = None) -> bool:
        """Asks for a note (unless given) and records the resolution on the database writer;
        False when nothing is selected or the clerk cancelled."""
        item = self.list.currentItem()
        if item is None:
            return False
        if not note:
            text, ok = QInputDialog.getText(self, self.tr("處理衝突"), self.tr("處理說明："))
            if not ok:
                return False
            note = text
        from eservice_desktop.services import sync

        self.ctx.tasks.run(
            sync.resolve_conflict,
            self.ctx.app,
            str(item.data(Qt.ItemDataRole.UserRole)),
            note,
            on_done=lambda _r: self.load(),
            on_error=self._refused,
        )
        return True

    def _refused(self, error: object) -> None:
        if isinstance(error, DomainError):
            self.ctx.status_message.emit(self.ctx.message(error))
        else:
            self.ctx.tasks._unhandled(error)


def _load_reference(app: App) -> bool:
    """Database writer: the catalogue the county sent last applied; True when this device
    holds a sync credential (keyring)."""
    from eservice_desktop.services import sync

    sync.load_county_reference(app)
    return sync.credential(app) is not None


def _prepare_loop(
    app: App, on_result: Any, progress: tuple[Any, Any], request: int
) -> tuple[SyncLoop, int]:
    """Database writer: the loop of this device with its scheduled backups, ready to run;
    ``progress`` follows the push and the pull."""
    from eservice_desktop.services import backup, sync

    loop = sync.start(app, on_result=on_result, progress=progress[0], pull_progress=progress[1])
    loop.round_fn = backup.with_scheduled_backups(app, loop.round_fn)
    return loop, request


def create_status_widget(ctx: GuiContext, defer: bool = False) -> QWidget:
    return SyncStatusWidget(ctx, defer=defer)
