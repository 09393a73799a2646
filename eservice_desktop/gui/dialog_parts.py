"""The parts every password dialog of the window is built of (the supervisor's approval, an
operator's own password): a refusal line and the OK/Cancel row that submits. One place, so the
dialogs say a refusal alike (red, wrapped, and said to a screen reader, not only painted)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox

from eservice_desktop.gui.accessible import SpokenLabel


def refusal_line(name: str) -> SpokenLabel:
    """The dialog's message line: its refusals, and "… 中" while the service works."""
    line = SpokenLabel(assertive=True)
    line.setObjectName(name)
    line.setWordWrap(True)
    line.setStyleSheet("color: #b00020;")
    return line


def submit_row(
    dialog: QDialog, ok_text: str, cancel_text: str, submit: Callable[[], None]
) -> QDialogButtonBox:
    """OK (``ok_text``, the default button: Enter) calls ``submit``; Cancel (Esc) rejects."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(submit)
    buttons.rejected.connect(dialog.reject)
    return buttons
