"""檔案 ▸ 變更密碼 (Alt+F, W): the signed-in operator changes their own password.

The command line had it (``operator passwd --own``); at the counter a clerk had no way but to
ask the office admin for a reset. The dialog asks the old password and the new one twice; the
two new ones must match before anything is asked of the service. The change itself is the
command line's, ``services.operators.set_password`` with the old password, on a worker (an
argon2 verify and hash): the same password rules and refusals, a wrong old password counted
towards the lockout with its ``refused …; password check`` record, and the ``password …: own``
record of the change. This window stays signed in; the account's other sessions end.

A password someone else set (a new account, an office admin's reset) is a one-time password:
signed in with it, the operator gets this dialog straight from the login screen
(:func:`first_sign_in`), the old password already given, and nothing else opens until the new
one is set; Esc (取消並登出) signs them out, on record (``signed-out …: password not changed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.dialog_life import deleted_when_closed
from eservice_desktop.gui.dialog_parts import refusal_line, submit_row

if TYPE_CHECKING:
    from eservice_desktop.gui.auth import LoginScreen, SignIn
    from eservice_desktop.gui.main_window import MainWindow
    from eservice_desktop.services.core import App


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(256)  # as the login screen's
    return field


class OwnPasswordDialog(QDialog):
    """Old password, new password, new password again; Enter moves on, and on the last field
    changes it. A refusal stays in the dialog, said, with the field to correct in focus."""

    def __init__(
        self, ctx: GuiContext, account: str, parent: QWidget | None = None, given_old: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName("own_password_dialog")
        self.setWindowTitle(self.tr("變更密碼"))
        self.ctx = ctx
        self.account = account
        self._busy = False
        #: The one-time password just typed at the login screen (:func:`first_sign_in`).
        self.given_old = given_old
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr("變更 {account} 的密碼：請輸入舊密碼，再輸入新密碼兩次。").format(
                account=account
            )
            if not given_old
            else self.tr(
                "{account} 的密碼是管理者設定的一次性密碼：請設定只有自己知道的新密碼"
                "（輸入兩次），設定後才能開始作業。取消即登出。"
            ).format(account=account)
        )
        hint.setObjectName("own_password_hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.old = _password_field("own_password_old")
        self.new = _password_field("own_password_new")
        self.again = _password_field("own_password_again")
        for text, field in (
            (self.tr("舊密碼(&O)"), self.old),
            (self.tr("新密碼(&N)"), self.new),
            (self.tr("再輸入一次新密碼(&A)"), self.again),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        layout.addLayout(form)
        if given_old:  # typed at the login screen a moment ago: not asked again
            self.old.setText(given_old)
            form.setRowVisible(self.old, False)
        self.message = refusal_line("own_password_message")
        layout.addWidget(self.message)
        cancel = self.tr("取消並登出") if given_old else self.tr("取消")
        self.buttons = submit_row(self, self.tr("變更密碼"), cancel, self.submit)
        layout.addWidget(self.buttons)
        (self.new if given_old else self.old).setFocus()

    def _refuse(self, text: str, field: QLineEdit) -> None:
        self.message.setText(text)
        field.setFocus()

    def submit(self) -> None:
        if self._busy:
            return
        # Enter (the dialog's default button) on the old or the first new field moves on
        if self.old.hasFocus() and self.old.text():
            self.new.setFocus()
            return
        if self.new.hasFocus() and self.new.text():
            self.again.setFocus()
            return
        old, new, again = self.old.text(), self.new.text(), self.again.text()
        if not old:
            self._refuse(self.tr("請輸入舊密碼。"), self.old)
        elif not new:
            self._refuse(self.tr("請輸入新密碼。"), self.new)
        elif new != again:
            self.new.clear()
            self.again.clear()
            self._refuse(self.tr("兩次輸入的新密碼不一致，請重新輸入。"), self.new)
        else:
            self._busy = True
            self.message.setText(self.tr("變更中…"))
            self.ctx.tasks.run(
                _set_own,
                self.ctx.app,
                self.account,
                new,
                old,
                on_done=self._done,
                on_error=self._failed,
            )

    def _done(self, _account: object) -> None:
        self._busy = False
        for field in (self.old, self.new, self.again):
            field.clear()
        self.ctx.status_message.emit(self.tr("密碼已變更；下次登入請使用新密碼。"))
        self.accept()

    def _failed(self, error: object) -> None:
        self._busy = False
        text = (
            self.ctx.message(error)
            if isinstance(error, DomainError)
            else self.tr("變更密碼失敗：{e}").format(e=type(error).__name__)
        )
        code = str(getattr(error, "code", ""))
        if code.startswith("auth.") and not self.given_old:  # the old one refused, or locked
            self.old.clear()
            self._refuse(self.tr("舊密碼：{e}").format(e=text), self.old)
            return
        self.new.clear()  # the new password's rules: the old one stays
        self.again.clear()
        self._refuse(text, self.new)


def _set_own(app: App, account: str, new: str, old: str) -> str:
    """On a worker: the command line's ``operator passwd --own``."""
    from eservice_desktop.services import operators

    return operators.set_password(app, account, new, old_password=old)


def change_own_password(window: MainWindow) -> OwnPasswordDialog | None:
    """Opens the dialog for the signed-in operator; nothing while nobody is (or the screen is
    locked)."""
    operator = window.ctx.operator
    if operator is None or window.locked or not window.content_built:
        return None
    dialog = deleted_when_closed(OwnPasswordDialog(window.ctx, operator.account, window))
    dialog.setModal(True)
    dialog.show()
    dialog.activateWindow()
    return dialog


def first_sign_in(screen: LoginScreen, result: SignIn, typed: str) -> OwnPasswordDialog:
    """The login screen signed in an operator whose password someone else set: this dialog
    asks for their own before the window opens (``signed_in``, once it is set); cancelled, the
    window signs them out (``window_access.abandon_sign_in``). The dialog is the login
    screen's child, so the lock's guard lets its keys through and does not hide it."""
    from eservice_desktop.gui import window_access

    account = result.operator.account
    dialog = OwnPasswordDialog(screen.ctx, account, screen, given_old=typed)
    dialog.setModal(True)
    window = screen.window()

    def chosen() -> None:  # the window had no keyboard while the dialog was up: it has now
        window.activateWindow()
        screen.signed_in.emit(result)

    dialog.accepted.connect(chosen)
    dialog.rejected.connect(lambda: window_access.abandon_sign_in(window, account))  # type: ignore[arg-type]
    dialog.finished.connect(dialog.deleteLater)  # the typed passwords go with it
    dialog.show()
    dialog.activateWindow()
    return dialog
