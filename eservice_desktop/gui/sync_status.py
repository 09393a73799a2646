"""Status-bar widget of the county link: online/offline, events waiting, last successful sync,
conflicts waiting for the clerk (click to resolve; the resolution is itself a case event).

The sync loop is the same :class:`~eservice_desktop.county_link.worker.SyncLoop` the headless
service runs, on a plain worker thread (it never touches widgets; ``sync_loop``); each round's
outcome comes back to the UI thread through a queued Qt signal. Local work
(``ctx.case_changed``) pokes the loop so a new case leaves for the county at once when the link
is up.

The loop starts only on an enrolled device, or in demo mode (where it enrols itself against the
loopback demo server started by ``make run``). Otherwise the sync service syncs (its credential
in the service account's keyring) and the widget follows its rounds (``sync_loop.follow_others``,
docs/gui.md): the window said 尚未連線 all day and took no calendar or fee it stored.

A catch-up of a million changes spans many rounds. Between two of them the bar stays, at the
standing ``sync status`` reports (``catch_up``: received so far of the total, kept with each
page), with "已接收 n／N" beside it, so the clerk sees the catch-up is unfinished, not done.

A restored database waiting for its recovery from the county (``services/restore_guard.py``)
writes nothing of its own: the bar says so in red, and says when the round that reached the
county recovered it (``ctx.restore_recovered``: the intake form drops the refusal it showed).
Before, the bar read only 離線 meanwhile and nothing said the recovery was done.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.dialog_life import ask_once
from eservice_desktop.gui.sync_conflicts import ConflictDialog
from eservice_desktop.gui.sync_loop import (
    LoopKeeper,
    follow_others,
    last_sync_text,
    load_reference,
    prepare_loop,
    read_status,
    service_failure,
)
from eservice_desktop.gui.sync_state_label import SyncStateLabel

if TYPE_CHECKING:
    from eservice_desktop.services.sync import SyncLoop

__all__ = ["ConflictDialog", "SyncStatusWidget", "create_status_widget", "last_sync_text"]

#: How often a window without a loop of its own looks at the sync service's rounds.
FOLLOW_MS = 10_000
_UNSEEN = object()

log = logging.getLogger("eservice.gui.sync")


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
        self._build()
        self.round_finished.connect(self._on_round, Qt.ConnectionType.QueuedConnection)
        self.push_progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.pull_progress.connect(self._on_pull_progress, Qt.ConnectionType.QueuedConnection)
        ctx.case_changed.connect(self._on_local_work)
        #: The running loop and its thread, kept outside this widget (see sync_loop.LoopKeeper).
        self._keeper = LoopKeeper()
        #: Counts the start and stop requests: a loop prepared on the writer for an older
        #: request (stopped meanwhile) is dropped.
        self._starts = 0
        self._starting = False
        # Not a slot of this widget: Qt calls no slot of an object that is being destroyed.
        self.destroyed.connect(self._keeper.close)
        self._autostart = autostart
        self._begun = False
        #: Looks at the rounds of another process while this window runs no loop.
        self._follow = QTimer(self)
        self._follow.setInterval(FOLLOW_MS)
        self._follow.timeout.connect(self._look_at_others)
        # the service's last good round as the last look saw it (the first look's is no news)
        self._followed: object = _UNSEEN
        self._render()
        if not defer:
            self.start_background()

    def _build(self) -> None:
        """The labels, the bar and the conflicts button, left to right."""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.state_label = SyncStateLabel(self)  # elided, never below its state word
        self.state_label.setObjectName("sync_state")
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("sync_counts")
        self.conflicts_button = QPushButton(self)
        self.conflicts_button.setObjectName("sync_conflicts")
        self.conflicts_button.setFlat(True)
        self.conflicts_button.clicked.connect(self.show_conflicts)
        #: How far a push or a pull is, or an unfinished catch-up between rounds.
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("sync_progress")
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setTextVisible(False)
        #: An unfinished catch-up's standing between rounds; hidden otherwise.
        self.catch_up_label = QLabel(self)
        self.catch_up_label.setObjectName("sync_catch_up")
        #: Pulled events set aside for IT (``sync conflicts`` lists them); hidden when none.
        self.quarantine_label = QLabel(self)
        self.quarantine_label.setObjectName("sync_quarantined")
        #: Events under another counter's number this counter cannot send (a database once
        #: written as two counters, ``state.stray_count``); hidden when none.
        self.other_counters_label = QLabel(self)
        self.other_counters_label.setObjectName("sync_other_counters")
        #: A restored database not yet recovered from the county; hidden otherwise.
        self.restore_label = QLabel(self)
        self.restore_label.setObjectName("sync_restore_pending")
        self.restore_label.setStyleSheet("color: #b00020;")
        for w in (
            self.state_label,
            self.restore_label,
            self.progress_bar,
            self.catch_up_label,
            self.counts_label,
            self.conflicts_button,
            self.quarantine_label,
            self.other_counters_label,
        ):
            layout.addWidget(w)

    def start_background(self) -> None:
        """County reference data, the first counts, and the loop when this device syncs. The
        main window calls it once the first list is shown (``defer``): the sync stack (keyring,
        requests, pydantic) is then imported after the window became interactive. The
        reference data and the credential are read on the database writer."""
        if self._begun:
            return
        self._begun = True
        # the core may still be opening (a signed-in start): read once it is, on the writer
        self.ctx.run_on_core(load_reference, on_done=self._reference_loaded)

    def _reference_loaded(self, enrolled: bool) -> None:
        self.refresh()
        autostart = self._autostart
        if autostart is None:
            # an enrolled device syncs; a demo one only when a county URL was given to it
            # explicitly (tools/run-demo.sh exports ESERVICE_COUNTY_URL), never in tests
            autostart = enrolled or (
                self.ctx.settings.demo and bool(os.environ.get("ESERVICE_COUNTY_URL"))
            )
        if autostart:
            self.start()
        else:  # the first look at once: the county's clock before the first record
            self._follow.start()
            self._look_at_others()

    def _look_at_others(self) -> None:
        if self.loop is None and not self._starting:
            self.ctx.tasks.run(follow_others, self.ctx.app, on_done=self._on_followed)

    def _on_followed(self, status: dict[str, Any]) -> None:
        """Another process's good round since the last look is one: the pages read again; its
        failed rounds since its last good one are the bar's (○ 離線 and why)."""
        done, seen = status.get("last_success"), self._followed
        self._followed = done
        seen = done if seen is _UNSEEN else seen
        failed = service_failure(status, self.ctx.is_zh) if self.loop is None else ""
        if failed or (self.loop is None and done and done != seen):  # (the bar's own reads
            self._on_round(status, failed)  # take last_success too: not the one to compare)
        else:
            self._on_status(status)

    # --- the loop ------------------------------------------------------------------------

    def start(self) -> None:
        """Prepares the loop on the database writer (county clock, county catalogue), then
        runs it on its own thread; ``self.loop`` is set once it runs."""
        if self.loop is not None or self._starting:
            return
        self._follow.stop()
        self._starting = True
        self._starts += 1
        self.ctx.tasks.run(
            prepare_loop,
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
        from eservice_desktop.services.sync import round_failure_message

        try:
            status = read_status(self.ctx.app)
        except Exception:  # the app may be closing
            return
        message = round_failure_message(error, self.ctx.lang) if error is not None else ""
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
        self.ctx.tasks.run(read_status, self.ctx.app, on_done=self._on_status)

    def _on_status(self, status: dict[str, Any]) -> None:
        self._restore_news(status)
        self.status = status
        self._render()

    def _restore_news(self, status: dict[str, Any]) -> None:
        """A recovery the bar showed waiting is done: say so, and let the pages drop the
        refusal it caused."""
        if self.status.get("restore_pending") and status.get("restore_pending") is False:
            self.ctx.status_message.emit(self.tr("已自縣府取回還原後的資料，可以繼續收件與收費"))
            self.ctx.restore_recovered.emit()

    def _on_progress(self, done: int, total: int) -> None:
        self.pushing = (done, total)
        self._render()

    def _on_pull_progress(self, done: int, total: int) -> None:
        self.pushing = None
        self.pulling = (done, total)
        self._render()

    def _on_round(self, status: dict[str, Any], error: str) -> None:
        self._restore_news(status)
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
        self.state_label.set_state(*self._state_text())
        when = last_sync_text(st.get("last_success"), self.ctx.now(), self.ctx.is_zh)
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
        others = int(st.get("other_counters_pending", 0))
        self.other_counters_label.setText(
            self.tr("其他櫃檯的事件 %1 筆無法由本機上傳，請洽資訊人員").replace("%1", str(others))
        )
        self.other_counters_label.setVisible(others > 0)
        self.restore_label.setText(self.tr("還原後待自縣府取回"))  # short: the bar has little room
        self.restore_label.setToolTip(
            self.tr("還原後尚未自縣府取回資料：暫停收件與收費，連線縣府後自動取回")
        )
        self.restore_label.setVisible(bool(st.get("restore_pending")))
        self.setToolTip(
            self.tr("縣府伺服器：%1").replace(
                "%1", str(st.get("server", self.ctx.settings.county_url))
            )
        )

    def _state_text(self) -> tuple[str, str]:
        """The state as the bar says it, and its start that is never elided (the state word
        before a failed round's reason)."""
        if self.pushing is not None:
            done, total = self.pushing
            # the round after a failed one: offline until the county takes a first batch
            # (a county that does not answer holds each try for a minute)
            text = (
                self.tr("○ 離線，重試中 %1／%2")
                if self.online is False and done == 0
                else self.tr("● 同步中 %1／%2")
            )
            return text.replace("%1", f"{done:,}").replace("%2", f"{total:,}"), ""
        if self.pulling is not None:
            done, total = self.pulling
            text = self.tr("● 接收中 %1／%2")
            return text.replace("%1", f"{done:,}").replace("%2", f"{total:,}"), ""
        if self.online is None and self.loop is not None:
            return self.tr("○ 連線中…"), ""
        if self.online is None:
            return self.tr("○ 尚未連線"), ""
        if self.online:
            return self.tr("● 已連線"), ""
        offline = self.tr("○ 離線：%1")
        return offline.replace("%1", self.error), offline.split("%1")[0]

    def _render_progress(self) -> None:
        """The bar follows the push or the pull under way; between rounds it shows an
        unfinished catch-up's standing (``catch_up`` of the status), else it is hidden."""
        running = self.pushing or self.pulling
        standing = self._catch_up() if running is None else None
        shown = running or standing
        self.progress_bar.setVisible(shown is not None)
        self.catch_up_label.setVisible(standing is not None)
        if standing is not None:
            self.catch_up_label.setText(
                self.tr("已接收 %1／%2")
                .replace("%1", f"{standing[0]:,}")
                .replace("%2", f"{standing[1]:,}")
            )
        if shown is not None:
            done, total = shown
            self.progress_bar.setRange(0, max(total, 1))
            self.progress_bar.setValue(min(done, max(total, 1)))

    def _catch_up(self) -> tuple[int, int] | None:
        """(received, total) of an unfinished catch-up as last read, or None."""
        figures = self.status.get("catch_up")
        if not figures:
            return None
        return int(figures["done"]), int(figures["total"])

    def show_conflicts(self) -> None:
        ask_once(ConflictDialog(self.ctx, self))
        self.refresh()


def create_status_widget(ctx: GuiContext, defer: bool = False) -> QWidget:
    return SyncStatusWidget(ctx, defer=defer)
