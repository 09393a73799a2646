"""The case detail page's widgets, their layout, and the texts it shows for a case (the
deadline, the documents presented, the timeline's and notices' labels).

Apart from ``gui/case_detail.py`` (loading, the actions, attachments; ``CaseDetail`` is a
``CaseDetailView`` and re-exports these names) so what the clerk sees reads on its own. Widgets
are created in the order the Tab key walks them. The texts keep the translation context
``CaseDetail`` (``_t``), where the English file has them.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.gui import case_supplement, labels
from eservice_desktop.gui.accessible import SpokenLabel
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.flow_layout import FlowLayout
from eservice_desktop.gui.lookup_panel import LookupPanel
from eservice_desktop.gui.table_fit import ColumnFitter
from eservice_desktop.services import cases, notices


def format_moment(iso: str, zh: bool = True) -> str:
    """An event time as the clerk reads it: ROC date (ISO in English) and Taipei clock time."""
    local = datetime.fromisoformat(iso).astimezone(TAIPEI)
    day = format_roc(local.date(), "short") if zh else local.date().isoformat()
    return f"{day} {local:%H:%M:%S}"


def _t(text: str) -> str:
    return QCoreApplication.translate("CaseDetail", text)


class CaseDetailView(QWidget):
    """The page's widgets and texts; ``CaseDetail`` connects them to what they do."""

    ctx: GuiContext

    def _build_header(self) -> QFormLayout:
        self.number_label = QLabel(self)
        self.number_label.setObjectName("detail_number")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.number_label.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.number_label.setFont(font)
        self.service_label = QLabel(self)
        self.applicant_label = QLabel(self)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("detail_status")
        self.deadline_label = QLabel(self)
        self.deadline_label.setObjectName("detail_deadline")
        self.documents_label = QLabel(self)
        self.documents_label.setObjectName("detail_documents")
        self.documents_label.setWordWrap(True)
        #: What the citizen applied for: the service's own fields, typed at the counter or sent
        #: by the web portal or a kiosk (read before 收件). Plain text: a value is never markup.
        self.fields_label = QLabel(self)
        self.fields_label.setObjectName("detail_fields")
        self.fields_label.setWordWrap(True)
        self.fields_label.setTextFormat(Qt.TextFormat.PlainText)
        self.fields_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The case's own texts (a name or a reason typed anywhere, a web portal's included) are
        # shown as written: "<h1>王</h1>小明" was drawn as a heading 王 over 小明.
        for label in (
            self.service_label,
            self.applicant_label,
            self.status_label,
            self.deadline_label,
            self.documents_label,
        ):
            label.setTextFormat(Qt.TextFormat.PlainText)
            # a long English service name or due date wraps, never widening the page (432 px)
            label.setWordWrap(True)
        header = QFormLayout()
        header.addRow(_t("案號"), self.number_label)
        header.addRow(_t("申辦項目"), self.service_label)
        header.addRow(_t("申請內容"), self.fields_label)
        header.addRow(_t("申請人"), self.applicant_label)
        header.addRow(_t("狀態"), self.status_label)
        header.addRow(_t("處理期限"), self.deadline_label)
        header.addRow(_t("應備文件"), self.documents_label)
        return header

    def _build_timeline(self) -> QWidget:
        """The events, and under them the selected row's details in full: a long one (a reason
        typed by a clerk) is cut off in its column, and arrow keys reach every row."""
        box = QWidget(self)
        self.timeline = QTableWidget(0, 5, box)
        self.timeline.setObjectName("timeline")
        self.timeline.setAccessibleName(_t("案件歷程"))
        self.timeline.setHorizontalHeaderLabels(
            [_t("時間"), _t("事件"), _t("承辦人"), _t("機關"), _t("說明")]
        )
        self.timeline.verticalHeader().setVisible(False)
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # the row highlighted is the row whose details show under the table: with an extended
        # selection Ctrl+Home moved the cursor (the details) and left another row highlighted
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.timeline.horizontalHeader().setStretchLastSection(True)
        self.timeline.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.timeline_details = QLabel(box)
        self.timeline_details.setObjectName("timeline_details")
        self.timeline_details.setWordWrap(True)
        self.timeline_details.setTextFormat(Qt.TextFormat.PlainText)
        self.timeline.currentCellChanged.connect(self.show_timeline_details)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.timeline, 1)
        column.addWidget(self.timeline_details)
        return box

    def show_timeline_details(self) -> None:
        """The current timeline row's details (說明), whole and wrapped, under the table."""
        item = self.timeline.item(self.timeline.currentRow(), 4)
        text = item.text() if item is not None else ""
        colon = "：" if self.ctx.is_zh else ": "
        self.timeline_details.setText(f"{_t('說明')}{colon}{text}" if text else "")

    def _build_notices(self) -> QGroupBox:
        #: The citizen's notices and what became of them (reported by the county).
        self.notices: list[notices.Notice] = []
        notice_box = QGroupBox(_t("民眾通知"), self)
        self.notices_table = QTableWidget(0, 4, notice_box)
        self.notices_table.setObjectName("notices_table")
        self.notices_table.setHorizontalHeaderLabels(
            [_t("階段"), _t("管道"), _t("時間"), _t("結果")]
        )
        self.notices_table.verticalHeader().setVisible(False)
        self.notices_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.notices_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.notices_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # stage, channel and time whole ("Ready for …", "2026-12-03 …" were cut); the outcome
        # (a county's failure text may be long) takes what is left
        self.notices_fitter = ColumnFitter(self.notices_table, elastic=(3,))
        self.notices_table.setMaximumHeight(120)
        self.resend_button = QPushButton(_t("重送通知(&W)"), notice_box)
        self.resend_button.setObjectName("resend_button")
        self.resend_button.setToolTip(_t("請縣府再送一次所選的通知（下次同步送出）"))
        notice_row = QHBoxLayout(notice_box)
        notice_row.addWidget(self.notices_table, 1)
        notice_row.addWidget(self.resend_button, 0, Qt.AlignmentFlag.AlignTop)
        return notice_box

    def _reason_typed(self, text: str) -> None:
        """請先輸入理由 goes once a reason is typed: it stayed under the buttons beside the
        question that quoted the reason, as if the reason were still missing."""
        if text.strip() and self.error_label.text() == _t("請先輸入理由"):
            self.error_label.clear()

    def _build_actions(self) -> QGroupBox:
        actions = QGroupBox(_t("處理"), self)
        #: 收件 of a web or kiosk case that sync brought here (Alt+A); the legal clock runs
        #: from the citizen's submission (docs/channels.md). On a row of its own, first: beside
        #: the other actions the English row was wider than the page at 1024 px.
        self.accept_button = QPushButton(_t("線上收件(&A)"), actions)
        self.accept_button.setObjectName("accept_button")
        self.reason_edit = QLineEdit(actions)
        self.reason_edit.setObjectName("reason_edit")
        self.reason_edit.setPlaceholderText(_t("補正、駁回或撤件的理由（補正、駁回會通知民眾）"))
        reason_label = QLabel(_t("理由(&R)"), actions)
        reason_label.setBuddy(self.reason_edit)
        self.supplement_button = QPushButton(_t("通知補正(&S)"), actions)
        self.supplement_button.setObjectName("supplement_button")
        self.received_button = QPushButton(_t("補正完成(&D)"), actions)
        self.received_button.setObjectName("received_button")
        self.close_button = QPushButton(_t("結案(&C)"), actions)
        self.close_button.setObjectName("close_button")
        self.reject_button = QPushButton(_t("駁回(&J)"), actions)
        self.reject_button.setObjectName("reject_button")
        self.cancel_button = QPushButton(_t("撤件(&N)"), actions)
        self.cancel_button.setObjectName("cancel_button")
        #: A case closed by mistake, before the county made it ready (gui/case_end.reopen).
        self.reopen_button = QPushButton(_t("重新開啟(&O)"), actions)
        self.reopen_button.setObjectName("reopen_button")
        #: Why 結案 needs a supervisor, under the buttons (fees still due: the amount and the
        #: way to pay); beside 結案 it held the row 487 px wide, past half a screen.
        self.close_reason = QLabel(actions)
        self.close_reason.setObjectName("close_reason")
        self.close_reason.setStyleSheet("color: #b00020;")
        self.close_reason.setWordWrap(True)  # long in English: wraps, never widens the page
        self.error_label = SpokenLabel("", actions, assertive=True)
        self.error_label.setObjectName("detail_error")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.reason_edit.textEdited.connect(self._reason_typed)
        row = QHBoxLayout()
        row.addWidget(reason_label)
        row.addWidget(self.reason_edit, 1)
        buttons = FlowLayout()  # wraps on a narrow page
        for b in (
            self.supplement_button,
            self.received_button,
            self.close_button,
            self.reject_button,
            self.cancel_button,
            self.reopen_button,
        ):
            buttons.addWidget(b)
        box = self.actions_box = QVBoxLayout(actions)
        accept_row = QHBoxLayout()
        accept_row.addWidget(self.accept_button)
        accept_row.addStretch(1)
        box.addLayout(accept_row)
        box.addLayout(row)
        box.addLayout(buttons)
        box.addWidget(self.close_reason)
        box.addWidget(self.error_label)
        return actions

    def _build_files(self) -> QGroupBox:
        files = QGroupBox(_t("附件（可將檔案拖放至此）"), self)
        self.attachments = QTableWidget(0, 5, files)
        self.attachments.setObjectName("attachments")
        self.attachments.setHorizontalHeaderLabels(
            [
                _t("檔名"),
                _t("類型"),
                _t("大小"),
                _t("附加時間"),
                _t("上傳"),
            ]
        )
        self.attachments.verticalHeader().setVisible(False)
        self.attachments.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attachments.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # kind, size, time and upload state whole; a long file name gives way (tooltip)
        self.attachments_fitter = ColumnFitter(self.attachments, elastic=(0,))
        self.attachments.setMaximumHeight(140)
        self.attach_button = QPushButton(_t("附加檔案(&E)…"), files)
        self.attach_button.setObjectName("attach_button")
        self.attach_button.setToolTip(_t("PNG、JPEG 圖檔或 PDF（Ctrl+Shift+A）"))
        self.attach_shortcut = QShortcut(QKeySequence("Ctrl+Shift+A"), self)
        self.attach_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.attach_shortcut.setWhatsThis(self.attach_button.text())  # F1 lists it
        self.attach_message = SpokenLabel("", files, assertive=True)
        self.attach_message.setObjectName("attach_message")
        self.attach_message.setWordWrap(True)
        file_row = QHBoxLayout()
        file_row.addWidget(self.attach_button)
        file_row.addWidget(self.attach_message, 1)
        file_box = QVBoxLayout(files)
        file_box.addWidget(self.attachments)
        file_box.addLayout(file_row)
        #: 免書證查詢 (Alt+L, Ctrl+Shift+D): the county answers, the result is attached here.
        self.lookup = LookupPanel(self.ctx, files, shortcut_parent=self)
        file_box.addWidget(self.lookup)
        return files

    # -- texts -----------------------------------------------------------------------------

    def _documents_text(self, view: cases.CaseView) -> str:
        """The required documents ticked at intake: "已收 2／4：✔ 甲、✔ 乙、✘ 丙、✘ 丁"."""
        if not view.documents_required:
            return _t("（收件時未記錄）")
        lang = self.ctx.lang
        try:
            service = self.ctx.app.catalogue.service(view.service_code)
        except DomainError:
            service = None

        def name(doc: str) -> str:
            return service.document_name(doc, lang) if service is not None else doc

        presented = set(view.documents_presented)
        marks = ("、" if self.ctx.is_zh else ", ").join(
            f"{'✔' if d in presented else '✘'} {name(d)}" for d in view.documents_required
        )
        head = _t("已收 {n}／{total}").format(
            n=len(presented & set(view.documents_required)), total=len(view.documents_required)
        )
        return f"{head}：{marks}" if self.ctx.is_zh else f"{head}: {marks}"

    def _fields_text(self, view: cases.CaseView) -> str:
        """The service's fields of the case, in the catalogue's order, each with its label:
        "戶籍地址：桃園市…；謄本種類：全戶" (a choice in the window's language, a date as the
        window writes dates); a key the catalogue no longer has is shown by its name."""
        try:
            specs = {f.key: f for f in self.ctx.app.catalogue.service(view.service_code).fields}
        except DomainError:
            specs = {}
        zh = self.ctx.is_zh
        given = {k: v for k, v in view.fields.items() if v not in (None, "")}
        keys = [k for k in specs if k in given] + [k for k in given if k not in specs]
        parts = []
        for key in keys:
            text, spec = str(given[key]), specs.get(key)
            if spec is not None and spec.type == "choice":
                text = spec.choice_label(text, self.ctx.lang)
            elif spec is not None and spec.type == "date":
                # one stored before dates had a range may have no ROC year: shown as stored
                with contextlib.suppress(ValueError, DomainError):
                    text = format_roc(date.fromisoformat(text), "long") if zh else text
            label = self.ctx.pick(spec.label, spec.label_en) if spec is not None else key
            parts.append(f"{label}：{text}" if zh else f"{label}: {text}")
        return ("；" if zh else "; ").join(parts) or "—"

    def _service_name(self, code: str) -> str:
        return labels.service_name(self.ctx, code)

    def _quantity(self, code: str, copies: int) -> str:
        return labels.quantity(self.ctx, copies, labels.fee_unit(self.ctx, code))

    def _status_en(self, view: cases.CaseView) -> str:
        from eservice_desktop.domain.case import STATUS_LABELS

        return STATUS_LABELS.get(view.status, (view.status, view.status))[1]

    def ask_supplement(self, view: cases.CaseView, reason: str) -> case_supplement.Asked | None:
        """The day to supply by and the documents of 通知補正 (``gui/case_supplement.py``;
        tests may answer instead)."""
        return case_supplement.ask(self.ctx, self, view, reason)

    def _supply_by_text(self, view: cases.CaseView) -> str:
        """The day the citizen was given to bring the supplement, and whether it is over."""
        if not view.supplement_by:
            return ""
        by = date.fromisoformat(view.supplement_by)
        roc = format_roc(by, "long") if self.ctx.is_zh else by.isoformat()
        if view.supplement_overdue:
            return _t("，補件期限 {by} 已過").format(by=roc)
        return _t("，請於 {by} 前補件").format(by=roc)

    def _unpaid_text(self, view: cases.CaseView) -> str:
        """A fee unpaid longer than the office allows (``payment_due_days``): for how long."""
        if not view.payment_overdue:
            return ""
        return _t("，待繳逾 {days} 工作天").format(days=view.payment_waited_days)

    def _deadline_text(self, view: cases.CaseView) -> str:
        if view.status == "supplement_requested":
            text = _t("補正中，期限暫停（{reason}）").format(reason=view.supplement_reason)
            return text + self._supply_by_text(view)
        if view.due is None:
            return _t("期限暫停") + self._unpaid_text(view)
        due = date.fromisoformat(view.due)
        roc = format_roc(due, "long") if self.ctx.is_zh else due.isoformat()
        if view.deadline_status == "finished":
            text = _t("到期日 {due}（已辦結）").format(due=roc)
        elif view.deadline_status == "overdue":
            text = _t("到期日 {due}（已逾期）").format(due=roc)
        else:
            n = view.working_days_left or 0  # %n: Qt's plural forms (1 working day, 2 working days)
            text = QCoreApplication.translate(
                "CaseDetail", "到期日 {due}（剩 %n 個工作天）", None, n
            ).format(due=roc)
        if view.provisional:
            # No official working calendar for a year the count crosses: a guess from weekends.
            text += _t("　暫定（{year} 年辦公日曆尚未匯入）").format(year=self._roc_year(due.year))
        return text

    def _roc_year(self, year: int) -> str:
        return str(year - 1911) if self.ctx.is_zh else str(year)
