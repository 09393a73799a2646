"""The pickup desk's widgets and their layout: the code field with the photo and camera
buttons, the camera preview over the list of cases ready here, and the case side (case,
collector, the verdict and the actions under it), in the order the Tab key walks them.

Apart from ``gui/pickup_desk.py`` (scanning, verifying; the camera in ``pickup_camera``, the
handover in ``pickup_handover``; ``PickupDesk`` is a ``PickupView``) so the construction reads
on its own. The texts keep the translation context
``PickupDesk`` (``_t``), where the English file has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.ids import mask_name
from eservice_desktop.domain.unpaid import FEES_DUE
from eservice_desktop.gui.keyboard import keys_as_typed, mark_lookup, show_with
from eservice_desktop.gui.table_fit import ColumnFitter
from eservice_desktop.gui.wrapped_label import WrappedLabel

if TYPE_CHECKING:
    from eservice_desktop.services import pickup

#: Turns the desk's camera mode on and off (the button's Alt+C does too).
CAMERA_SHORTCUT = "F12"
PREVIEW_SIZE = (400, 300)


def _t(text: str) -> str:
    return QCoreApplication.translate("PickupDesk", text)


class VerdictLabel(WrappedLabel):
    """The desk's verdict, in large type for a glance; a verdict that would take more than
    :data:`BIG_LINES` lines in it is set smaller. Five lines of 16 pt (the English 「Case … is
    ready here for ID …: check the ID card's photo against the person, then hand over.」)
    made the page 22 px taller than the window's 1024×768 leaves it: it scrolled, 重新整理
    cut under the list. ``show_colour`` sets the colour (green: hand over; red: refused)."""

    BIG_PT, SMALL_PT, BIG_LINES = 16, 13, 3

    def __init__(self, text: str = "", *, spoken: bool = False) -> None:
        super().__init__(text, spoken=spoken)
        self._colour = ""
        self._pt = self.BIG_PT
        self._style()

    def show_colour(self, colour: str) -> None:
        self._colour = colour
        self._style()

    def point_size(self) -> int:
        return self._pt

    def _style(self) -> None:
        css = f"font-size: {self._pt}pt;" + (f" color: {self._colour};" if self._colour else "")
        if css != self.styleSheet():
            self.setStyleSheet(css)

    def _lines_at(self, points: int) -> int:
        font = QFont(self.font())
        font.setPointSize(points)
        metrics = QFontMetrics(font)
        flags = int(Qt.TextFlag.TextWordWrap)
        box = metrics.boundingRect(QRect(0, 0, self.width(), 1 << 20), flags, self.text())
        return round(box.height() / max(1, metrics.lineSpacing()))

    def _hold_lines(self) -> None:
        if self.width() > 0 and hasattr(self, "_pt"):
            big = self._lines_at(self.BIG_PT) <= self.BIG_LINES
            points = self.BIG_PT if big else self.SMALL_PT
            if points != self._pt:
                self._pt = points
                self._style()
        super()._hold_lines()


class PickupView(QWidget):
    """The desk's widgets; ``PickupDesk`` connects them to what they do."""

    def _build_top(self) -> QHBoxLayout:
        """The code field, the photo button and the camera button."""
        self.scan_edit = QLineEdit()
        self.scan_edit.setObjectName("pickup_scan_edit")
        mark_lookup(self.scan_edit)  # Esc may leave with a code typed
        self.scan_edit.setPlaceholderText(_t("掃描條碼，或輸入領件碼（例如 0427-K7M3）後按 Enter"))
        keys_as_typed(self.scan_edit)
        self.photo_button = QPushButton(_t("辨識照片(&R)…"))
        self.photo_button.setObjectName("pickup_photo_button")
        top = QHBoxLayout()
        code_label = QLabel(_t("領件碼"))
        code_label.setBuddy(self.scan_edit)  # names the field for a screen reader
        top.addWidget(code_label)
        top.addWidget(self.scan_edit, 1)
        top.addWidget(self.photo_button)
        top.addWidget(self._build_camera())
        return top

    def _build_ready_list(self) -> QWidget:
        """The camera preview over the list of cases ready here."""
        self.ready_table = QTableWidget(0, 5)
        self.ready_table.setObjectName("pickup_ready_table")
        self.ready_table.setHorizontalHeaderLabels(
            [
                _t("領件號碼"),
                _t("案號"),
                _t("申辦項目"),
                _t("申請人"),
                _t("應繳"),
            ]
        )
        # On a narrow screen (1024 px with the identity panel) the columns fit the list and the
        # service name, the one long text, wraps onto a second line and no further (an English
        # name took five): the rest is elided, the whole name in its tooltip.
        # The case number stays whole, and the list keeps room for every header and the case
        # numbers beside the case side (which took all but 150 px of it in English at 1024).
        # So does an applicant's name of up to four characters (at its header's width, at
        # half a screen, every name wrapped after its second character). Short of room for
        # that (English at 683 px) a header of several words goes onto two lines.
        name_room = self.fontMetrics().horizontalAdvance("國" * 4) + 16
        self.ready_fitter = ColumnFitter(
            self.ready_table,
            elastic=(2,),
            keep={3: name_room},
            whole=(1,),
            hold_least=True,
            fold_headers=True,
        )
        rows = self.ready_table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        rows.setMaximumSectionSize(2 * self.fontMetrics().lineSpacing() + 10)
        self.ready_table.setWordWrap(True)
        self.ready_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.ready_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.refresh_button = QPushButton(_t("重新整理(&E)"))
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 3, 0)  # in line with the code field; the page has margins
        left.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        # says how many wait when the list shows only the oldest of them
        self.ready_label = QLabel(_t("本所待領件"))
        self.ready_label.setWordWrap(True)
        self.ready_label.setBuddy(self.ready_table)  # names the list for a screen reader
        left.addWidget(self.ready_label)
        left.addWidget(self.ready_table, 1)
        left.addWidget(self.refresh_button)
        left_box = QWidget()
        left_box.setLayout(left)
        return left_box

    def _build_case_side(self) -> QWidget:
        """The message, the case scanned, the collector and the actions."""
        self.message_label = VerdictLabel(_t("請掃描民眾手機上的領件條碼"), spoken=True)
        self.message_label.setObjectName("pickup_message")
        self.case_labels: dict[str, QLabel] = {}
        case_form = QFormLayout()
        # Long values wrap: an English service name kept the case side as wide as itself and
        # left the ready list 150 px at 1024.
        for key, label in (
            ("case_number", _t("案號")),
            ("service_name", _t("申辦項目")),
            ("applicant", _t("申請人")),
            ("documents", _t("交付文件")),
            ("balance", _t("尚需繳費")),
        ):
            # the case number stays on one line (it would break at its dashes)
            value = QLabel("") if key == "case_number" else WrappedLabel()
            value.setObjectName(f"pickup_case_{key}")
            # data, never markup: a web applicant named "<h1>王</h1>小明" was drawn as a heading
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.case_labels[key] = value
            case_form.addRow(label, value)
        case_box = QGroupBox(_t("案件"))
        case_box.setLayout(case_form)
        proxy_box = self._build_collector()
        buttons = self._build_actions()

        # The verdict stands just above 確認交付, which takes the focus after a scan, and shows
        # with it: at 200 % (a view 294 px high) the case and the collector between them put
        # the verdict out of sight as the page scrolled to the button.
        show_with(self.confirm_button, self.message_label)
        right = QVBoxLayout()
        right.setContentsMargins(3, 0, 0, 0)
        right.addWidget(case_box)
        right.addWidget(proxy_box)
        right.addWidget(self.message_label)
        right.addLayout(buttons)
        right.addStretch(1)
        right_box = QWidget()
        right_box.setLayout(right)
        return right_box

    def _build_collector(self) -> QGroupBox:
        """由他人代領: the proxy's name, ID number and relation."""
        self.proxy_check = QCheckBox(_t("由他人代領"))
        self.proxy_check.setObjectName("pickup_proxy_check")
        self.proxy_name = QLineEdit()
        self.proxy_name.setObjectName("pickup_proxy_name")
        self.proxy_id = QLineEdit()
        self.proxy_id.setObjectName("pickup_proxy_id")
        keys_as_typed(self.proxy_id)
        self.proxy_relation = QLineEdit()
        self.proxy_relation.setObjectName("pickup_proxy_relation")
        # A whole ID number stays in view while it is typed (the fields were 70 px at 1024).
        least = self.fontMetrics().horizontalAdvance("M123456789") + 16
        for field in (self.proxy_name, self.proxy_id, self.proxy_relation):
            field.setMinimumWidth(least)
        proxy_form = QFormLayout()
        proxy_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        proxy_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        proxy_form.addRow(self.proxy_check)
        proxy_form.addRow(_t("代領人姓名"), self.proxy_name)
        proxy_form.addRow(_t("代領人身分證字號"), self.proxy_id)
        proxy_form.addRow(_t("與申請人關係"), self.proxy_relation)
        proxy_box = QGroupBox(_t("領件人"))
        proxy_box.setLayout(proxy_form)
        return proxy_box

    def _build_actions(self) -> QVBoxLayout:
        """確認交付 (and why it is disabled), the slip, the online look-up."""
        self.confirm_button = QPushButton(_t("確認交付(&D)"))
        self.confirm_button.setObjectName("pickup_confirm")
        self.confirm_button.setEnabled(False)
        self.confirm_button.setAutoDefault(True)  # Enter presses it once it has the focus
        #: Why 確認交付 is disabled, under it (fees due: the amount and F6), wrapped: beside it,
        #: the English sentence widened the case side past the window.
        self.confirm_reason = WrappedLabel()
        self.confirm_reason.setObjectName("pickup_confirm_reason")
        self.confirm_reason.setStyleSheet("color: #b71c1c;")
        self.slip_button = QPushButton(_t("列印領件單(&S)"))
        self.slip_button.setObjectName("pickup_slip")
        self.slip_button.setEnabled(False)
        self.online_button = QPushButton(_t("向縣府線上查詢(&L)"))
        self.online_button.setObjectName("pickup_online")
        self.online_button.hide()
        # 向縣府線上查詢 (a code the county has not synced here) has a row of its own above:
        # beside the other two the row was wider than the case side at 1024 px
        row = QHBoxLayout()
        row.addWidget(self.confirm_button)
        row.addWidget(self.slip_button)
        row.addStretch(1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.online_button, 0, Qt.AlignmentFlag.AlignLeft)
        buttons.addLayout(row)
        buttons.addWidget(self.confirm_reason)
        return buttons

    def desk_buttons(self) -> tuple[QPushButton, ...]:
        """The buttons whose typed keys go to the code field (``TypingToField``). Not 確認交付
        alone: 相機掃描 keeps the focus after Alt+C, also when the camera fails and the message
        says to type the code, and a short code typed there was dropped, its Enter lost."""
        return (
            self.confirm_button,
            self.slip_button,
            self.online_button,
            self.photo_button,
            self.camera_button,
            self.refresh_button,
        )

    def _build_camera(self) -> QPushButton:
        """The camera button (F12, Alt+C) and the preview (hidden until the camera is on)."""
        self.camera_button = QPushButton(_t("相機掃描(&C) F12"))
        self.camera_button.setObjectName("pickup_camera_button")
        self.camera_button.setCheckable(True)
        self.camera_shortcut = QShortcut(QKeySequence(CAMERA_SHORTCUT), self)
        self.camera_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.preview = QLabel()
        self.preview.setObjectName("pickup_camera_preview")
        self.preview.setFixedSize(*PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: #202020; color: #e0e0e0;")
        self.preview.hide()
        return self.camera_button


def name_shown(result: pickup.PickupResult) -> str:
    """The applicant's name in full while their documents are being checked (a code that can
    be handed over, or waits for its fee), masked (王○明) once they are handed over: the desk
    kept it in full until the next scan, read by the next citizen in the queue at the counter
    (列印領件單 still acts on the case). Masked too for a code refused otherwise: an old code
    the clerk replaced because the MMS went to someone else, or one replayed after the
    handover, showed the applicant's full name across the counter to whoever held it."""
    view = result.case
    if view is None:
        return ""
    checking = not result.handed_over and (result.ok or result.reason == FEES_DUE)
    return view.applicant_name if checking else mask_name(view.applicant_name)
