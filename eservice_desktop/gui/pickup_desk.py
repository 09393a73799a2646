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

Verification and handover run on a worker (``ctx.tasks``); the refusal text comes from the
service in both languages and says what to do next.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QHideEvent, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.case import APPROVE_HANDOVER_WITH_BALANCE, FEES_DUE, fees_due_error
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import PICKED_UP
from eservice_desktop.gui import labels
from eservice_desktop.gui.approval import ApprovalDialog, run_with_approval
from eservice_desktop.gui.barcode_wedge import WedgeFilter, key_char
from eservice_desktop.gui.context import GuiContext, ScreenCase
from eservice_desktop.gui.keyboard import mark_lookup
from eservice_desktop.gui.qt_print import print_document
from eservice_desktop.services import pickup, scanners
from eservice_desktop.services.scanners import (
    CameraReader,
    CameraUnavailable,
    Frame,
    FrameSource,
    SerialScanner,
    open_serial,
    wedge_rules,
)

#: The keyboard-wedge catcher is gui.barcode_wedge; importable from here.
__all__ = [
    "PickupDesk",
    "WedgeFilter",
    "create_page",
    "frame_image",
    "handover_or_refuse",
    "key_char",
]

#: Turns the desk's camera mode on and off (the button's Alt+C does too).
CAMERA_SHORTCUT = "F12"
PREVIEW_SIZE = (400, 300)


def _t(text: str) -> str:
    return QCoreApplication.translate("PickupDesk", text)


