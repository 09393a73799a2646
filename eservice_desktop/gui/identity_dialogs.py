"""The two dialogs of a MOICA proof: the PIN (typed by the holder, tries left shown first) and a
supervisor's override of an unknown revocation status (account, password, reason).

Apart from ``gui.identity_panel`` (which opens them and re-exports them) because each is a
self-contained form; the panel keeps the proof's flow. Their texts keep their own translation
contexts (``PinDialog``, ``OverrideDialog``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.gui.keyboard import keys_as_typed


class PinDialog(QDialog):
    """Asks for the PIN once; shows the tries left before the holder types."""

    def __init__(
        self, tries: dict[str, Any], parent: QWidget | None = None, target: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pin_dialog")
        self.setWindowTitle(self.tr("輸入自然人憑證 PIN 碼"))
        layout = QVBoxLayout(self)
        self.target_label = QLabel(target)
        self.target_label.setObjectName("pin_target")
        self.target_label.setWordWrap(True)
        self.target_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.target_label)
        self.tries_label = QLabel(self._tries_text(tries))
        self.tries_label.setObjectName("pin_tries")
        self.tries_label.setWordWrap(True)
        layout.addWidget(self.tries_label)
        self.pin = QLineEdit()
        self.pin.setObjectName("pin_edit")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(16)
        self.pin.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9A-Za-z]{0,16}"), self.pin)
        )
        self.pin.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        # a screen reader names the field and says the tries left with it
        self.pin.setAccessibleName(self.tr("PIN 碼"))
        self.pin.setAccessibleDescription(self.tries_label.text())
        layout.addWidget(self.pin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        # Enter on an empty field sent an empty PIN to the card, which counts it as a wrong
        # one: a try of the citizen's gone without anybody typing.
        self.ok_button.setEnabled(False)
        self.pin.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text)))

    def accept(self) -> None:
        if self.pin.text():
            super().accept()

    def _tries_text(self, tries: dict[str, Any]) -> str:
        state = tries.get("state")
        if state == "final":
            return self.tr("注意：只剩最後 1 次機會，再輸入錯誤將鎖卡。請持卡人自行輸入 PIN 碼。")
        if state == "low":
            return self.tr("PIN 碼曾輸入錯誤，剩餘次數已減少。請持卡人自行輸入 PIN 碼。")
        left = tries.get("left")
        return self.tr("請持卡人自行輸入 PIN 碼（可嘗試 %n 次）。", "", int(left or 3))

    def take_pin(self) -> str:
        """Returns the PIN and clears the field, so it stays in no widget."""
        pin = self.pin.text()
        self.pin.clear()
        return pin


class OverrideDialog(QDialog):
    """A supervisor accepts an unknown revocation status with their own account and password;
    both accounts and the reason are recorded (``case.approval_granted``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("override_dialog")
        self.setWindowTitle(self.tr("主管覆核"))
        form = QFormLayout(self)
        note = QLabel(self.tr("憑證撤銷狀態無法確認。由主管決定是否接受，並記錄於案件。"))
        note.setWordWrap(True)  # one line was wider than a screen at 200 % (683 px)
        form.addRow(note)
        self.supervisor = QLineEdit()
        self.supervisor.setObjectName("override_supervisor")
        keys_as_typed(self.supervisor)
        self.reason = QLineEdit()
        self.reason.setObjectName("override_reason")
        # The supervisor's own password on this counter (services.approvals): a typed name
        # alone approves nothing.
        self.password = QLineEdit()
        self.password.setObjectName("override_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("主管帳號"), self.supervisor)
        form.addRow(self.tr("主管密碼"), self.password)
        form.addRow(self.tr("理由"), self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
