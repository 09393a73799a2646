"""A supervisor's approval on the same counter (issue 13, authenticated approvals).

When a service refuses with ``auth.approval_required`` (a void, a refund, a fee reduction, a
reprint after the first, closing with a balance ...), :func:`run_with_approval` opens
:class:`ApprovalDialog`: a supervisor types their own account and password on this counter, the
approval is checked on a worker (``services.approvals.check``: argon2 verify, role, not the
requester) and the refused call is made again with ``approval=``; the use case records the
``case.approval_granted`` event naming both accounts. The signed-in operator cannot approve
their own request: the dialog says so before asking the service, and the service refuses
``auth.self_approval`` anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import account_key
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.dialog_life import open_once
from eservice_desktop.gui.dialog_parts import refusal_line, submit_row

#: ``grant(account, password, reason) -> approval``: runs on a worker; raises AuthError when
#: refused.
Grant = Callable[[str, str, str], object]


class ApprovalDialog(QDialog):
    """Supervisor's account and password. Emits ``approved(approval)`` and closes when the
    service granted it; a refusal stays in the dialog with its reason."""

    approved = Signal(object)

    def __init__(
        self,
        ctx: GuiContext,
        what: str,
        grant: Grant,
        parent: QWidget | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("approval_dialog")
        self.setWindowTitle(self.tr("主管核准"))
        self.ctx = ctx
        self.grant = grant
        self._busy = False
        layout = QVBoxLayout(self)
        self.what = QLabel(what)
        self.what.setObjectName("approval_what")
        self.what.setWordWrap(True)
        layout.addWidget(self.what)
        hint = QLabel(self.tr("請主管在本櫃檯輸入自己的帳號與密碼核准；承辦人不能核准自己的申請。"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.account = QLineEdit()
        self.account.setObjectName("approval_account")
        self.password = QLineEdit()
        self.password.setObjectName("approval_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        account_label = QLabel(self.tr("主管帳號(&U)"))
        account_label.setBuddy(self.account)
        password_label = QLabel(self.tr("主管密碼(&W)"))
        password_label.setBuddy(self.password)
        self.reason = QLineEdit(reason)
        self.reason.setObjectName("approval_reason")
        reason_label = QLabel(self.tr("核准理由(&R)"))
        reason_label.setBuddy(self.reason)
        form.addRow(account_label, self.account)
        form.addRow(password_label, self.password)
        form.addRow(reason_label, self.reason)
        layout.addLayout(form)
        self.message = refusal_line("approval_message")
        layout.addWidget(self.message)
        self.buttons = submit_row(self, self.tr("核准"), self.tr("取消"), self.submit)
        layout.addWidget(self.buttons)
        self.account.returnPressed.connect(self.password.setFocus)
        self.account.setFocus()

    def submit(self) -> None:
        if self._busy:
            return
        account = account_key(self.account.text())
        password = self.password.text()
        if not account:
            self.message.setText(self.tr("請輸入主管帳號。"))
            self.account.setFocus()
            return
        me = self.ctx.app.operator
        if me is not None and account == me.account:
            self.message.setText(self.tr("不能核准自己的申請：請另一位主管輸入自己的帳號與密碼。"))
            self.password.clear()
            self.account.selectAll()
            self.account.setFocus()
            return
        if not password:
            self.message.setText(self.tr("請輸入主管密碼。"))
            self.password.setFocus()
            return
        if not self.reason.text().strip():
            self.message.setText(self.tr("請填寫核准理由。"))
            self.reason.setFocus()
            return
        self._busy = True
        self.message.setText(self.tr("核准中…"))
        reason = self.reason.text().strip()
        self.ctx.tasks.run(
            self.grant, account, password, reason, on_done=self._done, on_error=self._failed
        )

    def _done(self, approval: object) -> None:
        self._busy = False
        self.password.clear()
        self.approved.emit(approval)
        self.accept()

    def _failed(self, error: object) -> None:
        self._busy = False
        reason = getattr(error, "code", "")
        # a supervisor whose scope does not take in the case: another supervisor approves,
        # told so in the refusal's own words (it said 沒有核准權限（需主管） to a supervisor)
        out_of_scope = reason == "auth.forbidden" and "service" in getattr(error, "extra", {})
        if getattr(error, "field", None) == "reason":
            self.reason.setFocus()  # the password was not tried: it stays
        else:
            self.password.clear()
            self.password.setFocus()
        if out_of_scope:
            self.account.selectAll()
            self.account.setFocus()
        texts = {
            "auth.self_approval": self.tr("不能核准自己的申請：請另一位主管輸入自己的帳號與密碼。"),
            "auth.bad_password": self.tr("主管帳號或密碼不正確。"),
            "auth.unknown_account": self.tr("主管帳號或密碼不正確。"),
            "auth.forbidden": self.tr("此帳號沒有核准權限（需主管）。"),
            "auth.locked": self.tr("此主管帳號因連續輸錯密碼已暫時鎖定。"),
            "auth.inactive": self.tr("此主管帳號已停用。"),
            "approval.reason_required": self.tr("請填寫核准理由。"),
        }
        text = None if out_of_scope else texts.get(reason)
        if text is None:
            text = (
                self.ctx.message(error)
                if isinstance(error, DomainError)
                else self.tr("核准失敗：{e}").format(e=type(error).__name__)
            )
        self.message.setText(text)


def _needs_approval(ctx: GuiContext, action: str) -> str:
    """What the dialog asks approval for, in the counter's words."""
    from eservice_desktop.domain.case import APPROVAL_ACTIONS

    zh, en = APPROVAL_ACTIONS.get(action, (action, action))
    return ctx.pick(
        f"「{zh}」須經主管核准", f"'{en[:1].upper()}{en[1:]}' needs a supervisor's approval"
    )


