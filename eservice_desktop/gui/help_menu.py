"""說明 ▸ 鍵盤快速鍵 (F1) and 說明 ▸ 關於.

The key list is read from the window itself when it opens: the actions with a shortcut (the
page bar's F-keys, 檔案 and 前往) for the whole window, and for the page on screen its buttons'
Alt+letters and the keys they show in their text (``(F9)``), its fields' Alt+letters (a label's
mnemonic moves to its field), its tabs' keys and the second keys of its own (a ``QShortcut``
whose ``whatsThis`` says what it does: Ctrl+Shift+A beside 附加檔案's Alt+E). A list written
by hand would drift from the keys the window really has; this one cannot.

關於 says what IT is asked on the telephone: the version, the office and counter, where the
data is and which county it syncs with.
"""

from __future__ import annotations

import platform
import re
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTabBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop import __version__
from eservice_desktop.gui.accessible import SHOWN_KEY, plain
from eservice_desktop.gui.dialog_fit import open_at
from eservice_desktop.gui.dialog_life import open_once

if TYPE_CHECKING:
    from eservice_desktop.gui.main_window import MainWindow

_MNEMONIC = re.compile(r"&([^&\s])")
_TAB_KEY = re.compile(r"\s*(Alt\+\d)\s*$")


def _t(text: str) -> str:
    return QCoreApplication.translate("HelpMenu", text)


def _mnemonic(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return f"Alt+{found.group(1).upper()}" if found else None


def window_keys(window: QWidget) -> list[tuple[str, str]]:
    """(key, what it does) of every action of the window with a shortcut."""
    out: list[tuple[str, str]] = []
    for action in window.findChildren(QAction):
        if not (action.isEnabled() and action.isVisible() and action.text()):
            continue
        for seq in action.shortcuts():
            out.append((seq.toString(QKeySequence.SequenceFormat.NativeText), plain(action.text())))
    return _unique(out)


def page_keys(page: QWidget) -> list[tuple[str, str]]:
    """(key, what it does) of the buttons, fields and tabs the page shows now."""
    out: list[tuple[str, str]] = []
    for button in page.findChildren(QAbstractButton):
        if button.isVisibleTo(page) and button.text():  # one waiting for a case too
            shown = SHOWN_KEY.search(button.text())
            keys = [k for k in (shown.groups() if shown else ()) if k]
            keys += [m] if (m := _mnemonic(button.text())) else []
            out += [(key, plain(button.text())) for key in keys]
    for label in page.findChildren(QLabel):
        key = _mnemonic(label.text())
        if key and label.buddy() is not None and label.isVisibleTo(page):
            out.append((key, _t("移到欄位：{0}").format(plain(label.text()).rstrip("：:"))))
    for shortcut in page.findChildren(QShortcut):  # a second key, named in its whatsThis
        if shortcut.isEnabled() and shortcut.whatsThis():
            key = shortcut.key().toString(QKeySequence.SequenceFormat.NativeText)
            out.append((key, plain(shortcut.whatsThis())))
    for bar in page.findChildren(QTabBar):
        for i in range(bar.count() if bar.isVisibleTo(page) else 0):
            if found := _TAB_KEY.search(bar.tabText(i)):
                out.append((found.group(1), _t("分頁：{0}").format(plain(bar.tabText(i)))))
    return _unique(out)


def _unique(keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys((k, w) for k, w in keys if k and w))


class KeyHelp(QDialog):
    """The window's keys and the keys of the page on screen, in two groups."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("key_help")
        self.setWindowTitle(_t("鍵盤快速鍵"))
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("key_help_tree")
        self.tree.setHeaderLabels([_t("按鍵"), _t("動作")])
        self.tree.setRootIsDecorated(False)
        page = window.current_page()
        self._group(_t("這一頁"), page_keys(page) if page is not None else [])
        docks = [d for d in window.panels if d.isVisible()]
        self._group(_t("側邊面板"), _unique([k for d in docks for k in page_keys(d)]))
        self._group(_t("整個視窗"), window_keys(window))
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        group = self.tree.topLevelItem(0)
        first = group.child(0) if group is not None else None
        if first is not None:
            self.tree.setCurrentItem(first)  # arrows start on a key, not a heading
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        open_at(self, 560, 520)
        self.tree.setFocus()

    def _group(self, title: str, keys: list[tuple[str, str]]) -> None:
        if not keys:
            return
        head = QTreeWidgetItem(self.tree, [title])
        head.setFirstColumnSpanned(True)
        head.setFlags(head.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        for key, what in keys:
            QTreeWidgetItem(head, [key, what])

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, key, action) as listed (what the tests read)."""
        out = []
        heads = (self.tree.topLevelItem(g) for g in range(self.tree.topLevelItemCount()))
        for head in filter(None, heads):
            rows = filter(None, (head.child(i) for i in range(head.childCount())))
            out += [(head.text(0), row.text(0), row.text(1)) for row in rows]
        return out


def show_keys(window: MainWindow) -> KeyHelp:
    return open_once(KeyHelp(window))


def about_text(window: MainWindow) -> str:
    """The product, its version and what IT asks for when a counter calls."""
    ctx = window.ctx
    s, office = ctx.settings, ctx.office
    lines = [
        _t("戶政／地政事務所櫃檯系統"),
        _t("版本 {0}").format(__version__),
        _t("事務所：{0}（{1}）櫃檯 {2}").format(
            ctx.pick(office.name, office.name_en), office.code, s.device_id
        ),
        _t("資料夾：{0}").format(s.data_dir),
        _t("縣府伺服器：{0}").format(s.county_url or _t("未設定")),
    ]
    if s.demo:
        lines.append(_t("示範模式（資料為示範資料）"))
    lines.append(f"Python {platform.python_version()} · PySide6 {pyside_version}")
    return "\n".join(lines)


def show_about(window: MainWindow) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, _t("關於"), about_text(window), parent=window)
    box.setObjectName("about_box")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return open_once(box)
