"""The MMS pickup desk (領件): scan the citizen's phone, check the case, hand the documents over.

Scans come from four sources and all end in :meth:`PickupDesk.scan`:

- a keyboard-wedge scanner, caught by :class:`WedgeFilter`, an event filter on the whole
  application: while the desk is on screen a scanner burst is recognised whatever widget has
  focus (even the collector's name field with a Chinese IME on) and none of its keystrokes
  reaches that widget; a human's keystrokes are only held back ~30 ms and then delivered;
- a serial scanner (``settings.scanner_serial_port``), read on its own thread;
- a picture of the phone (a file) decoded with zxing-cpp;
- the live camera (F12 or 相機掃描): frames are read and decoded on the camera reader's threads
  (``services.scanners.open_camera``), shown in a preview (converted to a QImage here, on the
  UI thread, only the newest frame: a slow paint never queues frames up), and each new code
  arrives as ``camera_scanned``. Leaving the page, locking the window or closing it turns the
  camera off; a camera that cannot be opened says so and the desk carries on.

The camera is ``gui/pickup_camera.py``, the handover and the slip ``gui/pickup_handover.py``,
the look-up by the applicant's ID card (no code: 持身分證領件) ``gui/pickup_id_card.py``.
Verification and handover run on a worker (``ctx.tasks``); the refusal text comes from the
service in both languages and says what to do next.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHeaderView,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.events import PICKED_UP
from eservice_desktop.gui import labels
from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.barcode_wedge import TypingToField, WedgeFilter, key_char
from eservice_desktop.gui.context import GuiContext, ScreenCase
from eservice_desktop.gui.error_text import fees_due_refusal
from eservice_desktop.gui.flow_layout import FoldingSplitter
from eservice_desktop.gui.keyboard import bring_into_view
from eservice_desktop.gui.pickup_camera import frame_image
from eservice_desktop.gui.pickup_handover import handover_or_refuse
from eservice_desktop.gui.pickup_id_card import PickupIdCard
from eservice_desktop.gui.pickup_view import CAMERA_SHORTCUT, PREVIEW_SIZE, name_shown
from eservice_desktop.gui.restore_refusals import RecoveredWatch
from eservice_desktop.services import pickup
from eservice_desktop.services.scanners import (
    SerialScanner,
    open_serial,
    wedge_rules,
)

#: The widgets are gui.pickup_view, the wedge catcher gui.barcode_wedge, the camera
#: gui.pickup_camera, the handover gui.pickup_handover; importable from here.
__all__ = [
    "CAMERA_SHORTCUT",
    "PREVIEW_SIZE",
    "PickupDesk",
    "WedgeFilter",
    "create_page",
    "frame_image",
    "handover_or_refuse",
    "key_char",
]

#: The ready cases the desk lists, the oldest first (how many wait in all is said above them).
READY_SHOWN = 500


class PickupDesk(PickupIdCard):
    """The page. ``scan(text)`` is the one entry point of every scanner. Its widgets are
    ``PickupView``'s, the camera ``PickupCamera``'s, the handover and the slip
    ``PickupHandover``'s, the ID card's look-up ``PickupIdCard``'s."""

    serial_scanned = Signal(str)
    result_shown = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("pickup_desk")
        self.result: pickup.PickupResult | None = None
        self.payload = ""
        self._serial: SerialScanner | None = None
        self._verify_task: Any = None
        self._handing_over = False
        self._init_camera()

        top = self._build_top()
        left_box = self._build_ready_list()
        right_box = self._build_case_side()

        split = FoldingSplitter()  # one over the other on a narrow page
        split.setChildrenCollapsible(False)  # a drag keeps the list's columns in view
        split.addWidget(left_box)
        split.addWidget(right_box)
        # The list and the case side share the room 3:2, each above its least (the list's:
        # its headers and whole case numbers; at 1024 px the case side is at its own).
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self._build_id_row())
        layout.addWidget(split, 1)
        self._connect()

        self.wedge = WedgeFilter(wedge_rules(ctx.app.settings), self._wedge_active, self)
        self.wedge.scanned.connect(self.scan)
        self.serial_scanned.connect(self.scan)
        self._serial = open_serial(ctx.app.settings, self.serial_scanned.emit)
        ctx.case_changed.connect(lambda _n: self.refresh_ready())
        # a case made ready for pickup here by another office or counter arrives with a round
        ctx.sync_round_done.connect(self._round_done)
        RecoveredWatch(ctx, self.message_label, then=self._recovered)
        self.refresh_ready()

    def _connect(self) -> None:
        """What the code field, the buttons, F12 and the camera's signals do."""
        self.scan_edit.returnPressed.connect(self._scan_typed)
        self.photo_button.clicked.connect(self._pick_photo)
        self.camera_button.clicked.connect(
            lambda on: self.start_camera() if on else self.stop_camera()
        )
        self.camera_shortcut.activated.connect(self.toggle_camera)
        self.camera_scanned.connect(self._camera_code)
        self.camera_failed.connect(self._camera_failed)
        self.camera_ended.connect(self.stop_camera)
        self._frame_ready.connect(self._paint_frame)
        self.refresh_button.clicked.connect(self.refresh_ready)
        self.confirm_button.clicked.connect(self.confirm)
        self.slip_button.clicked.connect(self.print_slip_clicked)
        self.online_button.clicked.connect(self.look_up_online)
        typing = TypingToField(self.scan_edit, self)  # a code typed with the focus on a button
        for button in self.desk_buttons():
            button.installEventFilter(typing)
        self.watch_collector()

    # -- page hooks ---------------------------------------------------------------------------

    def _wedge_active(self) -> bool:
        # not while a supervisor types their account and password in the approval dialog
        return self.isVisible() and not isinstance(QApplication.activeModalWidget(), ApprovalDialog)

    def on_shown(self) -> None:
        self.refresh_ready()
        self.scan_edit.setFocus()
        if self.payload and self.result is not None and self.result.reason == pickup.FEES_DUE:
            self.check_again()  # back from the payment page (F6): check again

    def focus_search(self) -> None:
        self.scan_edit.setFocus()

    def on_closing(self) -> None:
        self.stop_camera()
        if self._serial is not None:
            self._serial.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.wedge)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt API)
        """Leaving the page or locking the window (the page is hidden) turns the camera off."""
        self.stop_camera()
        super().hideEvent(event)

    def _camera_code(self, text: str) -> None:
        """A code off the camera: verified like a scan, unless the camera was turned off
        meanwhile, a handover is under way, or it is the code already on screen."""
        if not self.camera_on or self._handing_over:
            return
        if text.strip() == self.payload and (self.result is not None or self._verifying):
            return
        self.scan(text)

    # -- scanning -----------------------------------------------------------------------------

    def scan(self, text: str) -> None:
        """Checks a code from any reader. Not while the case on screen is being handed over
        (or waits for a supervisor's approval): the next citizen's code would replace it on
        screen while its documents leave."""
        payload = text.strip()
        if not payload:
            return
        if self._handing_over:
            self.ctx.status_message.emit(
                self.tr("畫面上的案件正在交付，完成後請再掃描下一位民眾的條碼")
            )
            return
        self.scan_edit.clear()
        self.collector_for_scan(payload)
        self.id_query = None  # the case on screen comes from this code, not an ID card
        self.id_edit.clear()  # an ID typed (and refused) for the citizen before is not this one's
        self.id_number_edit.clear()
        self.payload = payload
        self.confirm_button.setEnabled(False)
        self.slip_button.setEnabled(False)
        self.online_button.hide()  # it looked up the code scanned before this one
        self._verify(payload)

    def _scan_typed(self) -> None:
        """A code typed (a short code read out) and Enter: checked like a scan, and kept in the
        field, selected, until it passes: a typo is corrected, not typed again."""
        text = self.scan_edit.text()
        self.scan(text)
        if text.strip():
            self.scan_edit.setText(text)
            self.scan_edit.selectAll()

    @property
    def _verifying(self) -> bool:
        task = self._verify_task
        return task is not None and not task.finished and not task.cancelled

    def _verify(self, payload: str) -> None:
        """Checks ``payload``; an older check still running is dropped, so the result shown
        (and the handover it enables) is always the latest code's."""
        if self._verify_task is not None:
            self._verify_task.cancel()
        self.message_label.setText(self.tr("驗證中…"))
        self._verify_task = self.ctx.tasks.run(
            pickup.verify, self.ctx.app, payload, on_done=self._show, on_error=self._error
        )

    def _pick_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("選擇手機畫面照片"), "", self.tr("圖片 (*.png *.jpg *.jpeg *.bmp)")
        )
        if path:
            self.scan_photo(Path(path))

    def scan_photo(self, path: Path) -> None:
        from eservice_desktop.services.scanners import decode_image

        self.ctx.tasks.run_io(decode_image, path, on_done=self._photo_done, on_error=self._error)

    def _photo_done(self, texts: list[str]) -> None:
        if texts:
            self.scan(texts[0])
        else:
            self.message_label.setText(self.tr("照片中找不到條碼，請重拍（避免反光，條碼置中）。"))

    # -- results ------------------------------------------------------------------------------

    def shown_case(self) -> ScreenCase | None:
        view = self.result.case if self.result is not None else None
        if view is None:
            return None
        return ScreenCase(view.case_number, view.applicant_name)

    def _show(self, result: pickup.PickupResult) -> None:
        self.result = result
        self.ctx.screen_case_changed.emit()
        colour = "#1b5e20" if result.ok else "#b71c1c"
        self.message_label.show_colour(colour)
        text = self.ctx.pick(result.message_zh, result.message_en)
        if result.reason == pickup.FEES_DUE and result.case is not None:  # the window's remedy
            text = self.ctx.message(fees_due_refusal(result.case.balance, PICKED_UP))
        if result.case is not None and result.case.open_conflicts:
            text += "\n" + self.tr("注意：本案有縣府回報的同步衝突尚未處理，交付前請洽主管。")
        self.message_label.setText(text)
        bring_into_view(self.message_label)  # a refusal, the focus left in the code field
        self.online_button.setVisible(result.reason == pickup.NOT_SYNCED)
        self.online_button.setEnabled(True)  # a look-up dropped for a newer scan left it off
        view = result.case
        values = {k: "" for k in self.case_labels}
        if view is not None:
            values = {
                "case_number": view.case_number,
                "service_name": labels.service_name(self.ctx, view.service_code),
                "applicant": f"{name_shown(result)}　{view.applicant_id_masked}",
                "documents": self.tr("、").join(
                    self.tr("{name} {n} {unit}").format(
                        name=labels.document_name(self.ctx, view.service_code, d["name"]),
                        n=d["copies"],
                        unit=d.get("unit", "份"),
                    )
                    for d in view.documents
                ),
                "balance": self._balance_text(view),
            }
        for key, label in self.case_labels.items():
            label.setText(values[key])
        unpaid = result.reason == pickup.FEES_DUE and view is not None and view.balance > 0
        # with fees due, 確認交付 asks a supervisor's approval (handover_with_balance)
        self.confirm_button.setEnabled((result.ok or unpaid) and not result.handed_over)
        self.slip_button.setEnabled(result.handed_over)
        self.confirm_reason.setText(
            self.tr("尚有規費 {n} 元未繳：按 F6 收費，或經主管核准交付").format(
                n=f"{view.balance:,}"
            )
            if unpaid and view is not None
            else ""
        )
        if result.ok and not result.handed_over:
            if self.scan_edit.text().strip() == self.payload:
                self.scan_edit.clear()  # a typed code that passed: the field is free again
            self.confirm_button.setFocus()  # Enter hands over: scan, then one key
        if view is not None:
            self.ctx.case_shown.emit(view.case_number)  # F6 takes this case's payment
        self.result_shown.emit(result)

    def look_up_online(self) -> None:
        self.online_button.setEnabled(False)
        self.message_label.setText(self.tr("向縣府查詢中…"))
        # the wait for the county on the I/O pool, the database steps on the writer: the next
        # citizen's scan is not held up behind a county slow to answer
        self._verify_task = self.ctx.tasks.run_io(
            pickup.fetch_online,
            self.ctx.app,
            self.payload,
            db=self.ctx.tasks.call_db,
            on_done=self._online_done,
            on_error=self._online_error,
        )

    def _online_error(self, error: object) -> None:
        """A look-up refused (a restored counter waiting for its recovery, a database fault):
        said in red as any refusal, and 向縣府線上查詢 offered again, where it stayed greyed out
        until the next scan, when the refusal had just said to try again after the sync."""
        self.online_button.setEnabled(True)
        self._error(error)

    def _online_done(self, result: pickup.PickupResult) -> None:
        self.online_button.setEnabled(True)
        self._show(result)
        if result.case_number:
            self.refresh_ready()

    # -- ready list ---------------------------------------------------------------------------

    def _recovered(self) -> None:
        """The restore's refusal (of a handover, of the look-up) is out of date once the
        round recovered the database: the code on screen is checked again, its verdict in the
        refusal's place, where the refusal stayed as if the documents still could not go."""
        if self.payload or self.id_query is not None:
            self.check_again()
        else:
            self.message_label.setText(self.tr("請掃描民眾手機上的領件條碼"))

    def _round_done(self) -> None:
        if self.isVisible():  # shown again later, the page reads the list then (on_shown)
            self.refresh_ready()

    def _balance_text(self, view: pickup.PickupCaseView) -> str:
        """尚需繳費: what is due, none, or an over-payment to refund (it said -300 元)."""
        if view.overpaid:
            return self.tr("溢繳 {n} 元（請於收費頁退費）").format(n=f"{view.overpaid:,}")
        return self.tr("{n} 元").format(n=f"{view.balance:,}") if view.balance else self.tr("無")

    def refresh_ready(self) -> None:
        self.ctx.tasks.run(
            pickup.ready_list, self.ctx.app, READY_SHOWN, on_done=lambda got: self._fill_ready(*got)
        )

    def _fill_ready(self, rows: list[pickup.ReadyRow], total: int | None = None) -> None:
        waiting = len(rows) if total is None else total
        # the list is the oldest 500: the desk showed 500 rows over 8,996 waiting, unsaid
        self.ready_label.setText(
            self.tr("本所待領件：列出最早的 {shown} 件／共 {total} 件").format(
                shown=f"{len(rows):,}", total=f"{waiting:,}"
            )
            if waiting > len(rows)
            else self.tr("本所待領件")
        )
        # The rows' heights (fitted to their wrapped service names) are measured once, after
        # the list is filled: measured as each cell was set, every row again each time, a
        # refresh of 160 ready cases on screen held the desk for seconds (minutes on a busy
        # counter PC) after each scan and each sync round.
        heights = self.ready_table.verticalHeader()
        heights.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.ready_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, value in enumerate(
                (
                    r.pickup_number,
                    r.case_number,
                    labels.service_name(self.ctx, r.service_code or r.service_name),
                    r.applicant_name_masked,
                    self.tr("溢繳 {n}").format(n=r.overpaid)
                    if r.overpaid
                    else str(r.balance or ""),
                )
            ):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.ready_table.setItem(i, j, item)
        heights.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.ready_fitter.contents_changed()


def create_page(ctx: GuiContext) -> QWidget:
    return PickupDesk(ctx)
