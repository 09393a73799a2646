"""What a screen reader (NVDA reads Qt's accessibility tree) finds on each page: every field,
button, list and tab it can reach has a name, in the window's language, and a field is never
named only by the title of the box around it (Qt's fallback: the fees page's copies, reduction
and its reason all read 規費核計), nor with its label's Alt key (帳號(C), 起日(B): Qt reads a
sibling label whole but for the ``&``).

One walk of the tree per page (and one over the dialogs), in both languages, as the offscreen
window builds it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QLineEdit, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.gui import accessible, keyboard
from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.auth import LoginScreen
from eservice_desktop.gui.backup_dialog import BackupDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.help_menu import KeyHelp
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.identity_dialogs import OverrideDialog, PinDialog
from eservice_desktop.gui.main_window import MainWindow
from eservice_desktop.gui.shift_start import ShiftStartDialog
from eservice_desktop.gui.sync_conflicts import ConflictDialog
from eservice_desktop.gui.window_pages import PAGE_MODULES
from eservice_desktop.services import case_queues, doctor

R = QAccessible.Role
#: What a clerk reaches with Tab or the arrows, and so what the reader must name.
INTERACTIVE = {
    R.PushButton,
    R.CheckBox,
    R.RadioButton,
    R.EditableText,
    R.ComboBox,
    R.SpinBox,
    R.Slider,
    R.Table,
    R.List,
    R.Tree,
    R.PageTab,
    R.ButtonMenu,
    R.ButtonDropDown,
}
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: A field's name holding its label's Alt key ("帳號(C)"): NVDA says the key itself.
FIELDS = {R.EditableText, R.ComboBox, R.SpinBox}
KEY_IN_NAME = re.compile(r"[(（][A-Za-z0-9][)）]")


def unnamed(root: QWidget, lang: str) -> list[str]:
    """What the reader meets on ``root`` without a name (or in the wrong language, or named
    only by the group box around it)."""
    bad: list[str] = []
    buddies = {label.buddy() for label in root.findChildren(QLabel)}

    def walk(iface: QAccessibleInterface | None) -> None:
        if iface is None or not iface.isValid() or iface.state().invisible:
            return
        role, obj = iface.role(), iface.object()
        name = iface.text(QAccessible.Text.Name).strip()
        where = f"{role.name} {type(obj).__name__}#{obj.objectName() if obj else ''}"
        if role in INTERACTIVE:
            box = obj.parent() if isinstance(obj, QWidget) else None
            if not name:
                bad.append(f"{where}: no name")
            elif lang == "en" and HAN.search(name) and not isinstance(obj, QLabel):
                bad.append(f"{where}: {name!r} is not English")
            elif role in FIELDS and KEY_IN_NAME.search(name):
                bad.append(f"{where}: {name!r} reads the label's Alt key")
            elif (
                isinstance(obj, (QLineEdit, QSpinBox))
                and isinstance(box, QGroupBox)
                and name == accessible.spoken(box.title())
                and not obj.accessibleName()
                and obj not in buddies
            ):
                bad.append(f"{where}: only the box's title {name!r}")
        if role in (R.Table, R.List, R.Tree):
            return  # the cells are the model's data
        for i in range(iface.childCount()):
            walk(iface.child(i))

    walk(QAccessible.queryAccessibleInterface(root))
    return bad


@pytest.fixture(params=["zh_TW", "en"])
def window(request: pytest.FixtureRequest, ctx: GuiContext, qtbot: QtBot) -> Iterator[MainWindow]:
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    translators = install_translators(qt_app, request.param)
    seed_demo(ctx.app, 6, seed=3)
    ctx.lang = ctx.tasks.lang = request.param
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    keyboard.install()  # the window's rules, as the start installs them after the first paint
    main.show()
    qtbot.waitExposed(main)
    yield main
    remove_translators(qt_app, translators)


def _settle(ctx: GuiContext, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=10000)
    QApplication.processEvents()


@pytest.mark.parametrize("path", PAGE_MODULES, ids=[p.rsplit(".", 1)[-1] for p in PAGE_MODULES])
def test_every_control_of_the_page_has_a_name(
    path: str, window: MainWindow, ctx: GuiContext, qtbot: QtBot
) -> None:
    page = window.pages[path]
    window.show_page(path)
    _settle(ctx, qtbot)
    number = case_queues.search(ctx.app, "H01", limit=1)[0].case_number
    if path.endswith("payment_page"):
        page.load(number)  # type: ignore[attr-defined]
    if path.endswith("intake_form"):  # a service with fields of its own
        page.service_combo.setCurrentIndex(1)  # type: ignore[attr-defined]
    _settle(ctx, qtbot)
    lang = "en" if ctx.lang == "en" else "zh"
    assert unnamed(window, lang) == []


def test_every_control_of_the_case_detail_has_a_name(
    window: MainWindow, ctx: GuiContext, qtbot: QtBot
) -> None:
    window.open_case(case_queues.search(ctx.app, "H01", limit=1)[0].case_number)
    _settle(ctx, qtbot)
    assert unnamed(window, "en" if ctx.lang == "en" else "zh") == []


def test_every_control_of_the_dialogs_has_a_name(
    window: MainWindow, ctx: GuiContext, qtbot: QtBot
) -> None:
    """The sign-in, approval, PIN, override, backup, shift-start, sync-conflict and key help
    dialogs (the PIN field, and the lists of the backups, checks and keys, had none)."""
    report = doctor.Report([doctor.check_calendar(ctx.app.settings, ctx.app.now())])
    dialogs: list[QWidget] = [
        LoginScreen(ctx),
        ApprovalDialog(ctx, "x", lambda a, p, r: None, window),
        PinDialog({"left": 3}, window, target="H01-01-115-000001-7"),
        OverrideDialog(window),
        BackupDialog(ctx, window),
        ShiftStartDialog(ctx, report, window),
        ConflictDialog(ctx, window),
        KeyHelp(window),
    ]
    lang = "en" if ctx.lang == "en" else "zh"
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        assert unnamed(dialog, lang) == [], dialog.objectName()
        dialog.close()
