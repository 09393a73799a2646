"""The counter's main window: pages in a stack, a menu with every page's shortcut, side panels
and a status bar.

Adding a feature to the window is one line in one of these tuples (and never a change to
another page):

``PAGE_MODULES``
    Module paths of pages. Each module exports ``PAGE_TITLE_ZH``, ``PAGE_TITLE_EN``,
    ``PAGE_SHORTCUT`` (a QKeySequence string such as ``"F4"``, or ``""``) and
    ``create_page(ctx: GuiContext) -> QWidget``. Optional hooks on the returned widget:
    ``on_shown()`` (called each time the page comes to the front, e.g. to focus its first
    field), ``focus_search()`` (Ctrl+F lands there when the page has it), ``shown_case()``
    (the ``ScreenCase`` the page displays, or None; the page emits ``ctx.screen_case_changed``
    when it changes) and ``has_unsaved_input()`` (True keeps Esc from leaving the page).
``STATUS_WIDGET_MODULES``
    Modules exporting ``create_status_widget(ctx, defer=False) -> QWidget``, added to the right
    of the status bar in order (e.g. the sync state).
``PANEL_MODULES``
    Modules exporting ``create_panel(ctx, defer=False) -> QWidget`` and optionally
    ``PANEL_TITLE_ZH`` / ``PANEL_TITLE_EN``; each becomes a dock on the right (e.g. the
    identity panel).

With ``defer_background=True`` (``gui/app.py``'s start) status widgets and panels are built
with ``defer=True`` and their background work (sync loop, card monitor: the heavy imports)
waits for :meth:`MainWindow.begin_background`, called once the first list is shown; each
such widget has a ``start_background()`` method.

A module that fails to import stops the window from opening with the import error: a
counter missing a feature silently is worse than one that does not start.

Keys: F2 intake, F3 queue and its search box, Ctrl+F search, Esc back to the previous page
(never away from unsaved input: ``gui/keyboard.py``), Ctrl+Q quit; each page's own
``PAGE_SHORTCUT``.

The window says which case is in front of the clerk (``ctx.case_in_front``, and
``ctx.screen_case()`` asked at the moment of acting): the case the page in front shows, or None.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from eservice_desktop import __version__
from eservice_desktop.gui import keyboard
from eservice_desktop.gui.context import GuiContext, ScreenCase

PAGE_MODULES: tuple[str, ...] = (
    "eservice_desktop.gui.queue_page",
    "eservice_desktop.gui.intake_form",
    "eservice_desktop.gui.pickup_desk",
    "eservice_desktop.gui.payment_page",
    "eservice_desktop.gui.reports_page",
)

STATUS_WIDGET_MODULES: tuple[str, ...] = ("eservice_desktop.gui.sync_status",)

PANEL_MODULES: tuple[str, ...] = ("eservice_desktop.gui.identity_panel",)

APP_TITLE_ZH = "戶政／地政事務所櫃檯系統"
APP_TITLE_EN = "Household / Land Office Counter"

QUEUE_PAGE = "eservice_desktop.gui.queue_page"
INTAKE_PAGE = "eservice_desktop.gui.intake_form"


def _load(path: str) -> ModuleType:
    return importlib.import_module(path)


class MainWindow(QMainWindow):
    def __init__(
        self, ctx: GuiContext, parent: QWidget | None = None, defer_background: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._defer = defer_background
        self.setObjectName("MainWindow")
        office = ctx.app.office
        title = ctx.pick(APP_TITLE_ZH, APP_TITLE_EN)
        self.setWindowTitle(f"{title} — {ctx.pick(office.name, office.name_en)}")
        self.resize(1200, 760)

        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.pages: dict[str, QWidget] = {}
        self.page_actions: dict[str, QAction] = {}
        self.page_bar_actions: dict[str, QAction] = {}
        self._history: list[QWidget] = []
        self._holders: dict[QWidget, QScrollArea] = {}

        self._build_menu_bar()
        # The page bar makes every desk one click (or its F-key) away for clerks who do not
        # know the shortcuts yet; it shows the key next to each page's name.
        self.page_bar = QToolBar(self.tr("頁面"), self)
        self.page_bar.setObjectName("page_bar")
        self.page_bar.setMovable(False)
        self.page_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.page_bar)
        self.page_group = QActionGroup(self)
        self.page_group.setExclusive(True)
        for path in PAGE_MODULES:
            self._add_page(path)

        from eservice_desktop.gui.case_detail import CaseDetail

        self.case_detail = CaseDetail(ctx, self)
        self.case_detail.setObjectName("case_detail")
        self._add_to_stack(self.case_detail)

        self.panels: list[QDockWidget] = []
        for path in PANEL_MODULES:
            self._add_panel(path)

        self._build_status_bar()
        self._build_shortcuts()
        keyboard.install()  # Tab leaves tables; dialog buttons show their keys
        ctx.open_case_requested.connect(self.open_case)
        ctx.screen_case = self.screen_case
        ctx.screen_case_changed.connect(self._announce_case)
        ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        ctx.tasks.failed.connect(lambda text: self.statusBar().showMessage(text, 15000))
        if QUEUE_PAGE in self.pages:
            self.show_page(QUEUE_PAGE, remember=False)

    # -- construction ------------------------------------------------------------------------

    def _build_menu_bar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("檔案(&F)"))
        backup_action = QAction(self.tr("備份與還原(&K)…"), self)
        backup_action.setObjectName("backup_action")
        backup_action.triggered.connect(self.open_backups)
        file_menu.addAction(backup_action)
        quit_action = QAction(self.tr("結束(&X)"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.pages_menu = bar.addMenu(self.tr("頁面(&P)"))
        self.go_menu = bar.addMenu(self.tr("前往(&G)"))
        search_action = QAction(self.tr("搜尋案件(&S)"), self)
        search_action.setShortcut(QKeySequence("Ctrl+F"))
        search_action.triggered.connect(self.focus_search)
        self.go_menu.addAction(search_action)
        back_action = QAction(self.tr("返回上一頁(&B)"), self)
        back_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        back_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        back_action.triggered.connect(self.go_back)
        self.go_menu.addAction(back_action)
        self.addAction(back_action)
        help_menu = bar.addMenu(self.tr("說明(&H)"))
        about = QAction(self.tr("關於(&A)"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _add_page(self, path: str) -> None:
        module = _load(path)
        widget: QWidget = module.create_page(self.ctx)
        widget.setObjectName(widget.objectName() or path.rsplit(".", 1)[-1])
        self.pages[path] = widget
        self._add_to_stack(widget)
        title = self.ctx.pick(module.PAGE_TITLE_ZH, module.PAGE_TITLE_EN)
        action = QAction(title, self)
        shortcut = getattr(module, "PAGE_SHORTCUT", "")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(lambda _=False, p=path: self.show_page(p))
        self.pages_menu.addAction(action)
        bar_action = self.page_bar.addAction(f"{title}  {shortcut}" if shortcut else title)
        bar_action.setCheckable(True)
        bar_action.setActionGroup(self.page_group)
        bar_action.setToolTip(f"{title} ({shortcut})" if shortcut else title)
        bar_action.triggered.connect(lambda _=False, p=path: self.show_page(p))
        self.page_bar_actions[path] = bar_action
        self.addAction(action)
        self.page_actions[path] = action

    def _add_to_stack(self, page: QWidget) -> None:
        """Each page sits in a frameless scroll area: on a short screen (1366×768 minus a task
        bar) a tall page scrolls instead of pushing the window past the screen's edge."""
        holder = QScrollArea(self.stack)
        holder.setObjectName("holder_" + page.objectName())
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a stop in the Tab chain
        holder.setWidget(page)
        self._holders[page] = holder
        self.stack.addWidget(holder)

    def _add_panel(self, path: str) -> None:
        module = _load(path)
        widget: QWidget = module.create_panel(self.ctx, defer=self._defer)
        title = self.ctx.pick(
            getattr(module, "PANEL_TITLE_ZH", ""), getattr(module, "PANEL_TITLE_EN", "")
        )
        dock = QDockWidget(title, self)
        dock.setObjectName("dock_" + path.rsplit(".", 1)[-1])
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.panels.append(dock)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        s = self.ctx.app.settings
        office = self.ctx.app.office
        self.office_label = QLabel(
            self.tr("{office}（{code}）櫃檯 {device}　承辦人：{clerk}").format(
                office=self.ctx.pick(office.name, office.name_en),
                code=office.code,
                device=s.device_id,
                clerk=self.ctx.app.operator.account if self.ctx.app.operator else "",
            )
        )
        self.office_label.setObjectName("office_label")
        status.addWidget(self.office_label)
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busy_bar")
        self.busy_bar.setMaximumWidth(220)
        self.busy_bar.setTextVisible(True)
        self.busy_bar.hide()
        status.addPermanentWidget(self.busy_bar)
        self.status_widgets: list[QWidget] = []
        for path in STATUS_WIDGET_MODULES:
            widget = _load(path).create_status_widget(self.ctx, defer=self._defer)
            status.addPermanentWidget(widget)
            self.status_widgets.append(widget)
        self.ctx.tasks.busy_changed.connect(self._busy)
        self.ctx.tasks.progress_changed.connect(self._progress)

    def _build_shortcuts(self) -> None:
        # Alternative keys that are not worth a menu entry of their own.
        f3 = QShortcut(QKeySequence("Ctrl+L"), self)
        f3.activated.connect(self.focus_search)

    def begin_background(self) -> None:
        """Starts what status widgets and panels deferred (``defer_background``)."""
        for widget in [*self.status_widgets, *(dock.widget() for dock in self.panels)]:
            start = getattr(widget, "start_background", None)
            if callable(start):
                start()

    # -- navigation --------------------------------------------------------------------------

    def current_page(self) -> QWidget | None:
        holder = self.stack.currentWidget()
        return holder.widget() if isinstance(holder, QScrollArea) else holder

    def show_page(self, path: str, remember: bool = True) -> QWidget:
        widget = self.pages[path]
        self._show(widget, remember)
        return widget

    def _show(self, widget: QWidget, remember: bool = True) -> None:
        current = self.current_page()
        if remember and current is not None and current is not widget:
            self._history.append(current)
            del self._history[:-20]
        self.stack.setCurrentWidget(self._holders.get(widget, widget))
        for path, page in self.pages.items():
            if page is widget:
                self.page_bar_actions[path].setChecked(True)
        hook = getattr(widget, "on_shown", None)
        if callable(hook):
            hook()
        self._announce_case()

    def screen_case(self) -> ScreenCase | None:
        """The case the page in front displays (None: no case on screen)."""
        hook = getattr(self.current_page(), "shown_case", None)
        case = hook() if callable(hook) else None
        return case if isinstance(case, ScreenCase) else None

    def _announce_case(self) -> None:
        self.ctx.case_in_front.emit(self.screen_case())

    def go_back(self) -> None:
        """Esc: back to the previous page, unless this one holds input not yet saved (then
        it says so and stays). Open popups and dialogs take Esc before the window does."""
        popup = QApplication.activePopupWidget()
        if popup is not None:  # a completer or combo list: Esc closes it and nothing else
            popup.close()
            return
        current = self.current_page()
        if current is not None and keyboard.has_unsaved_input(current):
            self.statusBar().showMessage(
                self.tr("本頁有尚未送出的資料，Esc 不會離開；請先送出或清除（F3 回案件清單）"), 8000
            )
            return
        while self._history:
            widget = self._history.pop()
            if widget is not self.current_page():
                self._show(widget, remember=False)
                return
        if QUEUE_PAGE in self.pages and self.current_page() is not self.pages[QUEUE_PAGE]:
            self._show(self.pages[QUEUE_PAGE], remember=False)

    def focus_search(self) -> None:
        current = self.current_page()
        if not callable(getattr(current, "focus_search", None)) and QUEUE_PAGE in self.pages:
            current = self.show_page(QUEUE_PAGE)
        hook: Any = getattr(current, "focus_search", None)
        if callable(hook):
            hook()

    def open_case(self, case_number: str) -> None:
        self.case_detail.load(case_number)
        self._show(self.case_detail)

    # -- status ------------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        if busy:
            self.busy_bar.setRange(0, 0)

    def _progress(self, label: str, done: int, total: int) -> None:
        if total > 0:
            self.busy_bar.setRange(0, total)
            self.busy_bar.setValue(done)
        self.busy_bar.setFormat(f"{label} %v/%m" if label else "%v/%m")

    def open_backups(self) -> QDialog:
        from eservice_desktop.gui.backup_dialog import BackupDialog

        dialog = BackupDialog(self.ctx, self)
        dialog.open()
        return dialog

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("關於"),
            self.tr("戶政／地政事務所櫃檯系統\n版本 {version}").format(version=__version__),
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        for widget in self.pages.values():
            hook = getattr(widget, "on_closing", None)
            if callable(hook):
                hook()
        self.ctx.tasks.shutdown()
        super().closeEvent(event)
