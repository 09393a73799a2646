"""The crash dialog: after an uncaught exception (logged, redacted, by logs.install_crash_handlers)
the clerk reads, in Chinese first, that nothing committed was lost and where the log is."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from eservice_desktop import logs
from eservice_desktop.gui.dialog_life import open_once

_OPEN: list[QMessageBox] = []


def crash_text(log_dir: Path) -> str:
    return (
        "程式發生未預期的錯誤。\n"
        "已完成（已送出存檔）的案件、收費與領件都已保存，沒有遺失；"
        "只有正在填寫、尚未送出的畫面可能需要重新輸入（收件表單草稿會自動還原）。\n"
        f"錯誤記錄在：{log_dir}\n請將此資料夾中的記錄檔提供給資訊人員。\n\n"
        "An unexpected error occurred. Everything already committed (cases, payments, pickups)"
        f" is saved and nothing was lost. The log is in {log_dir}."
    )


def show_crash_dialog(log_dir: Path, parent: QWidget | None = None) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("crash_dialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("程式錯誤 / Program error")
    box.setText(crash_text(log_dir))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.finished.connect(lambda _r: _OPEN.remove(box) if box in _OPEN else None)
    _OPEN.append(box)
    open_once(box)
    return box


def install(log_dir: Path) -> None:
    """Uncaught exceptions are logged to ``log_dir`` and then shown with the dialog."""
    logs.install_crash_handlers(log_dir)

    def listener(where: Path) -> None:
        if QApplication.instance() is not None:
            show_crash_dialog(where, QApplication.activeWindow())

    logs.CRASH_LISTENERS[:] = [listener]
