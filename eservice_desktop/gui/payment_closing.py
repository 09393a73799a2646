"""The daily closing (日結表) from the fees page: the day and scope the clerk picks, then a
PDF or CSV saved where the clerk says, or a printed copy.

Apart from ``gui/payment_page.py`` because the closing is about a day's receipts, not the case
on the page. The texts keep the translation context ``PaymentPage`` (``_t``), where the
English file has them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QWidget,
)

from eservice_desktop.gui import qt_print
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.dialog_life import ask_once
from eservice_desktop.gui.roc_date_edit import RocDateEdit
from eservice_desktop.services import daily_closing, exports


def _t(text: str) -> str:
    return QCoreApplication.translate("PaymentPage", text)


@dataclass(frozen=True)
class ClosingChoice:
    day: date
    #: "" this counter, None the whole office (``daily_closing.write_closing``).
    device: str | None
    #: "pdf", "csv" or "print".
    output: str


def ask_closing(parent: QWidget, today: date) -> ClosingChoice | None:
    """The closing dialog: business day (``today``, the office's day by the App's clock, not
    the PC's own), this counter or the whole office, and how to output it; None when the clerk
    cancels."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(_t("日結表"))
    lay = QFormLayout(dialog)
    day = RocDateEdit(QDate(today.year, today.month, today.day))
    scope = QComboBox()
    scope.addItems([_t("本櫃檯"), _t("全所")])
    lay.addRow(_t("營業日"), day)
    lay.addRow(_t("範圍"), scope)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    keys: dict[QAbstractButton, str] = {}
    for key, text in (
        ("pdf", _t("存成 PDF")),
        ("csv", _t("存成 CSV")),
        ("print", _t("列印")),
    ):
        keys[buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)] = key
    choice: list[str] = []

    def pressed(button: QAbstractButton) -> None:
        """Which output: the box says it (clicked) before it accepts."""
        choice[:] = [keys[button]] if button in keys else []

    def accepted() -> None:
        """The day typed must be one: 115/02/30 went on as 115/02/03, typed on the way."""
        if day.confirm():
            dialog.accept()

    buttons.clicked.connect(pressed)
    buttons.accepted.connect(accepted)
    buttons.rejected.connect(dialog.reject)
    lay.addRow(buttons)
    if ask_once(dialog) != QDialog.DialogCode.Accepted or not choice:
        return None
    d = day.date()
    device: str | None = None if scope.currentIndex() == 1 else ""
    return ClosingChoice(date(d.year(), d.month(), d.day()), device, choice[0])


def ask_path(parent: QWidget, chosen: ClosingChoice) -> Path | None:
    """Where to save the closing file (None when the clerk cancels the file dialog). A name
    typed without the suffix gets the one chosen (存成 PDF / CSV): the file dialog had no
    filter, and such a name was refused after the clerk had already chosen the format. A name
    Windows cannot hold as typed (``r.pdf.``) is refused, ``file.bad_name``
    (:func:`services.exports.chosen_target`)."""
    fmt = chosen.output
    filters = {"pdf": _t("PDF 檔 (*.pdf)"), "csv": _t("CSV 檔 (*.csv)")}
    path, _ = QFileDialog.getSaveFileName(
        parent, _t("儲存日結表"), f"closing-{chosen.day.isoformat()}.{fmt}", filters[fmt]
    )
    if not path:
        return None
    return exports.chosen_target(Path(path), fmt)


def save_closing(
    ctx: GuiContext,
    day: date,
    path: Path,
    device: str | None,
    on_error: Callable[[BaseException], None],
    *,
    on_saved: Callable[[str], None] | None = None,
) -> None:
    """Writes the closing on a worker; the status bar (and ``on_saved``: the page, under the
    receipts' buttons) says where, the day's net and cash, and warns of personal data."""

    def saved(r: Any) -> None:  # printing.closing.ClosingReport (gui does not import printing)
        text = QCoreApplication.translate(
            "PaymentPage",
            "日結表已存檔：{p}（淨額 {n} 元，應有現金 {c} 元）；"
            "含個人資料，僅限本帳號讀取，用畢請刪除",
        ).format(p=str(path), n=f"{r.net:,}", c=f"{r.cash_expected:,}")
        text += _backup_warning(ctx, r.backup_failed)
        text += _behind_warning(ctx, r.behind)
        if r.unprinted:
            text += QCoreApplication.translate(
                "PaymentPage", "；%n 張已收費的收據尚未列印：請按 F10 列印", None, len(r.unprinted)
            )
        ctx.status_message.emit(text)
        if on_saved is not None:
            on_saved(text)

    ctx.tasks.run(
        daily_closing.write_closing, ctx.app, day, path, device, on_done=saved, on_error=on_error
    )


def _backup_warning(ctx: GuiContext, failed: tuple[str, str] | None) -> str:
    """The day's backup the closing of today takes, when it was not: the closing stands."""
    if failed is None:
        return ""
    zh, en = failed
    if ctx.is_zh:
        return f"；但今日備份未完成（{zh}），請通知資訊人員"
    return f"; but the day's backup was not taken ({en}): tell IT"


def _behind_warning(ctx: GuiContext, behind: Any) -> str:
    """Counters whose receipts may be missing (``printing.closing_behind.CounterBehind``)."""
    if not behind:
        return ""
    if ctx.is_zh:
        return "；" + "；".join(c.shown() for c in behind) + "：其後收費可能未列入本表"
    return "; " + "; ".join(c.shown_en() for c in behind) + ": its receipts since may be missing"


def print_closing(
    ctx: GuiContext,
    parent: QWidget,
    day: date,
    device: str | None,
    *,
    printer: QPrinter | None,
    on_error: Callable[[BaseException], None],
    on_printed: Callable[[str], None] | None = None,
) -> None:
    """Prints the closing: the document is made on a worker, the print dialog is the UI's.
    Once printed the status bar (and ``on_printed``) says so: nothing did, and a clerk could
    not tell a closing printed from one still on its way."""
    app = ctx.app

    def make() -> bytes:
        return daily_closing.closing_document(app, day, device)

    def printed(pages: int) -> None:
        text = QCoreApplication.translate("PaymentPage", "日結表已送印（{n} 頁）").format(n=pages)
        ctx.status_message.emit(text)
        if on_printed is not None:
            on_printed(text)

    qt_print.print_document(
        ctx,
        make,
        parent=parent,
        printer=printer,
        title=("列印日結表", "Print the daily closing"),
        on_done=printed,
        on_error=on_error,
    )
