"""The identity panel's card readers: the PC/SC monitor (``identity.CardWatch``) runs on its own
thread and hands every :class:`ReaderStatus` to the panel through a queued Qt signal (the
bridge), so the UI thread never waits for a card. NHI data is shown under "讀自健保卡" (read,
not proven), is broadcast with ``ctx.applicant_read`` to fill the intake form, and is wiped
from the panel, with ``ctx.identity_cleared``, the moment the card leaves the reader.

The scheduled CRL/ARL download (when ``crl_urls`` is set) is here too: the panel's other
background work. A layer of ``IdentityPanel`` (over ``IdentityView``). The texts keep the
translation context ``IdentityPanel``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.identity_view import IdentityView

if TYPE_CHECKING:  # loaded when the panel begins: cryptography and the card stack are heavy
    from eservice_desktop.services.identity import ReaderStatus


log = logging.getLogger("eservice.gui")


def _t(text: str) -> str:
    return QCoreApplication.translate("IdentityPanel", text)


class StatusBridge(QObject):
    """Lives on the UI thread; the monitor's threads emit, Qt queues delivery to the UI thread."""

    status = Signal(object)


class IdentityReaders(IdentityView):
    """What the card readers hold, as the monitor reports it."""

    ctx: GuiContext
    #: The last status of each reader.
    statuses: dict[str, ReaderStatus]
    #: The reader (and its card's generation) whose NHI data the panel shows.
    shown_reader: str | None
    shown_generation: int
    #: What the shown card itself warns of (name characters, ID check digit).
    _card_warnings: list[str]
    _bridge: StatusBridge
    _watch_token: int | None
    _start_monitor: bool

    def start_background(self) -> None:
        """Starts watching the card readers (once)."""
        if not self._start_monitor or self._watch_token is not None:
            return
        # the readers' watch only: the MOICA proof's stack (x509, revocation) waits for a card
        from eservice_desktop.services.identity_nhi import CardWatch

        watch = CardWatch.shared()
        token = watch.subscribe(self._bridge.status.emit)
        self._watch_token = token
        # A deleted panel must stop receiving (its bridge is gone with it).
        self.destroyed.connect(lambda *_: watch.unsubscribe(token))

    @Slot(object)
    def on_status(self, st: ReaderStatus) -> None:
        from eservice_desktop.services.identity_nhi import ReaderState

        lock_reader = self.ctx.settings.lock_card_reader.strip()
        if lock_reader and st.reader == lock_reader:
            # The operator's own card (gui/screen_lock.py): never an applicant's, never shown.
            return
        self.statuses[st.reader] = st
        if st.state == ReaderState.SHOWN and st.record is not None:
            if st.reader != self.shown_reader or st.generation != self.shown_generation:
                self._show_nhi(st)
        elif st.reader == self.shown_reader:
            # The card that supplied the data left (or its reader did): wipe it everywhere.
            self._clear_nhi()
            self.ctx.identity_cleared.emit()
        self._show_summary()

    def _show_summary(self) -> None:
        """The reader line, said as it changes to a card read or refused (the readers' own
        states, 未連接讀卡機 or 請插入健保卡, are not: at start they were said over the window's
        first words)."""
        from eservice_desktop.services.identity_nhi import ReaderState

        active = [s for s in self.statuses.values() if s.state != ReaderState.NO_READER]
        if not active:
            self.reader_label.speak = False
            self.reader_label.setText(_t("未連接讀卡機"))
            return
        priority = [
            ReaderState.SHOWN,
            ReaderState.READING,
            ReaderState.UNREADABLE,
            ReaderState.ERROR,
            ReaderState.NO_CARD,
        ]
        best = min(active, key=lambda s: priority.index(s.state))
        card = (ReaderState.SHOWN, ReaderState.UNREADABLE, ReaderState.ERROR)
        self.reader_label.speak = best.state in card
        self.reader_label.setText(self._state_text(best))

    def _show_nhi(self, st: ReaderStatus) -> None:
        rec = st.record
        assert rec is not None
        self.shown_reader = st.reader
        self.shown_generation = st.generation
        self.nhi_name.setText(rec.name or _t("（無法解碼）"))
        self.nhi_id.setText(rec.national_id)
        birth = rec.birth
        shown = (
            (format_roc(birth, "long") if self.ctx.is_zh else birth.isoformat()) if birth else ""
        )
        self.nhi_birth.setText(shown)  # "民國75年3月12日" was shown in the English window too
        self.nhi_card.setText(rec.card_number)
        warnings = []
        if rec.name_flag == "undecodable":
            warnings.append(_t("姓名含健保卡字集外的字，無法正確讀出：請依身分證人工輸入。"))
        elif rec.name_flag == "cp950":
            warnings.append(_t("姓名含罕用字，請與身分證核對。"))
        if not rec.id_checksum_ok:
            warnings.append(_t("身分證字號檢查碼錯誤，請與身分證核對。"))
        self._card_warnings = warnings
        self.nhi_box.setEnabled(True)
        self.show_nhi_notes()
        self.ctx.applicant_read.emit(rec.applicant())

    def show_nhi_notes(self) -> None:
        """The card's own warnings and, when a case is in front, whether the card holder is its
        applicant: another citizen's card read beside a case showed with no word about it."""
        if not self.showing_data:
            return
        notes = list(self._card_warnings)
        case = self.ctx.screen_case()
        case_id = case.applicant_id.strip().upper() if case is not None else ""
        # a business's number (8 digits) is no person's: its representative's card is expected
        card_id = self.nhi_id.text().strip().upper()
        if case is not None and case_id and not case_id.isdigit() and case_id != card_id:
            notes.append(
                _t("持卡人不是畫面上案件 %1 的申請人（%2），請核對。")
                .replace("%1", case.case_number)
                .replace("%2", case.masked_name)
            )
        self.nhi_warning.setText("\n".join(notes))

    def _clear_nhi(self) -> None:
        self.shown_reader = None
        self.shown_generation = -1
        for label in (self.nhi_name, self.nhi_id, self.nhi_birth, self.nhi_card, self.nhi_warning):
            label.clear()
        self.nhi_box.setEnabled(False)

    @property
    def showing_data(self) -> bool:
        return bool(self.nhi_id.text())

    def shutdown(self) -> None:
        from eservice_desktop.services import identity

        if self._watch_token is not None:
            identity.CardWatch.shared().unsubscribe(self._watch_token)
            self._watch_token = None

    # -- CRL schedule --------------------------------------------------------------------------

    def update_crls_if_due(self) -> None:
        """The lists are downloaded on the I/O pool; only the schedule's look and the lists'
        acceptance run on the database writer (a mirror answering slowly held every intake
        and payment of the counter behind it, up to a minute a list)."""
        from eservice_desktop.services import identity

        app, tasks = self.ctx.app, self.ctx.tasks

        def work() -> list[identity.CrlUpdate]:
            if not tasks.call_db(identity.crl_update_due, app):
                return []
            fetched = identity.download_lists(app.settings)
            return tasks.call_db(identity.update_crls, app, fetched)

        def failed(error: object) -> None:
            log.warning("scheduled CRL update failed: %s", type(error).__name__)

        tasks.run_io(work, on_done=lambda _r: None, on_error=failed)
