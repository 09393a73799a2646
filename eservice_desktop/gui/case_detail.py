"""Case detail (案件明細): header, deadline with the working days left, the event timeline, and
this issue's actions — request supplement, record supplement, close, reject, cancel — and the
case's attachments (附件): a file chosen with 附加檔案 (Alt+E, Ctrl+Shift+A) or dropped onto the
page is checked, sealed and queued for upload by ``services.case_attachments`` on the task
runner; the list shows each file as waiting (待上傳) or uploaded (已上傳) and reloads after every
sync round (``gui/case_detail_files.py``). 免書證查詢 (Alt+L, Ctrl+Shift+D; gui/lookup_panel.py)
asks the county for a document with the citizen's consent and lists the signed result with the
attachments.

Reads and writes go through ``services.cases`` on the task runner (each is milliseconds, but a
disk under load must not freeze the counter). After a write the page reloads the case and
announces ``ctx.case_changed`` so the queue updates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui import case_end, case_notices, case_supplement, case_timeline
from eservice_desktop.gui.approval import run_with_approval
from eservice_desktop.gui.case_detail_files import CaseDetailFiles
from eservice_desktop.gui.case_phone import PhoneRow
from eservice_desktop.gui.case_rounds import CaseRoundWatch
from eservice_desktop.gui.context import GuiContext, ScreenCase
from eservice_desktop.gui.keyboard import bring_into_view
from eservice_desktop.services import cases, notices


def _case_and_notices(app: Any, number: str) -> tuple[cases.CaseView, list[notices.Notice], int]:
    view = cases.show_case(app, number)
    return view, notices.of_case(app, view.case_number), cases.revision(app, view.case_id)


class CaseDetail(CaseDetailFiles):
    """What the case detail page does; its widgets and texts are ``CaseDetailView``'s, its
    attachments ``CaseDetailFiles``'."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: cases.CaseView | None = None
        self._revision = 0  # the case's events as read with the view (cases.revision)
        self.case_number = ""
        #: A write is on its way (until the case is shown again after it, or it is refused).
        self._writing = False
        self._write_landed = False
        #: Reasons typed for other cases and not sent, put aside until that case is back.
        self._reasons: dict[str, str] = {}
        self._picked = ""  # the notice selected when the case shown is read again
        self._timeline_shown: case_timeline.Shown | None = None

        # Built in the order they stand, top to bottom, which is the order Tab takes: the
        # attachments, built last, were reached after 撤件 at the page's foot.
        header = self._build_header()
        timeline = self._build_timeline()
        files = self._build_files()
        notice_box = self._build_notices()
        actions = self._build_actions()
        # at the foot: 理由, the buttons and their message stay together in sight
        self.phone_row = PhoneRow(self, ctx, actions)
        self.actions_box.addWidget(self.phone_row)
        self.setAcceptDrops(True)
        self._connect()

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(timeline, 1)
        layout.addWidget(files)
        layout.addWidget(notice_box)
        layout.addWidget(actions)
        self._set_enabled()
        ctx.case_changed.connect(self._case_changed)
        ctx.sync_round_done.connect(self.load_attachments)
        CaseRoundWatch(self, ctx, self._shown_revision, lambda: self.load(self.case_number))
        case_notices.PendingNotices(self, self, ctx)

    def _connect(self) -> None:
        """What the buttons, the notice list and the lookup panel do (Ctrl+Shift+A attaches)."""
        self.notices_table.itemSelectionChanged.connect(self._set_enabled)
        self.resend_button.clicked.connect(self.resend_notice)
        self.accept_button.clicked.connect(self.accept_case)
        self.supplement_button.clicked.connect(self.request_supplement)
        self.received_button.clicked.connect(self.record_supplement)
        self.close_button.clicked.connect(self.close_case)
        self.reject_button.clicked.connect(self.reject_case)
        self.cancel_button.clicked.connect(self.cancel_case)
        self.reopen_button.clicked.connect(lambda: case_end.reopen(self))
        self.attach_button.clicked.connect(self.choose_file)
        self.attach_shortcut.activated.connect(self.choose_file)
        self.lookup.done.connect(self._lookup_done)

    def _shown_revision(self) -> tuple[str, int] | None:
        """The case on screen and its events as read (gui/case_rounds.py)."""
        v = self.view
        return (
            None if v is None or v.case_number != self.case_number else (v.case_id, self._revision)
        )

    def _case_changed(self, case_number: str) -> None:
        """Any page wrote to the case shown here (a payment, a pickup ...): show it again."""
        if self.case_number and case_number in (self.case_number, ""):
            self.load(self.case_number)

    # -- loading -----------------------------------------------------------------------------

    def on_shown(self) -> None:
        self.timeline.setFocus()

    def shown_case(self) -> ScreenCase | None:
        v = self.view
        if v is None or v.case_number != self.case_number:
            return None
        return ScreenCase(v.case_number, v.applicant_name, v.applicant_id)

    def load(self, case_number: str) -> None:
        self._swap_reason(case_number)
        self.phone_row.follow(case_number)
        self.files_follow(case_number)
        self.case_number = case_number
        self.error_label.clear()
        picked = self.selected_notice() if case_number == self.case_number else None
        self._picked = picked.notification_id if picked else ""  # read again: kept selected
        self.show_notices([])  # never the notices of the case shown before
        if self.view is None or self.view.case_number != case_number:
            self.lookup.show_case(None)  # no look-up until this case is on screen
            self._set_enabled()  # nor any other action: the case on screen is not the one asked
        self.ctx.screen_case_changed.emit()
        self.ctx.tasks.run(
            _case_and_notices,
            self.ctx.app,
            case_number,
            on_done=self._show_all,
            on_error=self._error,
        )
        self.load_attachments()

    def _swap_reason(self, case_number: str) -> None:
        """The reason field follows the case: what was typed for the case shown so far waits
        for it, and ``case_number`` gets its own (empty at first). Left in the field, one
        citizen's 補正事項 went out to the next with Alt+S."""
        if case_number == self.case_number:
            return
        if self.case_number and self.reason_edit.text().strip():
            self._reasons[self.case_number] = self.reason_edit.text()
        self.reason_edit.setText(self._reasons.pop(case_number, ""))

    def _show_all(self, result: tuple[cases.CaseView, list[notices.Notice], int]) -> None:
        view, sent, revision = result
        if view.case_number != self.case_number:
            return
        self._revision = revision
        self.show_notices(sent)
        self._show(view)

    def show_notices(self, sent: list[notices.Notice]) -> None:
        self.notices = list(sent)
        case_notices.fill(self.notices_table, self.notices, zh=self.ctx.is_zh, keep=self._picked)
        self._set_enabled()

    def selected_notice(self) -> notices.Notice | None:
        rows = self.notices_table.selectionModel().selectedRows()
        if not rows or self.view is None or self.view.case_number != self.case_number:
            return None
        index = rows[0].row()
        return self.notices[index] if 0 <= index < len(self.notices) else None

    def resend_notice(self) -> None:
        """Asks the county to send the selected notice again (acts on the case on screen)."""
        notice = self.selected_notice()
        if notice is None or not self.case_number:
            return
        self.error_label.clear()
        number = self.case_number

        def done(_sent: list[notices.Notice]) -> None:
            self.ctx.status_message.emit(self.tr("已要求縣府重送通知（案件 {n}）").format(n=number))
            self.ctx.case_changed.emit(number)

        self.ctx.tasks.run(
            notices.request_resend,
            self.ctx.app,
            number,
            notice.stage,
            on_done=done,
            on_error=self._error,
        )

    def _show(self, view: cases.CaseView) -> None:
        if view.case_number != self.case_number:
            return
        self.view = view
        self.ctx.screen_case_changed.emit()
        self.ctx.case_shown.emit(view.case_number)
        zh = self.ctx.is_zh
        self.number_label.setText(view.case_number)
        name = self._service_name(view.service_code)
        self.service_label.setText(
            self.tr("{name}（{code}）").format(name=name, code=view.service_code)
        )
        self.applicant_label.setText(f"{view.applicant_name}　{view.applicant_id_masked}")
        self.status_label.setText(view.status_label if zh else self._status_en(view))
        self.deadline_label.setText(self._deadline_text(view))
        self.documents_label.setText(self._documents_text(view))
        self.fields_label.setText(self._fields_text(view))
        self._timeline_shown = case_timeline.fill(
            self.timeline,
            view.case_number,
            view.events,
            zh=zh,
            applicant=view.applicant_name,
            service_name=self._service_name,
            before=self._timeline_shown,
            quantity=self._quantity,
        )
        self.show_timeline_details()
        self.lookup.show_case(view)
        self._set_enabled()
        if self._write_landed:  # the case as the write left it is on screen
            self._end_write()

    def timeline_types(self) -> list[str]:
        """Event types shown, in order (tests and screen readers)."""
        return [e["type"] for e in (self.view.events if self.view else [])]

    # -- actions -----------------------------------------------------------------------------

    def _set_enabled(self) -> None:
        # While a write is on its way the screen shows the case as it was before it: no
        # second action (a key pressed twice) may act on that old state.
        view = self.view if self.shown_number() and not self._writing else None
        status = view.status if view else ""
        is_open = status in cases.OPEN_STATUSES
        waiting = status == "supplement_requested"
        unaccepted = bool(view and view.awaiting_acceptance)
        self.accept_button.setVisible(bool(view and view.channel != "counter"))
        self.accept_button.setEnabled(unaccepted)
        self.supplement_button.setEnabled(is_open and not waiting and not unaccepted)
        self.received_button.setEnabled(waiting)
        balance = view.balance if view else 0
        # With fees due, closing is an exception a supervisor approves on this counter.
        self.close_button.setEnabled(is_open and not waiting and not unaccepted)
        self.close_reason.setText(
            self.tr("尚有規費 {n} 元未繳，請按 F6 收費；未繳結案須主管核准").format(
                n=f"{balance:,}"
            )
            if is_open and balance > 0
            else ""
        )
        self.reject_button.setEnabled(is_open)
        self.cancel_button.setEnabled(is_open)
        self.reopen_button.setVisible(status == "closed")  # only until the county makes it ready
        notice = self.selected_notice()
        self.resend_button.setEnabled(notice is not None and notice.status not in notices.PENDING)
        self.phone_row.show_case(view, writing=self._writing)

    def _reason(self) -> str | None:
        reason = self.reason_edit.text().strip()
        if not reason:
            self.error_label.setText(self.tr("請先輸入理由"))
            self.reason_edit.setFocus()
            return None
        return reason

    def _write(
        self,
        fn: Callable[..., cases.CaseView],
        *args: Any,
        approvable: dict[str, str] | None = None,
    ) -> None:
        number = self.shown_number()  # never a case asked for and not yet on screen
        if not number or self._writing:
            return
        self.error_label.clear()
        sent = self._sent_reason(args)
        self._begin_write()

        def done(_view: cases.CaseView) -> None:  # the actions wait for the reload it asks
            self._write_landed = True
            self._clear_sent_reason(number, sent)
            self.ctx.status_message.emit(self.tr("已更新案件 {n}").format(n=number))
            self.ctx.case_changed.emit(number)  # reloads this page too (see _case_changed)

        # Closing with fees due needs a supervisor: the dialog asks and the call is made again,
        # naming the case (the supervisor saw only 尚有規費 30 元未繳, no case).
        reason = str(args[0]) if args else ""
        shown = self.shown_case()
        subject = self.tr("案件 {n}（{name}）").format(
            n=number, name=shown.masked_name if shown else ""
        )
        run_with_approval(
            self.ctx,
            self,
            fn,
            self.ctx.app,
            number,
            *args,
            approval_reason=reason,
            approvable=approvable,
            subject=subject,
            approval_case=number,
            on_done=done,
            on_error=self._write_failed,
        )

    write_case = _write  # the 新手機 row's write (gui/case_phone.py)

    def _begin_write(self) -> None:
        """The actions wait for this write and the reload after it: a second press (a key
        pressed twice) would act on the state shown before it and be refused."""
        self._writing = True
        self._set_enabled()

    def _end_write(self) -> None:
        if not self._writing:
            return
        self._writing = self._write_landed = False
        self._set_enabled()

    def _write_failed(self, error: object) -> None:
        self._end_write()
        self._error(error)

    def _sent_reason(self, args: tuple[Any, ...]) -> str:
        """The field's text as it was when the write carried its reason ("" if it carried none)."""
        field = self.reason_edit.text()
        given = str(args[0]).strip() if args else ""
        return field if given and given == field.strip() else ""

    def _clear_sent_reason(self, number: str, sent: str) -> None:
        """Nothing typed is lost: remove only the reason that was sent; text typed after it
        (words added, or a whole new reason) stays in the field, or waits with its case when
        another case came on screen meanwhile."""
        shown = number == self.case_number
        current = self.reason_edit.text() if shown else self._reasons.get(number, "")
        if not sent or not current.startswith(sent):
            return
        rest = current[len(sent) :].lstrip()
        if shown:
            self.reason_edit.setText(rest)
        elif rest:
            self._reasons[number] = rest
        else:
            self._reasons.pop(number, None)

    def accept_case(self) -> None:
        self._write(cases.accept_case, "")

    def request_supplement(self) -> None:
        case_supplement.request(self, self._reason())  # the day and the documents asked

    def record_supplement(self) -> None:
        self._write(cases.record_supplement, self.reason_edit.text())

    def close_case(self) -> None:
        case_end.close(self)  # asked first (gui/case_end.py)

    def reject_case(self) -> None:
        self._end("reject", cases.reject_case)

    def cancel_case(self) -> None:
        self._end("cancel", cases.cancel_case)

    def _end(self, ending: case_end.Ending, fn: Callable[..., cases.CaseView]) -> None:
        """駁回 or 撤件 once the clerk confirms (``confirm_end``), on the case the question
        named: nothing is done if another case came on screen meanwhile."""
        reason = self._reason()
        view = self.view
        if reason is None or view is None or self._writing or not self.shown_number():
            return
        if self.confirm_end(view, ending, reason) and self.shown_number() == view.case_number:
            self._write(fn, reason)

    def confirm_end(self, view: cases.CaseView, ending: case_end.Ending, reason: str) -> bool:
        """Asks before the case ends for good (``gui.case_end``; tests may answer instead)."""
        return case_end.ask(self, view, ending, reason)

    def _error(self, error: object) -> None:
        if self._write_landed:  # the reload after a write failed: the actions are back
            self._end_write()
        if isinstance(error, DomainError):
            self.error_label.setText(self.ctx.message(error))
        else:
            self.error_label.setText(
                QCoreApplication.translate("CaseDetail", "發生錯誤，請洽資訊人員")
            )
            self.ctx.tasks._unhandled(error)
        bring_into_view(self.error_label)  # under the buttons, often below the fold
