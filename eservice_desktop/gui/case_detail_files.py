"""The case detail page's attachments (附件): a file chosen with 附加檔案 (Alt+E, Ctrl+Shift+A)
or dropped onto the page is checked, sealed and queued for upload by
``services.case_attachments`` on the task runner; the list shows each file as waiting (待上傳)
or uploaded (已上傳) and reloads after every sync round and after a document-free look-up
stored its result on the case.

A layer of ``CaseDetail`` (over ``CaseDetailView``). The texts keep the translation context
``CaseDetail``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QTableWidgetItem

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.case_detail_view import CaseDetailView, format_moment
from eservice_desktop.services import case_attachments, cases


def _t(text: str) -> str:
    return QCoreApplication.translate("CaseDetail", text)


class CaseDetailFiles(CaseDetailView):
    """The attachments of the case shown."""

    #: The case shown (None before the first load), and the number asked for.
    view: cases.CaseView | None
    case_number: str
    #: The file the attach message says waits for its upload (its sha256), until the list
    #: shows it uploaded: the message then says so ("waiting" stayed beside 已上傳).
    waiting_upload: str = ""

    def shown_number(self) -> str:
        """The case on screen, "" while another one asked for is loading: what every action
        and dropped file acts on."""
        v = self.view
        return v.case_number if v is not None and v.case_number == self.case_number else ""

    def files_follow(self, case_number: str) -> None:
        """Another case is asked for: the files and the attach message of the one shown so far
        go (they stayed under the next citizen's case until a sync round)."""
        if case_number != self.case_number:
            self.attachments.setRowCount(0)
            self.attach_message.clear()
            self.waiting_upload = ""

    def load_attachments(self) -> None:
        number = self.case_number
        if not number:
            return

        def done(items: list[case_attachments.AttachmentView]) -> None:
            if number == self.case_number:
                self._show_attachments(items)

        self.ctx.tasks.run(
            case_attachments.list_attachments,
            self.ctx.app,
            number,
            on_done=done,
            on_error=lambda _e: None,  # the case itself reports a missing case
        )

    def _lookup_done(self, number: str) -> None:
        """A look-up stored its result on ``number``: the case (timeline) and its attachments
        show it; the sync loop hears of the local work."""
        if number == self.case_number:
            self.load_attachments()
        self.ctx.case_changed.emit(number)

    def _show_attachments(self, items: list[case_attachments.AttachmentView]) -> None:
        zh = self.ctx.is_zh
        self.attachments.setRowCount(len(items))
        for i, a in enumerate(items):
            cells = (
                a.name,
                a.kind,
                _size_text(a.size),
                format_moment(a.attached_at.isoformat(), zh),
                _t("已上傳") if a.uploaded else _t("待上傳"),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text if col == 0 else "")  # a long name is elided on screen
                self.attachments.setItem(i, col, item)
            if a.uploaded and a.sha256 == self.waiting_upload:
                self.waiting_upload = ""
                self.attach_message.setText(_t("已附加 {name}（已上傳）").format(name=a.name))

    def attachment_rows(self) -> list[list[str]]:
        """The attachment list as shown (tests and screen readers)."""
        t = self.attachments
        return [
            [(it.text() if (it := t.item(r, c)) else "") for c in range(t.columnCount())]
            for r in range(t.rowCount())
        ]

    def choose_file(self) -> None:
        number = self.shown_number()  # the case on screen when the clerk asked
        if not number:
            return
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _t("附加檔案至案件 {n}").format(n=number),
            "",
            _t("圖檔或 PDF (*.png *.jpg *.jpeg *.pdf);;所有檔案 (*)"),
        )
        if path:
            self.attach(number, Path(path))

    def attach(self, number: str, path: Path) -> None:
        """Attaches ``path`` to case ``number`` off the UI thread."""
        self.attach_message.setStyleSheet("")
        self.attach_message.setText(_t("附加中：{name}").format(name=path.name))
        self.waiting_upload = ""

        def done(att: case_attachments.AttachmentView) -> None:
            text = _t("已附加 {name}（待同步上傳）").format(name=att.name)
            if number == self.case_number:
                self.attach_message.setText(text)
                self.waiting_upload = att.sha256
                self.load_attachments()
            # local work: the sync loop is poked and uploads the file without waiting its turn
            self.ctx.case_changed.emit(number)
            self.ctx.status_message.emit(_t("案件 {n}：{text}").format(n=number, text=text))

        def failed(error: object) -> None:
            if not isinstance(error, DomainError):
                self.ctx.tasks._unhandled(error)
            text = self.ctx.message(error) if isinstance(error, DomainError) else ""
            if number != self.case_number:  # the clerk moved on: said with its case, not under
                if text:  # another citizen's files (an unexpected error is said already)
                    self.ctx.status_message.emit(_t("案件 {n}：{text}").format(n=number, text=text))
                return
            self.attach_message.setStyleSheet("color: #b00020;")
            self.attach_message.setText(text or _t("發生錯誤，請洽資訊人員"))

        self.ctx.tasks.run(
            case_attachments.attach_file, self.ctx.app, number, path, on_done=done, on_error=failed
        )

    @staticmethod
    def _dropped_files(event: QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self.shown_number() and self._dropped_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self.shown_number() and self._dropped_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        files = self._dropped_files(event)
        number = self.shown_number()
        if not number or not files:
            event.ignore()
            return
        event.acceptProposedAction()
        for path in files:
            self.attach(number, path)


def _size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1048576:.1f} MB"
