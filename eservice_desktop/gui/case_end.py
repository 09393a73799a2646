"""The question before 結案 (Alt+C), 駁回 (Alt+J) and 撤件 (Alt+N): each ends the case for good
(no event reopens a case), so one keystroke must not do it unasked. 結案 was done at once: one
wrong Alt+C closed the case on screen, sent the citizen the closing notice and stopped its
clock, with no way back. A rejection's reason is sent to the citizen; a
withdrawal is told to the citizen without its reason (written for the case's record), and the
question says so, so the clerk promises neither more nor less than the message that comes.

The question names the case, the reason the citizen will read and, when fees were paid, that
ending the case refunds nothing (the refund is the fees page's, F6). The way back is the
default and Esc; the action's own key (Alt+J or Alt+N again) or Enter on its button confirms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from eservice_desktop.domain.case import APPROVE_CLOSE_WITH_BALANCE, FEES_DUE
from eservice_desktop.gui.dialog_life import action_or_back
from eservice_desktop.services import cases

if TYPE_CHECKING:
    from eservice_desktop.gui.case_detail import CaseDetail

Ending = Literal["reject", "cancel", "close"]


def _t(text: str) -> str:
    return QCoreApplication.translate("CaseDetail", text)


def question(view: cases.CaseView, ending: Ending, reason: str) -> str:
    """The question's text (``view``: the case on screen)."""
    if ending == "close":
        text = _t("結案案件 {number}？結案後本案即結束，不能復原；民眾會收到結案通知。")
        if reason:
            text += _t("結案備註：{reason}")
    elif ending == "reject":
        text = _t("駁回案件 {number}？駁回後本案即結束，不能復原；民眾會收到通知與理由：{reason}")
    else:
        # the county tells the citizen the case was withdrawn, without the clerk's reason
        # (county.notify.stage_of): the question said nothing went out, until it did
        text = _t(
            "撤件案件 {number}？撤件後本案即結束，不能復原；民眾會收到撤件通知（不含理由），"
            "理由記錄於案件：{reason}"
        )
    text = text.format(number=view.case_number, reason=reason)
    if view.paid > 0 and ending != "close":
        paid = _t(
            "本案已繳規費 {paid} 元：結束案件不會退費；民眾申請退費時，請在收費頁（F6）辦理。"
        )
        text += "\n\n" + paid.format(paid=f"{view.paid:,}")
    return text


def ask(parent: QWidget, view: cases.CaseView, ending: Ending, reason: str) -> bool:
    """True when the clerk confirms ending the case ``view`` with ``reason``."""
    title = {"reject": _t("駁回"), "cancel": _t("撤件"), "close": _t("結案")}[ending]
    action = {"reject": _t("駁回(&J)"), "cancel": _t("撤件(&N)"), "close": _t("結案(&C)")}
    texts = (title, question(view, ending, reason), action[ending], _t("返回(&B)"))
    return action_or_back(parent, "case_end", texts)


def reopen(detail: CaseDetail) -> None:
    """重新開啟 of the closed case on screen with the reason typed (``services.case_reopen``):
    a supervisor approves on this counter (the approval dialog names the case), which is the
    question before it; refused as the service refuses, beside the buttons."""
    from eservice_desktop.services.case_reopen import reopen_case

    reason = detail._reason()
    if reason is not None and detail.view is not None and detail.view.status == "closed":
        detail._write(reopen_case, reason)


def close(detail: CaseDetail) -> None:
    """結案 of the case on screen once the clerk confirms (``detail.confirm_end``), with the
    note typed beside it; nothing is done if another case came on screen meanwhile. With fees
    due, a supervisor may approve closing (the approval names both accounts)."""
    view, note = detail.view, detail.reason_edit.text()
    if view is None or detail._writing or not detail.shown_number():
        return
    if not detail.confirm_end(view, "close", note.strip()):
        return
    if detail.shown_number() == view.case_number:
        approvable = {FEES_DUE: APPROVE_CLOSE_WITH_BALANCE}
        detail._write(cases.close_case, note, approvable=approvable)
