"""Who works at this counter: the login screen, the lock, and what wakes the lock.

The window shows nothing of a case until an operator signs in (``services.operators.login``,
argon2id: on a worker, never on the UI thread). Signed in, the window locks

- after ``settings.idle_lock_min`` minutes without a key press or mouse use (:class:`IdleWatch`),
- when the operator's own card leaves ``settings.lock_card_reader`` (:class:`IdleWatch` watches
  the shared card monitor, as the identity panel does),
- on 檔案 ▸ 鎖定畫面 (Ctrl+Shift+L).

Locked, the main window swaps its pages for the :class:`LoginScreen` and hides the menu, the
page bar, the side panels and the status bar (``MainWindow.lock``): nothing personal is painted,
so a screenshot of the window shows the login form only. The pages themselves stay as they were,
so a form typed half-way is still there after unlocking. Only the same operator's password
unlocks; a supervisor or an office admin may sign in instead, which ends the locked operator's
session and makes them the operator of the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Operator, Role, account_key
from eservice_desktop.domain.pickup_token import TOKEN_LEN
from eservice_desktop.gui.accessible import SpokenLabel
from eservice_desktop.gui.barcode_wedge import WedgeFilter
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.keyboard import keys_as_typed
from eservice_desktop.gui.labels import display_name
from eservice_desktop.gui.screen_lock import (
    IdleWatch,
    ShortcutGuard,
    hide_open_dialogs,
    lock_reason_text,
)
from eservice_desktop.gui.stray_scans import is_pickup_code, may_be_pickup_code
from eservice_desktop.services.scanners import wedge_rules

if TYPE_CHECKING:
    from eservice_desktop.services.core import App

#: A pickup code as a scanner types it: its 105 bytes in base32, 168 characters.
PICKUP_CODE_CHARS = TOKEN_LEN * 8 // 5

#: What locks the screen and what a lock covers are gui.screen_lock; importable from here.
__all__ = [
    "IdleWatch",
    "LoginScreen",
    "NotYours",
    "ShortcutGuard",
    "SignIn",
    "authenticate",
    "display_name",
    "hide_open_dialogs",
    "lock_reason_text",
]

#: Roles that may sign in over a locked screen (ending the locked operator's session).
TAKEOVER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


class NotYours(Exception):
    """Someone other than the locked operator, without a supervisor's or admin's role, tried
    to unlock (nothing was changed but the access log's record of the try)."""

    def __init__(self, operator: Operator) -> None:
        super().__init__(operator.account)
        self.operator = operator


@dataclass(frozen=True)
class SignIn:
    """What a successful sign-in at the login screen gave."""

    operator: Operator
    #: True: a new session (first sign-in, another operator over the lock); False: an unlock.
    new_session: bool


def authenticate(app: App, account: str, password: str, locked: str | None) -> SignIn:
    """Worker side of the login screen. ``locked``: the account the window is locked for."""
    from eservice_desktop.services import operators
    from eservice_desktop.services.operators_audit import WINDOW

    account = account_key(account)  # as kept: Caps Lock on is the same account
    if app.settings.demo and account == operators.DEMO_OPERATOR.account and not password:
        # Demo mode: the demo operator has no password (as at start, without one).
        return SignIn(operators.sign_in_demo(app), locked != account)
    if locked is None:
        return SignIn(operators.login(app, account, password, via=WINDOW), True)
    if account == locked:
        return SignIn(operators.login(app, account, password, via=WINDOW, unlock=True), False)
    who = operators.verify_password(app, account, password, sign_in_via=WINDOW)
    if not (TAKEOVER_ROLES & who.roles):
        operators.record_refused_unlock(app, who.account, locked, via=WINDOW)  # on record
        raise NotYours(who)
    # The sign-in first: the county may refuse it (disabled there, not yet synced here) after
    # the offline check said yes, and the locked operator's session then goes on, as the
    # access log must say (it read "taken over" by a supervisor the counter refused).
    signed_in = operators.login(app, account, password, via=WINDOW)
    operators.record_sign_out(app, locked, f"taken over by {signed_in.account}", via=WINDOW)
    return SignIn(signed_in, True)


def _authenticate_later(
    core: Callable[[], App], account: str, password: str, locked: str | None
) -> SignIn:
    """:func:`authenticate` with the core the writer opened before this job (a sign-in typed
    while the core was still opening waits for it here, not on the UI thread)."""
    return authenticate(core(), account, password, locked)


BOX_WIDTH = 520


class LoginScreen(QWidget):
    """Account, password, Enter. Two modes: nobody signed in (:meth:`ask_login`) and locked for
    one operator (:meth:`ask_unlock`). Emits ``signed_in(SignIn)``."""

    signed_in = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login_screen")
        self.ctx = ctx
        self.locked_for: Operator | None = None
        self._busy = False
        self._typed = ""  # the password until its sign-in is done: a one-time one is the old
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame(self)
        box.setObjectName("login_box")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        # A fixed width lets the wrapped sentences take the height they need.
        box.setFixedWidth(BOX_WIDTH)
        layout = QVBoxLayout(box)
        self._build_heading(layout)
        self._build_fields(layout)
        row = QVBoxLayout()
        row.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addLayout(row)
        outer.addStretch(2)
        self._bind_enter()
        self._ignore_scans()
        self.ask_login()

    def _build_heading(self, layout: QVBoxLayout) -> None:
        """Title, this office and counter, and the hint line of the current mode."""
        ctx = self.ctx
        office = ctx.office
        self.title = QLabel(self.tr("櫃檯登入"))
        self.title.setObjectName("login_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.office_label = QLabel(
            self.tr("{office}（{code}）櫃檯 {device}").format(
                office=ctx.pick(office.name, office.name_en),
                code=office.code,
                device=ctx.settings.device_id,
            )
        )
        self.office_label.setObjectName("login_office")
        layout.addWidget(self.office_label)
        # Room for the longest sentences (the lock's three lines, a lockout's two) from the
        # start: the centred box then never has to grow while it is on screen.
        lines = self.fontMetrics().lineSpacing()
        self.hint = QLabel()
        self.hint.setObjectName("login_hint")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)  # the locked operator's name as typed
        self.hint.setWordWrap(True)
        self.hint.setMinimumHeight(3 * lines + 4)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.hint)

    def _build_fields(self, layout: QVBoxLayout) -> None:
        """Account and password (Alt+A, Alt+W), the message line, the sign-in button."""
        # Room for three lines of a refusal from the start, like the hint's.
        lines = self.fontMetrics().lineSpacing()
        form = QFormLayout()
        self.account = QLineEdit()
        self.account.setObjectName("login_account")
        self.account.setMaxLength(64)
        keys_as_typed(self.account)
        self.password = QLineEdit()
        self.password.setObjectName("login_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(256)
        account_label = QLabel(self.tr("帳號(&A)"))
        account_label.setBuddy(self.account)
        password_label = QLabel(self.tr("密碼(&W)"))
        password_label.setBuddy(self.password)
        form.addRow(account_label, self.account)
        form.addRow(password_label, self.password)
        layout.addLayout(form)
        self.message = SpokenLabel(assertive=True)
        self.message.setObjectName("login_message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(3 * lines + 4)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.message)
        self.button = QPushButton(self.tr("登入 (Enter)"))
        self.button.setObjectName("login_button")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        layout.addWidget(self.button)

    def _bind_enter(self) -> None:
        """Enter anywhere on the login screen (``_enter``)."""
        # Enter (either key) anywhere on the screen: from the account on to the password, from
        # the password (or the button) sign in. The button shows the key.
        self.enter = QShortcut(self)
        self.enter.setKeys([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.enter.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.enter.activated.connect(self._enter)

    def _ignore_scans(self) -> None:
        """A pickup code scanned while this screen is shown is no sign-in: its 168 characters
        went into 密碼 and its Enter signed in with them, a refused sign-in counted towards the
        account's lockout. In 帳號 the burst (``gui/barcode_wedge.py``, the desk's timing rule)
        is dropped and said; 密碼 is no scan target (a password manager types as fast as a
        scanner), so there the code is told by its shape when Enter comes (``_scanned_code``).
        Only a pickup code's keys are held, as on the other pages (``gui/stray_scans.py``): a
        password manager typing the account, Tab and the password had all of it dropped."""
        rules = wedge_rules(self.ctx.settings)  # not ctx.app: the core may open later
        self.wedge = WedgeFilter(
            rules, self._scans_come_here, self, takes=is_pickup_code, holds=may_be_pickup_code
        )
        self.wedge.scanned.connect(self._scan_ignored)

    def _scanned_code(self) -> bool:
        """A pickup code at the end of 密碼 is taken out and said, the keys typed before it
        kept; True when there was one (no sign-in is tried)."""
        text = self.password.text()
        if len(text) < PICKUP_CODE_CHARS or not is_pickup_code(text[-PICKUP_CODE_CHARS:]):
            return False
        self.password.setText(text[:-PICKUP_CODE_CHARS])
        self._scan_ignored("")
        return True

    def _scans_come_here(self) -> bool:
        focus = QApplication.focusWidget()
        return (
            self.isVisible()
            and QApplication.activeModalWidget() is None
            and focus is not None
            and self.isAncestorOf(focus)
        )

    def _scan_ignored(self, _text: str) -> None:
        self.say(self.tr("已略過掃描到的條碼：登入畫面不接受條碼，請以鍵盤輸入密碼。"))

    def say(self, text: str, *, refusal: bool = True) -> None:
        """The message line: a refusal in the error colour, a notice (「已登出。」, a lock's reason,
        「驗證中…」) in the text's own, as elsewhere in the window: red that said nothing went
        wrong taught the clerk to overlook the red that did."""
        self.message.setStyleSheet("color: #b00020;" if refusal else "")
        self.message.setText(text)

    # -- modes -------------------------------------------------------------------------------

    def ask_login(self, message: str = "") -> None:
        self.locked_for = None
        self.title.setText(self.tr("櫃檯登入"))
        self.hint.setText(self.tr("請輸入帳號與密碼，按 Enter 登入。"))
        self.account.clear()
        self.password.clear()
        self.say(message, refusal=False)
        self.account.setFocus()

    def ask_unlock(self, operator: Operator) -> None:
        self.locked_for = operator
        self.title.setText(self.tr("畫面已鎖定"))
        self.hint.setText(
            self.tr(
                "{name} 的畫面已鎖定。請輸入密碼解鎖；主管或管理者登入會結束 {name} 的工作階段。"
            ).format(name=display_name(operator, self.ctx.is_zh))
            + (
                self.tr("（示範模式：按 Enter 即可解鎖）")
                if self._demo_account(operator.account)
                else ""
            )
        )
        self.account.setText(operator.account)
        self.password.clear()
        self.message.clear()
        self.password.setFocus()

    # -- signing in --------------------------------------------------------------------------

    def _demo_account(self, account: str) -> bool:
        from eservice_desktop.services.operators import DEMO_OPERATOR

        return bool(self.ctx.settings.demo) and account == DEMO_OPERATOR.account

    def _enter(self) -> None:
        if self.account.hasFocus() and self.account.text().strip():
            self.password.setFocus()
        else:
            self.submit()

    def submit(self) -> None:
        if self._busy or self._scanned_code():
            return
        account = account_key(self.account.text())
        password = self.password.text()
        if not account:
            self.say(self.tr("請輸入帳號。"))
            self.account.setFocus()
            return
        if not password and not self._demo_account(account):
            self.say(self.tr("請輸入密碼。"))
            self.password.setFocus()
            return
        self._busy, self._typed = True, password
        self.button.setEnabled(False)
        self.say(self.tr("驗證中…"), refusal=False)
        locked = self.locked_for.account if self.locked_for else None
        self.ctx.tasks.run(
            _authenticate_later,
            self.ctx.core_later(),
            account,
            password,
            locked,
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, result: object) -> None:
        assert isinstance(result, SignIn)
        self._busy, (typed, self._typed) = False, (self._typed, "")
        self.button.setEnabled(True)
        self.password.clear()
        self.message.clear()
        if result.operator.must_change_password:  # someone else's password: one's own first
            from eservice_desktop.gui.own_password import first_sign_in

            first_sign_in(self, result, typed)
            return
        self.signed_in.emit(result)

    def _failed(self, error: object) -> None:
        self._busy, self._typed = False, ""
        self.button.setEnabled(True)
        self.password.clear()
        self.say(self.explain(error))
        if isinstance(error, DomainError) and error.code == "auth.unknown_account":
            self.account.selectAll()
            self.account.setFocus()
        else:
            self.password.setFocus()

    def explain(self, error: object) -> str:
        """The clerk's sentence for a refused sign-in."""
        if isinstance(error, NotYours):
            assert self.locked_for is not None
            return self.tr("{who} 不能解鎖 {name} 的畫面：只有本人、主管或管理者可以。").format(
                who=display_name(error.operator, self.ctx.is_zh),
                name=display_name(self.locked_for, self.ctx.is_zh),
            )
        if isinstance(error, DomainError) and error.extra.get("no_account"):
            return self.ctx.message(error)  # no account on this PC yet: how to make the first
        reason = getattr(error, "reason", None) or getattr(error, "code", "")
        texts = {
            "auth.bad_password": self.tr("帳號或密碼不正確，請重新輸入。"),
            "auth.unknown_account": self.tr("帳號或密碼不正確，請重新輸入。"),
            "auth.locked": self.tr(
                "此帳號因連續輸錯密碼已暫時鎖定，請稍後再試，或請管理者重設密碼。"
            ),
            "auth.inactive": self.tr("此帳號已停用，請洽管理者。"),
        }
        text = texts.get(str(reason))
        if text is None:
            if isinstance(error, DomainError):
                return self.ctx.message(error)
            return self.tr("登入失敗：{error}").format(error=type(error).__name__)
        if isinstance(error, DomainError) and reason == "auth.locked":
            detail = self.ctx.message(error)
            if detail and detail not in text:
                text = f"{text}\n{detail}"
        return text
