"""A pickup code scanned while another page is in front goes to the pickup desk, not into a field.

The pickup desk (``gui/pickup_desk.py``) and the fees page (``gui/payment_scan.py``) catch a
keyboard-wedge scanner's burst themselves. On any other page the 168 characters of a citizen's
pickup code were typed into whatever field had the focus, and its Enter went on: the intake
form's 申請人姓名 filled with ``AEAQCAIB…``, the queue's search box searched for it. The window
now watches the same way (``gui/barcode_wedge.py``, the same timing rule and scanner settings)
on every other page: a burst that is a pickup code never reaches the field, the status bar says
so, and the clerk is offered the pickup desk with the code checked there; any other scan (a case
number into the search box) reaches the field as typed, Enter and all. Not while the window is
locked or a dialog is open over it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.pickup_token import token_bytes
from eservice_desktop.gui.barcode_wedge import WedgeFilter
from eservice_desktop.services.scanners import wedge_rules

if TYPE_CHECKING:
    from eservice_desktop.gui.main_window import MainWindow

PICKUP_PAGE = "eservice_desktop.gui.pickup_desk"
#: The pages whose own catcher takes every scan (the desk's; the fees page's payment_scan).
OWN_CATCHERS = (PICKUP_PAGE, "eservice_desktop.gui.payment_page")


def _t(text: str) -> str:
    return QCoreApplication.translate("StrayScans", text)


def watch(window: MainWindow) -> WedgeFilter:
    """Starts catching pickup codes scanned on ``window``'s other pages (lives as the window)."""
    rules = wedge_rules(window.ctx.settings)  # not ctx.app: the core opens after the first paint
    wedge = WedgeFilter(
        rules,
        lambda: _active(window),
        window,
        takes=is_pickup_code,
        holds=may_be_pickup_code,
        within=window,  # installed on the application: its other windows are not watched
    )
    wedge.scanned.connect(lambda text: scanned(window, text))
    return wedge


#: What a scanner types a pickup code with (base32: capitals and 2-7).
_CODE_KEYS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def may_be_pickup_code(ch: str, text: str) -> bool:
    """A key that may be part of a scanned pickup code: its key is a capital or 2-7, and it
    did not type a small letter (a clerk's ordinary typing then reaches the field at once, not
    held for the burst's 30 ms; a Zhuyin layout's text, ㄅ for the 1 key, is still held)."""
    return ch in _CODE_KEYS and not (text.isascii() and text.islower())


def is_pickup_code(text: str) -> bool:
    """``text`` has the shape of a pickup code (its signature is the desk's to check)."""
    try:
        token_bytes(text)
    except DomainError:
        return False
    return True


def _active(window: MainWindow) -> bool:
    """On a page that does not catch scans itself, the window unlocked, no dialog over it."""
    if window.locked or window.screens.currentWidget() is not window.stack:
        return False
    if QApplication.activeModalWidget() is not None:
        return False
    focus = QApplication.focusWidget()
    if focus is not None and focus.window() is not window:
        return False
    page = window.current_page()
    return all(window.pages.built.get(path) is not page for path in OWN_CATCHERS)


def scanned(window: MainWindow, text: str) -> None:
    """A pickup code was scanned on another page: said, and the desk offered when the
    operator may hand documents over."""
    operator = window.ctx.operator
    if operator is None or not window.page_allowed(PICKUP_PAGE, operator):
        window.ctx.status_message.emit(
            _t("掃描到領件條碼（未輸入到欄位）；本帳號不辦理領件，請民眾至領件櫃台")
        )
        return
    window.ctx.status_message.emit(_t("掃描到領件條碼（未輸入到欄位）"))
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _t("領件條碼"),
        _t(
            "掃描到的是民眾的領件條碼，並未輸入到目前的欄位。"
            "要開啟「多媒體簡訊領件」頁核對這個條碼嗎？"
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        window,
    )
    box.setObjectName("stray_scan_box")
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    code = [text]
    _watch_offer(window, box, code)

    def answered(_result: int) -> None:
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            desk = window.show_page(PICKUP_PAGE)
            desk.scan(code[0])  # type: ignore[attr-defined]
        box.deleteLater()

    box.finished.connect(answered)
    box.open()


def _watch_offer(window: MainWindow, box: QMessageBox, code: list[str]) -> None:
    """Another pickup code scanned while the desk is offered (the next citizen's): its Enter
    answered the offer and the desk checked the first code, the second lost. The offer takes
    the new code and says so (the window's catcher is off while a dialog is open)."""
    wedge = WedgeFilter(
        wedge_rules(window.ctx.settings),
        box.isVisible,
        box,
        takes=is_pickup_code,
        holds=may_be_pickup_code,
        within=box,
    )

    def rescanned(text: str) -> None:
        code[0] = text
        box.setInformativeText(_t("已改為最後掃描的條碼。"))
        window.ctx.status_message.emit(_t("掃描到另一個領件條碼：以最後掃描的為準"))

    wedge.scanned.connect(rescanned)
