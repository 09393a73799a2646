"""The counter's main window: pages in a stack, a menu with every page's shortcut, side panels
and a status bar.

Adding a feature to the window is one line in one of these tuples (and never a change to
another page):

``PAGES``
    One :class:`PageEntry` per page: its module's path, its title in both languages, its key
    (a QKeySequence string such as ``"F4"``, or ``""``) and the use case it needs. They are
    declared here, not in the page's module, so the window lists every page in its menus
    without importing the modules (each loads the services and printing behind its page: a
    tenth of a second together at sign-in); a module is imported when its page is first built.
    Each module exports ``create_page(ctx: GuiContext) -> QWidget``. An entry's
    ``wanted_at_sign_in(ctx) -> bool`` (True: the page holds something to show at once, e.g. a
    restored draft, and is built at sign-in) is a check that needs no page module: the queue is
    painted without importing the intake form (a tenth of a second).
    Optional hooks on the returned widget:
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

Pages are built when first shown (their key, menu entry or page-bar button, or any code
that asks ``window.pages[path]``): at sign-in only the page shown first (the queue) exists, so
the signed-in start builds, lays out and fills one page instead of all of them. A page the
operator's roles do not open is never built by the window. Until the intake form exists a card
read builds it (it fills its applicant, as it would in the background), and the payment page
takes, when built, the case last written or shown elsewhere (what F6 brings up).

With ``defer_background=True`` (``gui/launcher.py``'s start) status widgets and panels are built
with ``defer=True`` and their background work (sync loop, card monitor: the heavy imports)
waits for :meth:`MainWindow.begin_background`, called once the first list is shown; each
such widget has a ``start_background()`` method.

A module that fails to import is not left for a clerk to find: once the window is interactive
(``begin_background``, or the first sign-in after it) every page's module is imported, and an
import error reaches the crash handler (logged, the crash dialog): a counter missing a feature
silently is worse than one that does not start.

Keys: F2 intake, F3 queue and its search box, Ctrl+F search, Esc back to the previous page
(never away from unsaved input: ``gui/keyboard.py``), Ctrl+Q quit; each page's own key
(``PageEntry.shortcut``).

The window says which case is in front of the clerk (``ctx.case_in_front``, and
``ctx.screen_case()`` asked at the moment of acting): the case the page in front shows, or None.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
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
from eservice_desktop.domain.operators import Action, Operator
from eservice_desktop.gui import keyboard
from eservice_desktop.gui.context import GuiContext, ScreenCase, intake_draft_path

if TYPE_CHECKING:
    from eservice_desktop.gui.case_detail import CaseDetail

_GUI = "eservice_desktop.gui"
QUEUE_PAGE = f"{_GUI}.queue_page"
INTAKE_PAGE = f"{_GUI}.intake_form"


@dataclass(frozen=True)
class PageEntry:
    """A page as the menus, the page bar, the keys and the roles see it (before it is built)."""

    path: str
    title_zh: str
    title_en: str
    shortcut: str = ""
    #: The use case (``domain.operators.Action`` member name) the page needs; "" for none.
    #: Pages the operator's roles do not allow are hidden.
    action: str = ""
    #: Asked at each sign-in (without importing the page's module): True builds the page now.
    wanted_at_sign_in: Callable[[GuiContext], bool] | None = None


def _intake_draft_waits(ctx: GuiContext) -> bool:
    """A draft of the intake form waits on disk: the form is built at sign-in, restores it and
    says so."""
    return intake_draft_path(ctx).exists()


PAGES: tuple[PageEntry, ...] = (
    PageEntry(QUEUE_PAGE, "案件清單", "Case queue", "F3", "SEARCH"),
    PageEntry(INTAKE_PAGE, "收件", "Intake", "F2", "INTAKE", wanted_at_sign_in=_intake_draft_waits),
    PageEntry(f"{_GUI}.pickup_desk", "多媒體簡訊領件", "MMS pickup desk", "F8", "HANDOVER"),
    PageEntry(f"{_GUI}.payment_page", "規費收費", "Fees and receipts", "F6", "RECORD_PAYMENT"),
    # Supervisors and administrators.
    PageEntry(f"{_GUI}.reports_page", "報表", "Reports", "F7", "REPORTS"),
    PageEntry(f"{_GUI}.operators_page", "操作人員管理", "Operators", "F11", "MANAGE_OPERATORS"),
)

PAGE_MODULES: tuple[str, ...] = tuple(p.path for p in PAGES)

STATUS_WIDGET_MODULES: tuple[str, ...] = ("eservice_desktop.gui.sync_status",)

PANEL_MODULES: tuple[str, ...] = ("eservice_desktop.gui.identity_panel",)

APP_TITLE_ZH = "戶政／地政事務所櫃檯系統"
APP_TITLE_EN = "Household / Land Office Counter"

_ENTRIES: dict[str, PageEntry] = {p.path: p for p in PAGES}


def _load(path: str) -> ModuleType:
    return importlib.import_module(path)


class LazyPages(Mapping[str, QWidget]):
    """``window.pages``: every page of the window (none before the first sign-in), each built
    the first time it is asked for. ``built`` holds the ones that exist."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.built: dict[str, QWidget] = {}

    def __getitem__(self, path: str) -> QWidget:
        if path not in self._window.page_actions:
            raise KeyError(path)
        page = self.built.get(path)
        return page if page is not None else self._window._build_page(path)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._window.page_actions))

    def __len__(self) -> int:
        return len(self._window.page_actions)

    def __contains__(self, path: object) -> bool:
        return path in self._window.page_actions