def supervisor_check(ctx: GuiContext, action: str, case: tuple[str, str] = ("", "")) -> Grant:
    """The grant of ``action``: ``services.approvals.check`` with what the supervisor typed;
    ``case``: the case's number and service as the caller knows them, for the approver's scope
    (either may be "")."""
    number, service = case

    def grant(account: str, password: str, reason: str) -> object:
        from eservice_desktop.services import approvals

        return approvals.check(
            ctx.app, account, password, action, reason, service_code=service, case_number=number
        )

    return grant


def _approvable_action(error: object, approvable: Mapping[str, str]) -> str:
    """The exception a supervisor may approve for ``error``, or "" when none may."""
    if not isinstance(error, DomainError):
        return ""
    if error.code == "auth.approval_required":
        return str(error.extra.get("action", ""))
    return approvable.get(error.code, "")


def _approver_refused(error: object) -> bool:
    """A refusal of the approving supervisor by the approved write itself (``field``
    ``approver``: the approver's scope does not take in the case's service, a disable or a
    demotion meanwhile), not of the request."""
    return isinstance(error, AuthError) and error.field == "approver"


def _dialog(  # noqa: PLR0917
    ctx: GuiContext,
    parent: QWidget,
    error: DomainError,
    action: str,
    subject: str,
    reason: str,
    refused: object,
    case: tuple[str, str],
) -> ApprovalDialog:
    """The dialog asking approval of ``action`` for the refusal ``error``; ``refused``: the
    approver's refusal by the write, said in it, the account selected to be typed over;
    ``case``: the case's number and service, for the approver's scope."""
    what = ctx.message(error)
    if error.code == "auth.approval_required":  # its text names the CLI's options too
        what = _needs_approval(ctx, action)
    what = f"{what}\n{subject}" if subject else what
    dialog = ApprovalDialog(ctx, what, supervisor_check(ctx, action, case), parent, reason)
    if refused is not None:
        dialog.message.setText(ctx.message(refused))
        dialog.account.selectAll()
    return dialog


def _when_writable(
    ctx: GuiContext, then: Callable[[], None], report: Callable[[Any], None]
) -> None:
    """``then`` once the write's own guards pass: a supervisor is not called over for a write
    the counter refuses anyway (a clock gone back, a restore not yet recovered: ``report``)."""
    from eservice_desktop.services import approvals

    ctx.tasks.run(approvals.writable, ctx.app, on_done=lambda _: then(), on_error=report)


def run_with_approval(
    ctx: GuiContext,
    parent: QWidget,
    fn: Callable[..., Any],
    *args: Any,
    approval_reason: str = "",
    approvable: Mapping[str, str] | None = None,
    subject: str = "",
    approval_case: str = "",
    approval_service: str = "",
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[Any], None] | None = None,
    **kwargs: Any,
) -> None:
    """Runs ``fn(*args, **kwargs)`` on a worker; when it refuses ``auth.approval_required``
    (``extra["action"]`` names the exception), asks a supervisor in :class:`ApprovalDialog`
    (``approval_reason``: the request's own reason, for the supervisor to keep or change) and
    runs it again with ``approval=``. ``approvable`` maps other refusal codes to the exception a
    supervisor may approve instead (closing refused ``fees_due``: ``close_with_balance``).
    ``subject``: what exactly is approved (receipt, amount), on its own line under the action.
    ``approval_case``: the case's number (``approval_service``: a new case's service), for the
    dialog's own check of the approver's scope (accepted there, an approver out of the case's
    scope was refused by the write, the dialog opening again). A refusal nobody approves, or a
    dialog closed with Esc, goes to ``on_error``."""

    asked: list[tuple[DomainError, str]] = []  # the request the dialog was opened for
    case = (approval_case, approval_service)

    def attempt(approval: object = None) -> None:
        extra = dict(kwargs)
        if approval is not None:
            extra["approval"] = approval
        ctx.tasks.run(fn, *args, on_done=on_done, on_error=lambda e: failed(e, approval), **extra)

    def failed(error: object, approval: object = None) -> None:
        if approval is not None and asked and _approver_refused(error):
            # the dialog again, saying why, the reason as typed (it closed: begun again)
            ask(*asked[-1], refused=error, reason=str(getattr(approval, "reason", "")))
            return
        action = _approvable_action(error, approvable or {})
        if isinstance(error, DomainError) and action:
            _when_writable(ctx, lambda: ask(error, action), report)
            return
        report(error)

    def ask(
        error: DomainError, action: str, refused: object = None, reason: str = approval_reason
    ) -> None:
        asked.append((error, action))
        dialog = _dialog(ctx, parent, error, action, subject, reason, refused, case)
        dialog.approved.connect(attempt)
        dialog.rejected.connect(lambda: report(error))
        open_once(dialog)  # owned by ``parent`` while open; tests find it with findChild

    report = on_error or (lambda error: ctx.status_message.emit(ctx.message(error)))
    attempt()
