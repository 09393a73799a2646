"""Office admin page (操作人員管理): the office's operator accounts, their roles and scope.

List, add, change the name, roles and scope, reset a password, disable: every change goes through
``services.operators`` on a worker (argon2 hashing takes a moment) and the service checks that
the signed-in operator may manage operators (the page is hidden from everybody else, the
service refuses anyway). Keyboard: the list, then the form (account, name, roles, scope,
password) and the buttons, each with its Alt key; Enter in the password field saves.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import ROLE_LABELS, Role, account_key
from eservice_desktop.gui.accessible import SpokenLabel
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.flow_layout import FlowLayout
from eservice_desktop.gui.keyboard import keys_as_typed
from eservice_desktop.gui.operators_cells import last_sign_in_text, state_text
from eservice_desktop.services import operators


def _parse_scope(text: str) -> frozenset[str]:
    return frozenset(p for p in text.replace(",", " ").replace("，", " ").split() if p)


class OperatorsPage(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operators_page")
        self.ctx = ctx
        self.operators: list[operators.AccountView] = []
        #: The account the form edits; None: the form describes a new account.
        self.editing: str | None = None
        #: Whether that account is active (Alt+D disables it, or else enables it again).
        self.editing_active = True
        self.loaded = False
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("操作人員管理"))
        title.setObjectName("operators_title")
        layout.addWidget(title)
        layout.addWidget(self._build_table(), 1)
        layout.addWidget(self._build_form())
        layout.addLayout(self._build_buttons())
        self.message = SpokenLabel(assertive=True)  # saved or refused: said, not only painted
        self.message.setObjectName("op_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.new_account()

    def _build_table(self) -> QTableWidget:
        """The office's accounts, one row each; selecting one loads it into the form."""
        columns = [self.tr("帳號"), self.tr("姓名"), self.tr("角色"), self.tr("業務範圍")]
        columns += [self.tr("狀態"), self.tr("上次登入")]
        self.table = QTableWidget(0, len(columns), self)
        self.table.setObjectName("operators_table")
        self.table.setAccessibleName(self.tr("操作人員帳號"))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for col in (4, 5):  # the state and the last sign-in whole: cut to "Active; must change …"
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selected)
        return self.table

    def _build_form(self) -> QGroupBox:
        """帳號資料: account, name, roles, scope and password, each label with its Alt key."""
        box = QGroupBox(self.tr("帳號資料"))
        form = QFormLayout(box)
        self.account = QLineEdit()
        self.account.setObjectName("op_account")
        self.account.setMaxLength(32)
        keys_as_typed(self.account)
        self.name = QLineEdit()
        self.name.setObjectName("op_name")  # a longer name is refused whole, not cut unseen
        self.scope = QLineEdit()
        self.scope.setObjectName("op_scope")
        self.scope.setPlaceholderText(self.tr("空白＝本所全部業務；多個以空白分隔"))
        self.password = QLineEdit()
        self.password.setObjectName("op_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("新帳號的初始密碼，或重設的新密碼"))
        self.password.returnPressed.connect(self._password_entered)
        roles_box = QWidget()
        grid = FlowLayout(roles_box)  # wraps on a narrow page (three a line were 318 px)
        self.role_boxes: dict[Role, QCheckBox] = {}
        for role in Role:
            zh, en = ROLE_LABELS[role]
            check = QCheckBox(self.ctx.pick(zh, en))
            check.setObjectName(f"role_{role.value}")
            self.role_boxes[role] = check
            grid.addWidget(check)
        labels = []
        for text, buddy in (
            (self.tr("帳號(&C)"), self.account),
            (self.tr("姓名(&N)"), self.name),
            (self.tr("業務範圍(&S)"), self.scope),
            (self.tr("密碼(&W)"), self.password),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            labels.append(label)
        form.addRow(labels[0], self.account)
        form.addRow(labels[1], self.name)
        form.addRow(QLabel(self.tr("角色")), roles_box)
        form.addRow(labels[2], self.scope)
        form.addRow(labels[3], self.password)
        return box

    def _build_buttons(self) -> FlowLayout:
        """New, save, reset password, disable; wrapping on a narrow page."""
        buttons = FlowLayout()
        self.new_button = QPushButton(self.tr("新增帳號(&A)"))
        self.new_button.setObjectName("op_new")
        self.new_button.clicked.connect(self.new_account)
        self.save_button = QPushButton(self.tr("儲存(&E)"))
        self.save_button.setObjectName("op_save")
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton(self.tr("重設密碼(&R)"))
        self.reset_button.setObjectName("op_reset")
        self.reset_button.clicked.connect(self.reset_password)
        self.disable_button = QPushButton(self.tr("停用帳號(&D)"))
        self.disable_button.setObjectName("op_disable")
        self.disable_button.clicked.connect(self.disable)
        for b in (self.new_button, self.save_button, self.reset_button, self.disable_button):
            buttons.addWidget(b)
        return buttons

    # -- hooks -------------------------------------------------------------------------------

    def on_shown(self) -> None:
        self.reload()
        self.table.setFocus()

    def has_unsaved_input(self) -> bool:
        return bool(self.password.text()) or (
            self.editing is None and bool(self.account.text().strip() or self.name.text().strip())
        )

    # -- list --------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        self.ctx.tasks.run(
            operators.list_operators,
            self.ctx.app,
            on_done=lambda rows: self._show(rows, select),
            on_error=self._error,
        )

    def _role_text(self, roles: tuple[str, ...]) -> str:
        return self.ctx.pick("、", ", ").join(
            self.ctx.pick(*ROLE_LABELS[r]) for r in Role if r.value in roles
        )

    def _show(self, rows: Any, select: str | None) -> None:
        self.operators = list(rows)
        keep = select or self.editing
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.operators))
        for row, op in enumerate(self.operators):
            cells = (
                op.account,
                op.name,
                self._role_text(op.roles),
                " ".join(sorted(op.departments)) or self.tr("全部"),
                state_text(op),
                last_sign_in_text(op),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, op.account)
                self.table.setItem(row, col, item)
        self.loaded = True
        if keep:
            for row, op in enumerate(self.operators):
                if op.account == keep:
                    # the account just changed stays in the form, with what was said about it
                    self.table.selectRow(row)
                    self._fill(op)
                    break
        self.table.blockSignals(False)

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        self._fill(self.operators[rows[0].row()])
        self.message.clear()

    def _fill(self, op: operators.AccountView) -> None:
        self.editing = op.account
        self.account.setText(op.account)
        self.account.setReadOnly(True)
        self.name.setText(op.name)
        for role, check in self.role_boxes.items():
            check.setChecked(role.value in op.roles)
        self.scope.setText(" ".join(sorted(op.departments)))
        self.password.clear()
        # the same button (Alt+D) disables an active account and enables a disabled one
        self.editing_active = op.active
        self.disable_button.setText(
            self.tr("停用帳號(&D)") if op.active else self.tr("重新啟用帳號(&D)")
        )
        self.disable_button.setEnabled(True)
        self.reset_button.setEnabled(True)

    # -- actions -----------------------------------------------------------------------------

    def new_account(self) -> None:
        """A blank form for a new account; on a new account's form already typed into, the
        form is kept (the button reads "add account": pressed after typing, it cleared what
        was typed) and the clerk is pointed to Save."""
        if self.editing is None and self._typed():
            self.message.setText(self.tr("這是新帳號的資料：輸入完成後請按「儲存」(Alt+E)。"))
            self.account.setFocus()
            return
        self.editing = None
        self.table.clearSelection()
        self.account.setReadOnly(False)
        self.account.clear()
        self.name.clear()
        self.scope.clear()
        self.password.clear()
        for role, check in self.role_boxes.items():
            check.setChecked(role == Role.CLERK)
        self.editing_active = True
        self.disable_button.setText(self.tr("停用帳號(&D)"))
        self.disable_button.setEnabled(False)
        self.reset_button.setEnabled(False)
        self.message.clear()
        self.account.setFocus()

    def _typed(self) -> bool:
        fields = (self.account, self.name, self.scope, self.password)
        return any(f.text().strip() for f in fields)

    def _roles(self) -> list[str]:
        return [r.value for r, check in self.role_boxes.items() if check.isChecked()]

    def _password_entered(self) -> None:
        if self.editing is None:
            self.save()
        else:
            self.reset_password()

    def save(self) -> None:
        app = self.ctx.app
        roles = self._roles()
        scope = sorted(_parse_scope(self.scope.text()))
        if self.editing is None:
            # as kept (Caps Lock's Pick03 is pick03): the page then finds the new row, fills the
            # form with it and enables 重設密碼 and 停用帳號 (they stayed off, the account field
            # open, and a Save there changed that account while another name was on screen)
            account = account_key(self.account.text())
            name = self.name.text().strip()
            password = self.password.text()
            if not password:
                self.message.setText(self.tr("請輸入新帳號的初始密碼。"))
                self.password.setFocus()
                return
            self.ctx.tasks.run(
                operators.create_operator,
                app,
                account,
                name,
                roles,
                password,
                departments=scope,
                on_done=partial(self._done, self.tr("已新增帳號 {a}。"), account),
                on_error=self._error,
            )
        elif self.password.text():
            # Save sets no password: the one typed was cleared while the page said it saved
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(
                self.tr(
                    "密碼欄有新密碼：要設定它請按「重設密碼」(Alt+R)；"
                    "只存姓名、角色與業務範圍請先清空密碼欄。"
                )
            )
            self.password.setFocus()
        else:
            account = self.editing
            said = self.tr("已更新 {a} 的姓名、角色與業務範圍。")
            self.ctx.tasks.run(
                operators.set_roles,
                app,
                account,
                roles,
                departments=scope,
                name=self.name.text().strip(),
                on_done=partial(self._done, said, account),
                on_error=self._error,
            )

    def reset_password(self) -> None:
        if self.editing is None:
            return
        password = self.password.text()
        if not password:
            self.message.setText(self.tr("請在「密碼」欄輸入新密碼，再按重設密碼。"))
            self.password.setFocus()
            return
        account = self.editing
        self.ctx.tasks.run(
            operators.set_password,
            self.ctx.app,
            account,
            password,
            on_done=partial(self._done, self.tr("已重設 {a} 的密碼。"), account),
            on_error=self._error,
        )

    def disable(self) -> None:
        """停用帳號, or 重新啟用帳號 for an account that is disabled (the same key, Alt+D)."""
        if self.editing is None:
            return
        account = self.editing
        if self.editing_active:
            fn, said = operators.deactivate, self.tr("已停用帳號 {a}。")
        else:
            fn, said = operators.activate, self.tr("已重新啟用帳號 {a}。")
        self.ctx.tasks.run(
            fn,
            self.ctx.app,
            account,
            on_done=partial(self._done, said, account),
            on_error=self._error,
        )

    def _done(self, text: str, account: str, _result: object = None) -> None:
        self.password.clear()
        self.message.setStyleSheet("")
        self.message.setText(text.format(a=account))
        self.ctx.status_message.emit(text.format(a=account))
        self.editing = account
        self.reload(select=account)

    def _error(self, error: object) -> None:
        self.message.setStyleSheet("color: #b00020;")
        if isinstance(error, DomainError):
            self.message.setText(self.ctx.message(error))
            self._focus_field(error.field)
        else:
            self.message.setText(self.tr("操作失敗：{e}").format(e=type(error).__name__))

    def _focus_field(self, field: str | None) -> None:
        """The field the refusal names takes the focus, its text selected, so the admin types
        the correction at once (the focus stayed where Save was pressed)."""
        boxes = {
            "account": self.account,
            "name": self.name,
            "password": self.password,
            "departments": self.scope,
        }
        box = boxes.get(field or "")
        if box is not None and box.isEnabled() and not box.isReadOnly():
            box.setFocus()
            box.selectAll()


def create_page(ctx: GuiContext) -> QWidget:
    return OperatorsPage(ctx)