class MainWindow(QMainWindow):
    def __init__(
        self, ctx: GuiContext, parent: QWidget | None = None, defer_background: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._defer = defer_background
        self.setObjectName("MainWindow")
        office = ctx.office
        title = ctx.pick(APP_TITLE_ZH, APP_TITLE_EN)
        self.setWindowTitle(f"{title} — {ctx.pick(office.name, office.name_en)}")
        self.resize(1200, 760)

        # The central widget holds two screens: the pages (``stack``) and the login screen,
        # which replaces them while nobody is signed in or the window is locked.
        self.screens = QStackedWidget(self)
        self.screens.setObjectName("screens")
        self.setCentralWidget(self.screens)
        self.stack = QStackedWidget(self.screens)
        self.stack.setObjectName("pages")
        self.screens.addWidget(self.stack)
        from eservice_desktop.gui.auth import IdleWatch, LoginScreen, ShortcutGuard

        self.login_screen = LoginScreen(ctx, self.screens)
        self._shortcut_guard = ShortcutGuard(self, self.login_screen)
        self.login_screen.signed_in.connect(self._signed_in)
        self.screens.addWidget(self.login_screen)
        self.idle = IdleWatch(ctx, self)
        self.idle.lock_due.connect(self.lock)
        self.locked = False
        self._hidden_while_locked: list[QWidget] = []
        self._docks_shown: list[QDockWidget] = []
        self._background_begun = False
        self.page_actions: dict[str, QAction] = {}
        self.pages = LazyPages(self)
        self._case_detail: CaseDetail | None = None
        #: The case last written or shown while the payment page did not exist (F6 shows it).
        self._recent_case = ""
        self.page_bar_actions: dict[str, QAction] = {}
        self._history: list[QWidget] = []
        self._holders: dict[QWidget, QScrollArea] = {}
        self.panels: list[QDockWidget] = []
        self.status_widgets: list[QWidget] = []
        self.content_built = False
        self.shift_dialog: QDialog | None = None
        self._focus_before_lock: QWidget | None = None
        # Before the core is open nobody can be signed in (the launcher waits for it in demo mode).
        operator = ctx.app.operator if ctx.core_open else None
        if operator is None:
            # Nothing of a case is built, loaded or painted before somebody signs in.
            self.menuBar().hide()
            self.screens.setCurrentWidget(self.login_screen)
            self.login_screen.ask_login()
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self._shortcut_guard)
        else:
            self._build_content()
            self._operator_changed()

    def _build_content(self) -> None:
        """Menu, page bar, pages, panels and status bar: built once, at the first sign-in."""
        ctx = self.ctx
        self.content_built = True
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
        for entry in PAGES:
            self._add_page(entry)

        # Shown when the operator's roles open none of the pages (IT: no personal data). It is
        # in front until the roles choose the first page (``_apply_roles``).
        self.no_page = QLabel(self.tr("此帳號的角色沒有可用的櫃檯頁面（可使用「檔案」選單）。"))
        self.no_page.setObjectName("no_page")
        self.no_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._add_to_stack(self.no_page)

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
        ctx.case_changed.connect(self._note_recent_case)
        ctx.case_shown.connect(self._note_recent_case)
        ctx.applicant_read.connect(self._applicant_read)
        self.screens.setCurrentWidget(self.stack)
        if self._background_begun:
            self.begin_background()

    # -- construction ------------------------------------------------------------------------

    def _build_menu_bar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("檔案(&F)"))
        backup_action = QAction(self.tr("備份與還原(&K)…"), self)
        backup_action.setObjectName("backup_action")
        backup_action.triggered.connect(self.open_backups)
        file_menu.addAction(backup_action)
        self.backup_action = backup_action
        self.doctor_action = QAction(self.tr("系統檢查(&D)…"), self)
        self.doctor_action.setObjectName("doctor_action")
        self.doctor_action.triggered.connect(self.run_shift_check)
        file_menu.addAction(self.doctor_action)
        file_menu.addSeparator()
        self.lock_action = QAction(self.tr("鎖定畫面(&L)"), self)
        self.lock_action.setObjectName("lock_action")
        self.lock_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.lock_action.triggered.connect(lambda: self.lock("manual"))
        file_menu.addAction(self.lock_action)
        self.sign_out_action = QAction(self.tr("登出／切換操作人員(&O)"), self)
        self.sign_out_action.setObjectName("sign_out_action")
        self.sign_out_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.sign_out_action.triggered.connect(self.sign_out)
        file_menu.addAction(self.sign_out_action)
        self.addAction(self.lock_action)
        self.addAction(self.sign_out_action)
        file_menu.addSeparator()
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

    def _add_page(self, entry: PageEntry) -> None:
        """The page's menu entry, key and page-bar button; the page itself (and its module) is
        built when first shown (``_build_page``)."""
        path = entry.path
        title = self.ctx.pick(entry.title_zh, entry.title_en)
        action = QAction(title, self)
        shortcut = entry.shortcut
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

    def _build_page(self, path: str) -> QWidget:
        widget: QWidget = _load(path).create_page(self.ctx)
        widget.setObjectName(widget.objectName() or path.rsplit(".", 1)[-1])
        self.pages.built[path] = widget
        self._add_to_stack(widget)
        if self._recent_case and hasattr(widget, "recent_case"):
            widget.recent_case = self._recent_case  # what F6 brings up (the payment page)
        return widget

    @property
    def case_detail(self) -> CaseDetail:
        """The case detail, built when a case is first opened."""
        if self._case_detail is None:
            from eservice_desktop.gui.case_detail import CaseDetail

            self._case_detail = CaseDetail(self.ctx, self)
            self._case_detail.setObjectName("case_detail")
            self._add_to_stack(self._case_detail)
        return self._case_detail

    def _note_recent_case(self, number: str) -> None:
        if number:
            self._recent_case = number

    def _applicant_read(self, person: dict[str, Any]) -> None:
        """A card was read before the intake form existed: the form is built and filled, as
        the built form fills itself from every read."""
        operator = self.ctx.app.operator
        if (
            INTAKE_PAGE in self.page_actions
            and INTAKE_PAGE not in self.pages.built
            and operator is not None
            and self.page_allowed(INTAKE_PAGE, operator)
        ):
            form: Any = self.pages[INTAKE_PAGE]
            form.fill_from_card(person)

    def _build_wanted_pages(self, operator: Operator) -> None:
        """Pages that hold something to show at once (``wanted_at_sign_in``) are built now."""
        for path in self.page_actions:
            wanted = _ENTRIES[path].wanted_at_sign_in
            if (
                wanted is not None
                and path not in self.pages.built
                and self.page_allowed(path, operator)
                and wanted(self.ctx)
            ):
                self._build_page(path)

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
        self._office_text = self.tr("{office}（{code}）櫃檯 {device}").format(
            office=self.ctx.pick(office.name, office.name_en), code=office.code, device=s.device_id
        )
        self.office_label = QLabel(self._office_text)
        self.office_label.setObjectName("office_label")
        status.addWidget(self.office_label)
        # Who is signed in, always in sight while the window is unlocked.
        self.operator_label = QLabel()
        self.operator_label.setObjectName("operator_label")
        status.addWidget(self.operator_label)
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busy_bar")
        self.busy_bar.setMaximumWidth(220)
        self.busy_bar.setTextVisible(True)
        self.busy_bar.hide()
        status.addPermanentWidget(self.busy_bar)
        self.status_widgets.clear()
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
        self._background_begun = True
        if self.content_built:
            QTimer.singleShot(0, self._import_page_modules)
        self.idle.watch_card()
        for widget in [*self.status_widgets, *(dock.widget() for dock in self.panels)]:
            start = getattr(widget, "start_background", None)
            if callable(start):
                start()

    def _import_page_modules(self) -> None:
        """Every page's module, imported after the first paint: one that fails to import
        fails now (crash handler), not when its page is first asked for."""
        for path in PAGE_MODULES:
            _load(path)

    # -- operators: sign-in, lock, roles ----------------------------------------------------

    def _signed_in(self, result: object) -> None:
        from eservice_desktop.gui.auth import SignIn

        assert isinstance(result, SignIn)
        first = not self.content_built
        if first:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self._shortcut_guard)
            self.menuBar().show()
            self._build_content()
        else:
            self._uncover()
        self._operator_changed()
        if result.new_session and not first:
            self.ctx.case_changed.emit("")  # lists again, under the new operator's scope
        if result.new_session:
            from eservice_desktop.gui import shift_start

            shift_start.run_if_first_today(self)

    def _operator_changed(self) -> None:
        from eservice_desktop.gui.auth import display_name

        operator = self.ctx.app.operator
        if operator is None:
            return
        self.operator_label.setText(
            self.tr("承辦人：{name}").format(name=display_name(operator, self.ctx.is_zh))
        )
        self._apply_roles(operator)
        self._build_wanted_pages(operator)
        self.idle.arm()

    def page_allowed(self, path: str, operator: Operator) -> bool:
        """Whether the operator's roles allow the page's use case (the services refuse anyway;
        this keeps what they would refuse out of the menus)."""
        name = _ENTRIES[path].action
        action = getattr(Action, name, None) if name else None
        return action is None or bool(operator.can(action))

    def _apply_roles(self, operator: Operator) -> None:
        for path, action in self.page_actions.items():
            allowed = self.page_allowed(path, operator)
            action.setEnabled(allowed)
            action.setVisible(allowed)
            self.page_bar_actions[path].setVisible(allowed)
            self.page_bar_actions[path].setEnabled(allowed)
        for qaction, needed in (
            (self.backup_action, Action.BACKUP),
            (self.doctor_action, Action.DOCTOR),
        ):
            qaction.setEnabled(operator.can(needed))
            qaction.setVisible(operator.can(needed))
        sees_cases = operator.can(Action.VIEW_CASE)
        for dock in self.panels:
            dock.setVisible(sees_cases and operator.can(Action.VERIFY_IDENTITY))
        current = self.current_page()
        shown = next((p for p, w in self.pages.built.items() if w is current), None)
        detail = self._case_detail
        if (
            (shown is not None and not self.page_allowed(shown, operator))
            or (detail is not None and current is detail and not sees_cases)
            or current is self.no_page
        ):
            self._history.clear()
            first = next((p for p in self.page_actions if self.page_allowed(p, operator)), None)
            if first is not None:
                self.show_page(first, remember=False)
            else:
                self._show(self.no_page, remember=False)

    def lock(self, why: str = "manual") -> None:
        """Hides every personal datum behind the login screen until the operator's password
        (or a supervisor's or admin's sign-in) is entered; the pages keep what they hold."""
        from eservice_desktop.gui.auth import lock_reason_text

        operator = self.ctx.app.operator
        if self.locked or not self.content_built or operator is None:
            return
        self._cover()
        self.locked = True
        self.login_screen.ask_unlock(operator)
        self.login_screen.message.setText(lock_reason_text(why))

    def sign_out(self) -> None:
        """Ends the operator's session (drafts are kept) and shows the login screen: the next
        operator signs in there."""
        if not self.content_built or self.ctx.app.operator is None:
            return
        for widget in self.pages.built.values():
            hook = getattr(widget, "on_closing", None)
            if callable(hook):
                hook()  # the intake draft is sealed to disk before the session ends
        from eservice_desktop.services import operators

        operators.logout(self.ctx.app)
        if not self.locked:
            self._cover()
        self.locked = False
        self.login_screen.ask_login(self.tr("已登出。"))

    def _cover(self) -> None:
        self.idle.disarm()
        from eservice_desktop.gui.auth import hide_open_dialogs

        focus = QApplication.focusWidget()
        self._focus_before_lock = focus if focus is not None and self.isAncestorOf(focus) else None
        self._hidden_while_locked = hide_open_dialogs(self)
        self._docks_shown = [d for d in self.panels if d.isVisible()]
        for dock in self.panels:
            dock.hide()
        self.menuBar().hide()
        self.page_bar.hide()
        self.statusBar().hide()
        self.screens.setCurrentWidget(self.login_screen)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._shortcut_guard)

    def _uncover(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._shortcut_guard)
        self.locked = False
        self.screens.setCurrentWidget(self.stack)
        self.menuBar().show()
        self.page_bar.show()
        self.statusBar().show()
        for dock in self._docks_shown:
            dock.show()
        for widget in self._hidden_while_locked:
            widget.show()
        self._hidden_while_locked = []
        focus = getattr(self, "_focus_before_lock", None)
        if focus is not None:
            focus.setFocus()
        else:
            hook = getattr(self.current_page(), "on_shown", None)
            if callable(hook):
                hook()

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
        for path, page in self.pages.built.items():
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
        if self._queue_allowed() and self.current_page() is not self.pages[QUEUE_PAGE]:
            self._show(self.pages[QUEUE_PAGE], remember=False)

    def _queue_allowed(self) -> bool:
        operator = self.ctx.app.operator
        return (
            QUEUE_PAGE in self.page_actions
            and operator is not None
            and self.page_allowed(QUEUE_PAGE, operator)
        )

    def focus_search(self) -> None:
        current = self.current_page()
        if not callable(getattr(current, "focus_search", None)) and self._queue_allowed():
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

    def run_shift_check(self) -> None:
        """檔案 ▸ 系統檢查: doctor on a worker, its findings with the fix for each."""
        from eservice_desktop.gui import shift_start

        shift_start.run_check(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._shortcut_guard)
            app.removeEventFilter(self.idle)
        self.idle.disarm()
        for widget in self.pages.built.values():
            hook = getattr(widget, "on_closing", None)
            if callable(hook):
                hook()
        self.ctx.tasks.shutdown()
        super().closeEvent(event)