class PickupDesk(QWidget):
    """The page. ``scan(text)`` is the one entry point of every scanner."""

    serial_scanned = Signal(str)
    result_shown = Signal(object)
    #: Emitted on the camera reader's thread; delivered on the UI thread.
    camera_scanned = Signal(str)
    camera_failed = Signal(object)
    camera_ended = Signal()
    _frame_ready = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("pickup_desk")
        self.result: pickup.PickupResult | None = None
        self.payload = ""
        self._serial: SerialScanner | None = None
        self._verify_task: Any = None
        self._handing_over = False
        #: Where camera mode takes its frames (tests and demos put a recording here).
        self.camera_source: Callable[[], FrameSource] = lambda: scanners.camera_source(
            ctx.app.settings
        )
        self._camera: CameraReader | None = None
        self._frame_lock = threading.Lock()
        self._frame: Frame | None = None
        self._frame_pending = False

        top = self._build_top()
        left_box = self._build_ready_list()
        right_box = self._build_case_side()

        split = QSplitter()
        split.addWidget(left_box)
        split.addWidget(right_box)
        split.setStretchFactor(1, 1)
        split.setSizes([520, 580])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self.wedge = WedgeFilter(wedge_rules(ctx.app.settings), self._wedge_active, self)
        self.wedge.scanned.connect(self.scan)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.wedge)
        self.serial_scanned.connect(self.scan)
        self._serial = open_serial(ctx.app.settings, self.serial_scanned.emit)
        ctx.case_changed.connect(lambda _n: self.refresh_ready())
        self.refresh_ready()

    def _build_top(self) -> QHBoxLayout:
        """The code field, the photo button and the camera button."""
        self.scan_edit = QLineEdit()
        self.scan_edit.setObjectName("pickup_scan_edit")
        mark_lookup(self.scan_edit)  # Esc may leave with a code typed
        self.scan_edit.setPlaceholderText(
            self.tr("掃描條碼，或輸入領件碼（例如 0427-K7M3）後按 Enter")
        )
        self.scan_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.scan_edit.returnPressed.connect(lambda: self.scan(self.scan_edit.text()))
        photo = QPushButton(self.tr("辨識照片(&R)…"))
        photo.setObjectName("pickup_photo_button")
        photo.clicked.connect(self._pick_photo)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("領件碼")))
        top.addWidget(self.scan_edit, 1)
        top.addWidget(photo)
        top.addWidget(self._build_camera())
        return top

    def _build_ready_list(self) -> QWidget:
        """The camera preview over the list of cases ready here."""
        self.ready_table = QTableWidget(0, 5)
        self.ready_table.setObjectName("pickup_ready_table")
        self.ready_table.setHorizontalHeaderLabels(
            [
                self.tr("領件號碼"),
                self.tr("案號"),
                self.tr("申辦項目"),
                self.tr("申請人"),
                self.tr("應繳"),
            ]
        )
        header = self.ready_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.ready_table.verticalHeader().hide()
        self.ready_table.setWordWrap(False)
        self.ready_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        refresh = QPushButton(self.tr("重新整理(&E)"))
        refresh.clicked.connect(self.refresh_ready)
        left = QVBoxLayout()
        left.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        left.addWidget(QLabel(self.tr("本所待領件")))
        left.addWidget(self.ready_table, 1)
        left.addWidget(refresh)
        left_box = QWidget()
        left_box.setLayout(left)
        return left_box

    def _build_case_side(self) -> QWidget:
        """The message, the case scanned, the collector and the actions."""
        self.message_label = QLabel(self.tr("請掃描民眾手機上的領件條碼"))
        self.message_label.setObjectName("pickup_message")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("font-size: 16pt;")
        self.case_labels: dict[str, QLabel] = {}
        case_form = QFormLayout()
        for key, label in (
            ("case_number", self.tr("案號")),
            ("service_name", self.tr("申辦項目")),
            ("applicant", self.tr("申請人")),
            ("documents", self.tr("交付文件")),
            ("balance", self.tr("尚需繳費")),
        ):
            value = QLabel("")
            value.setObjectName(f"pickup_case_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.case_labels[key] = value
            case_form.addRow(label, value)
        case_box = QGroupBox(self.tr("案件"))
        case_box.setLayout(case_form)
        proxy_box = self._build_collector()
        buttons = self._build_actions()

        right = QVBoxLayout()
        right.addWidget(self.message_label)
        right.addWidget(case_box)
        right.addWidget(proxy_box)
        right.addLayout(buttons)
        right.addStretch(1)
        right_box = QWidget()
        right_box.setLayout(right)
        return right_box

    def _build_collector(self) -> QGroupBox:
        """由他人代領: the proxy's name, ID number and relation."""
        self.proxy_check = QCheckBox(self.tr("由他人代領"))
        self.proxy_check.setObjectName("pickup_proxy_check")
        self.proxy_name = QLineEdit()
        self.proxy_name.setObjectName("pickup_proxy_name")
        self.proxy_id = QLineEdit()
        self.proxy_id.setObjectName("pickup_proxy_id")
        self.proxy_id.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.proxy_relation = QLineEdit()
        self.proxy_relation.setObjectName("pickup_proxy_relation")
        proxy_form = QFormLayout()
        proxy_form.addRow(self.proxy_check)
        proxy_form.addRow(self.tr("代領人姓名"), self.proxy_name)
        proxy_form.addRow(self.tr("代領人身分證字號"), self.proxy_id)
        proxy_form.addRow(self.tr("與申請人關係"), self.proxy_relation)
        proxy_box = QGroupBox(self.tr("領件人"))
        proxy_box.setLayout(proxy_form)
        return proxy_box

    def _build_actions(self) -> QHBoxLayout:
        """確認交付 (and why it is disabled), the slip, the online look-up."""
        self.confirm_button = QPushButton(self.tr("確認交付(&D)"))
        self.confirm_button.setObjectName("pickup_confirm")
        self.confirm_button.setEnabled(False)
        self.confirm_button.setAutoDefault(True)  # Enter presses it once it has the focus
        self.confirm_button.clicked.connect(self.confirm)
        #: Why 確認交付 is disabled, beside it (fees due: the amount and F6).
        self.confirm_reason = QLabel("")
        self.confirm_reason.setObjectName("pickup_confirm_reason")
        self.confirm_reason.setStyleSheet("color: #b71c1c;")
        self.slip_button = QPushButton(self.tr("列印領件單(&S)"))
        self.slip_button.setObjectName("pickup_slip")
        self.slip_button.setEnabled(False)
        self.slip_button.clicked.connect(self.print_slip)
        self.online_button = QPushButton(self.tr("向縣府線上查詢(&L)"))
        self.online_button.setObjectName("pickup_online")
        self.online_button.hide()
        self.online_button.clicked.connect(self.look_up_online)
        buttons = QHBoxLayout()
        buttons.addWidget(self.online_button)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.confirm_reason)
        buttons.addWidget(self.slip_button)
        return buttons

    def _build_camera(self) -> QPushButton:
        """The camera button (F12, Alt+C) and the preview (hidden until the camera is on)."""
        self.camera_button = QPushButton(self.tr("相機掃描(&C) F12"))
        self.camera_button.setObjectName("pickup_camera_button")
        self.camera_button.setCheckable(True)
        self.camera_button.clicked.connect(
            lambda on: self.start_camera() if on else self.stop_camera()
        )
        shortcut = QShortcut(QKeySequence(CAMERA_SHORTCUT), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.toggle_camera)
        self.preview = QLabel()
        self.preview.setObjectName("pickup_camera_preview")
        self.preview.setFixedSize(*PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: #202020; color: #e0e0e0;")
        self.preview.hide()
        self.camera_scanned.connect(self._camera_code)
        self.camera_failed.connect(self._camera_failed)
        self.camera_ended.connect(self.stop_camera)
        self._frame_ready.connect(self._paint_frame)
        return self.camera_button

    # -- page hooks ---------------------------------------------------------------------------

    def _wedge_active(self) -> bool:
        # not while a supervisor types their account and password in the approval dialog
        return self.isVisible() and not isinstance(QApplication.activeModalWidget(), ApprovalDialog)

    def on_shown(self) -> None:
        self.refresh_ready()
        self.scan_edit.setFocus()
        if self.payload and self.result is not None and self.result.reason == pickup.FEES_DUE:
            self._verify(self.payload)  # back from the payment page (F6): check again

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

    # -- camera -------------------------------------------------------------------------------

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
        self.preview.setText(self.tr("相機開啟中…"))
        self.preview.setToolTip(self.tr("請民眾將手機條碼對準鏡頭"))
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

    def _camera_code(self, text: str) -> None:
        """A code off the camera: verified like a scan, unless the camera was turned off
        meanwhile, a handover is under way, or it is the code already on screen."""
        if not self.camera_on or self._handing_over:
            return
        if text.strip() == self.payload and (self.result is not None or self._verifying):
            return
        self.scan(text)

    def _camera_failed(self, error: CameraUnavailable) -> None:
        self.stop_camera()
        zh, en = scanners.camera_message(error, self.ctx.app.settings)
        self.message_label.setStyleSheet("font-size: 16pt; color: #b71c1c;")
        self.message_label.setText(self.ctx.pick(zh, en))

    # -- scanning -----------------------------------------------------------------------------

    def scan(self, text: str) -> None:
        payload = text.strip()
        if not payload:
            return
        self.scan_edit.clear()
        self.payload = payload
        self.confirm_button.setEnabled(False)
        self.slip_button.setEnabled(False)
        self._verify(payload)

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
        self.message_label.setStyleSheet(f"font-size: 16pt; color: {colour};")
        text = self.ctx.pick(result.message_zh, result.message_en)
        if result.case is not None and result.case.open_conflicts:
            text += "\n" + self.tr("注意：本案有縣府回報的同步衝突尚未處理，交付前請洽主管。")
        self.message_label.setText(text)
        self.online_button.setVisible(result.reason == pickup.NOT_SYNCED)
        view = result.case
        values = {k: "" for k in self.case_labels}
        if view is not None:
            values = {
                "case_number": view.case_number,
                "service_name": labels.service_name(self.ctx, view.service_code),
                "applicant": f"{view.applicant_name}　{view.applicant_id_masked}",
                "documents": self.tr("、").join(
                    self.tr("{name} {n} 份").format(
                        name=labels.document_name(self.ctx, view.service_code, d["name"]),
                        n=d["copies"],
                    )
                    for d in view.documents
                ),
                "balance": self.tr("{n} 元").format(n=f"{view.balance:,}")
                if view.balance
                else self.tr("無"),
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
            self.confirm_button.setFocus()  # Enter hands over: scan, then one key
        if view is not None:
            self.ctx.case_shown.emit(view.case_number)  # F6 takes this case's payment
        self.result_shown.emit(result)

    def _error(self, error: object) -> None:
        self._handing_over = False
        text = self.ctx.message(error) if isinstance(error, DomainError) else str(error)
        self.message_label.setStyleSheet("font-size: 16pt; color: #b71c1c;")
        self.message_label.setText(text)

    def look_up_online(self) -> None:
        self.online_button.setEnabled(False)
        self.message_label.setText(self.tr("向縣府查詢中…"))
        self.ctx.tasks.run(
            pickup.fetch_online,
            self.ctx.app,
            self.payload,
            on_done=self._online_done,
            on_error=self._error,
        )

    def _online_done(self, result: pickup.PickupResult) -> None:
        self.online_button.setEnabled(True)
        self._show(result)
        if result.case_number:
            self.refresh_ready()

    def collector(self) -> dict[str, Any] | None:
        if not self.proxy_check.isChecked():
            return None
        return {
            "name": self.proxy_name.text(),
            "id": self.proxy_id.text(),
            "relation": self.proxy_relation.text(),
        }

    def confirm(self) -> None:
        """Hands the documents of the case shown over; with fees still due a supervisor
        approves on this counter first (the approval dialog), or nothing is handed over."""
        result = self.result
        if result is None or not (result.ok or result.reason == pickup.FEES_DUE):
            return
        try:
            by = pickup.validate_collector(self.collector())
        except DomainError as e:
            self._error(e)
            return
        self.confirm_button.setEnabled(False)
        self._handing_over = True
        run_with_approval(
            self.ctx,
            self,
            handover_or_refuse,
            self.ctx.app,
            self.payload,
            None if by.get("self") else self.collector(),
            approvable={FEES_DUE: APPROVE_HANDOVER_WITH_BALANCE},
            on_done=self._handed_over,
            on_error=self._handover_refused,
        )

    def _handover_refused(self, error: object) -> None:
        self._error(error)
        result = self.result
        self.confirm_button.setEnabled(
            result is not None
            and (result.ok or result.reason == pickup.FEES_DUE)
            and not result.handed_over
        )

    def clear_collector(self) -> None:
        """Forgets the previous citizen's collector (proxy name, ID, relation)."""
        self.proxy_check.setChecked(False)
        for field in (self.proxy_name, self.proxy_id, self.proxy_relation):
            field.clear()

    def _handed_over(self, result: pickup.PickupResult) -> None:
        self._handing_over = False
        self._show(result)
        if result.handed_over and result.case_number:
            self.clear_collector()
            self.scan_edit.setFocus()  # ready for the next citizen's scan
            self.ctx.case_changed.emit(result.case_number)

    def print_slip(self, printer: QPrinter | None = None) -> None:
        """Archives the slip PDF (encrypted) in DATA_DIR/pickup-slips/ and prints it off the UI
        thread: on the configured printer silently, otherwise after the print dialog."""
        if self.result is None or not self.result.case_number:
            return
        app = self.ctx.app
        number = self.result.case_number

        def make_pdf() -> bytes:
            assert app.sealer is not None
            return app.sealer.read(Path(_write_slip(app, number)))

        print_document(
            self.ctx,
            make_pdf,
            parent=self,
            ask=not app.settings.printer_name,
            printer=printer,
            on_done=lambda pages: self.ctx.status_message.emit(
                _t("領件單已送印（{n} 頁）").format(n=pages)
            ),
            on_error=self._error,
        )

    # -- ready list ---------------------------------------------------------------------------

    def refresh_ready(self) -> None:
        self.ctx.tasks.run(pickup.ready_cases, self.ctx.app, on_done=self._fill_ready)

    def _fill_ready(self, rows: list[pickup.ReadyRow]) -> None:
        self.ready_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, value in enumerate(
                (
                    r.pickup_number,
                    r.case_number,
                    labels.service_name(self.ctx, r.service_code or r.service_name),
                    r.applicant_name_masked,
                    str(r.balance) if r.balance else "",
                )
            ):
                self.ready_table.setItem(i, j, QTableWidgetItem(value))


def frame_image(frame: Frame) -> QImage:
    """A camera frame (numpy, BGR or grey) as a QImage that owns its pixels."""
    height, width = frame.shape[:2]
    fmt = QImage.Format.Format_Grayscale8 if frame.ndim == 2 else QImage.Format.Format_BGR888
    image = QImage(frame.data, width, height, int(frame.strides[0]), fmt)
    return image.copy()


def handover_or_refuse(
    app: Any, payload: str, collected_by: dict[str, Any] | None, approval: Any = None
) -> pickup.PickupResult:
    """Worker: ``pickup.handover``; fees still due without an approval raise the ``fees_due``
    refusal (so the desk asks a supervisor), every other refusal stays a result."""
    result = pickup.handover(app, payload, collected_by, approval=approval)
    if result.reason == pickup.FEES_DUE and result.case is not None:
        raise fees_due_error(result.case.balance, PICKED_UP)
    return result


def _write_slip(app: Any, case_number: str) -> str:
    """Worker: renders the slip PDF into DATA_DIR/pickup-slips/, sealed with the office key (the
    print path picks it up)."""
    pdf = pickup.slip_pdf(app, case_number)
    folder = Path(app.settings.data_dir) / "pickup-slips"
    path = folder / f"{case_number}.pdf.sealed"
    app.sealer.write(path, pdf)
    return str(path)


def create_page(ctx: GuiContext) -> QWidget:
    return PickupDesk(ctx)
