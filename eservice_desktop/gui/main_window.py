"""The counter's main window: pages in a stack, a menu of every page's key, panels, a status bar.

Adding a feature to the window is one line in one of the tuples of ``gui/window_pages.py``
(``PAGES``, ``STATUS_WIDGET_MODULES``, ``PANEL_MODULES``; the window's parts:
``gui/window_frame.py``; who sees what, lock and sign-out: ``gui/window_access.py``), and never a
change to another page.

With ``defer_background=True`` (``gui/launcher.py``'s start) status widgets and panels are built
with ``defer=True`` and their background work (sync loop, card monitor: the heavy imports)
waits for :meth:`MainWindow.begin_background`, called once the first list is shown (or has
failed); each such widget has a ``start_background()`` method. So do the application-wide
event filters: on a signed-out start the idle input from the interactive login screen, the
keyboard rules from the first sign-in. The login screen is built when first needed.

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

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QScrollArea,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from eservice_desktop.domain.operators import Operator
from eservice_desktop.gui import keyboard, stray_scans, upgrade_notice, window_access, window_frame
from eservice_desktop.gui.context import GuiContext, ScreenCase
from eservice_desktop.gui.dialog_fit import grow_to_contents
from eservice_desktop.gui.dialog_life import open_once
from eservice_desktop.gui.status_room import GivingWayLabel
from eservice_desktop.gui.window_pages import (
    INTAKE_PAGE,
    PAGE_MODULES,
    QUEUE_PAGE,
    LazyPages,
    build_wanted_pages,
    load,
    page_allowed,
)

if TYPE_CHECKING:
    from eservice_desktop.gui.auth import LoginScreen
    from eservice_desktop.gui.case_detail import CaseDetail

APP_TITLE_ZH = "戶政／地政事務所櫃檯系統"
APP_TITLE_EN = "Household / Land Office Counter"


class MainWindow(QMainWindow):
    # The frame's parts, made at the first sign-in (``gui/window_frame.py``).
    backup_action: QAction
    doctor_action: QAction
    lock_action: QAction
    sign_out_action: QAction
    password_action: QAction
    pages_menu: QMenu
    go_menu: QMenu
    page_bar: QToolBar
    page_group: QActionGroup
    no_page: QLabel
    office_label: QLabel
    operator_label: GivingWayLabel
    busy_bar: QProgressBar

    def __init__(
        self, ctx: GuiContext, parent: QWidget | None = None, defer_background: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.defer_background = defer_background
        self.setObjectName("MainWindow")
        office = ctx.office
        title = ctx.pick(APP_TITLE_ZH, APP_TITLE_EN)
        self.setWindowTitle(f"{title} — {ctx.pick(office.name, office.name_en)}")
        self.resize(1200, 760)
        self._build_screens()
        self.locked = False
        self.hidden_while_locked: list[QWidget] = []
        self.docks_shown: list[QDockWidget] = []
        self.focus_before_lock: QWidget | None = None
        self._background_begun = False
        self.page_actions: dict[str, QAction] = {}
        self.pages = LazyPages(self)
        self.built_case_detail: CaseDetail | None = None
        #: The case last written or shown while the payment page did not exist (F6 shows it).
        self._recent_case = ""
        self.page_bar_actions: dict[str, QAction] = {}
        self.history: list[QWidget] = []
        self.holders: dict[QWidget, QScrollArea] = {}
        self.panels: list[window_frame.PanelDock] = []
        self.status_widgets: list[QWidget] = []
        self.content_built = False
        self.shift_dialog: QDialog | None = None
        upgrade_notice.install(self, ctx)
        # Nobody is signed in before the core is open, but demo mode's operator, whom its
        # opening signs in: the window is built for them meanwhile (gui/launcher.py).
        operator = ctx.operator
        if operator is None:
            # Nothing of a case is built, loaded or painted before somebody signs in.
            self.menuBar().hide()
            self.screens.setCurrentWidget(self.login_screen)
            self.login_screen.ask_login()
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self.shortcut_guard)
        else:
            self._build_content()
            self._operator_changed()

    def _build_screens(self) -> None:
        """The central widget holds two screens: the pages (``stack``) and the login screen,
        which replaces them while nobody is signed in or the window is locked."""
        from eservice_desktop.gui.auth import IdleWatch, ShortcutGuard

        self.screens = QStackedWidget(self)
        self.screens.setObjectName("screens")
        self.setCentralWidget(self.screens)
        self.stack = QStackedWidget(self.screens)
        self.stack.setObjectName("pages")
        self.screens.addWidget(self.stack)
        self.built_login_screen: LoginScreen | None = None
        self.shortcut_guard = ShortcutGuard(self, lambda: self.built_login_screen)
        self.shortcut_guard.hold = lambda w: window_access.hold_while_covered(self, w)
        self.idle = IdleWatch(self.ctx, self, watch_input=not self.defer_background)
        self.idle.lock_due.connect(self.lock)

    @property
    def login_screen(self) -> LoginScreen:
        """Built the first time it is needed (the window opens signed out, or is locked or
        signed out): a signed-in start shows its first list without it."""
        if self.built_login_screen is None:
            from eservice_desktop.gui.auth import LoginScreen

            self.built_login_screen = LoginScreen(self.ctx, self.screens)
            self.built_login_screen.signed_in.connect(self._signed_in)
            self.screens.addWidget(self.built_login_screen)
        return self.built_login_screen

    def _build_content(self) -> None:
        """Menu, page bar, pages, panels and status bar: built once, at the first sign-in."""
        ctx = self.ctx
        self.content_built = True
        window_frame.build_menu_bar(self)
        window_frame.build_page_bar(self)
        window_frame.build_no_page(self)
        window_frame.add_panels(self)
        window_frame.build_status_bar(self)
        stray_scans.watch(self)  # a pickup code scanned on another page: not into a field
        # An alternative key that is not worth a menu entry of its own.
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.focus_search)
        if not self.defer_background:
            keyboard.install()  # Tab leaves tables; dialog buttons show their keys
        ctx.open_case_requested.connect(self.open_case)
        ctx.screen_case = self.screen_case
        ctx.screen_case_changed.connect(self._announce_case)
        ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        ctx.tasks.failed.connect(lambda text: self.statusBar().showMessage(text, 15000))
        ctx.tasks.session_ended.connect(lambda why: window_access.account_disabled(self, why))
        ctx.case_changed.connect(self._note_recent_case)
        ctx.case_shown.connect(self._note_recent_case)
        ctx.applicant_read.connect(self._applicant_read)
        self.screens.setCurrentWidget(self.stack)
        if self._background_begun:
            self.begin_background()

    # -- pages ---------------------------------------------------------------------------------

    def _build_page(self, path: str) -> QWidget:
        widget: QWidget = load(path).create_page(self.ctx)
        widget.setObjectName(widget.objectName() or path.rsplit(".", 1)[-1])
        self.pages.built[path] = widget
        window_frame.add_to_stack(self, widget)
        if self._recent_case and hasattr(widget, "recent_case"):
            widget.recent_case = self._recent_case  # what F6 brings up (the payment page)
        return widget

    @property
    def case_detail(self) -> CaseDetail:
        """The case detail, built when a case is first opened."""
        if self.built_case_detail is None:
            from eservice_desktop.gui.case_detail import CaseDetail

            self.built_case_detail = CaseDetail(self.ctx, self)
            self.built_case_detail.setObjectName("case_detail")
            window_frame.add_to_stack(self, self.built_case_detail)
        return self.built_case_detail

    def _note_recent_case(self, number: str) -> None:
        if number:
            self._recent_case = number

    def _applicant_read(self, person: dict[str, Any]) -> None:
        """A card was read before the intake form existed: the form is built and filled, as
        the built form fills itself from every read."""
        operator = self.ctx.operator
        if (
            INTAKE_PAGE in self.page_actions
            and INTAKE_PAGE not in self.pages.built
            and operator is not None
            and self.page_allowed(INTAKE_PAGE, operator)
        ):
            form: Any = self.pages[INTAKE_PAGE]
            form.fill_from_card(person)

    def begin_background(self) -> None:
        """Starts what status widgets and panels deferred (``defer_background``)."""
        self._background_begun = True
        if self.content_built:
            keyboard.install()  # an application filter, as the idle watch's: see the doc
            QTimer.singleShot(0, self._import_page_modules)
        self.idle.begin()  # key presses and mouse use counted, the operator's card watched
        for widget in [*self.status_widgets, *(dock.panel for dock in self.panels)]:
            start = getattr(widget, "start_background", None)
            if callable(start):
                start()

    def _import_page_modules(self) -> None:
        """Every page's module after the first paint: an import error fails now, not later."""
        for path in PAGE_MODULES:
            load(path)

    # -- operators: sign-in, lock, roles (``gui/window_access.py``) ----------------------------

    def _signed_in(self, result: object) -> None:
        from eservice_desktop.gui.auth import SignIn

        assert isinstance(result, SignIn)
        first = not self.content_built
        if first:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self.shortcut_guard)
            self.menuBar().show()
            self._build_content()
        else:
            window_access.uncover(self)
        self._operator_changed()
        if result.new_session and not first:
            self.ctx.case_changed.emit("")  # lists again, under the new operator's scope
        if result.new_session:
            from eservice_desktop.gui import shift_start

            shift_start.run_if_first_today(self)

    def _operator_changed(self) -> None:
        from eservice_desktop.gui.auth import display_name

        operator = self.ctx.operator
        if operator is None:
            return
        self.operator_label.set_whole(
            self.tr("承辦人：{name}").format(name=display_name(operator, self.ctx.is_zh))
        )
        window_access.apply_roles(self, operator)
        build_wanted_pages(self, operator)
        self.idle.arm()

    def page_allowed(self, path: str, operator: Operator) -> bool:
        """Whether the operator's roles allow the page's use case (the services refuse anyway;
        this keeps what they would refuse out of the menus)."""
        return page_allowed(path, operator)

    def lock(self, why: str = "manual") -> None:
        """Hides every personal datum behind the login screen (``window_access.lock``)."""
        window_access.lock(self, why)

    def sign_out(self) -> None:
        """Ends the operator's session and shows the login screen (``window_access``)."""
        window_access.sign_out(self)

    # -- navigation --------------------------------------------------------------------------

    def current_page(self) -> QWidget | None:
        holder = self.stack.currentWidget()
        return holder.widget() if isinstance(holder, QScrollArea) else holder

    def show_page(self, path: str, remember: bool = True) -> QWidget:
        widget = self.pages[path]
        self.show_widget(widget, remember)
        return widget

    def show_widget(self, widget: QWidget, remember: bool = True) -> None:
        """Brings a page (or the case detail) to the front; ``remember`` keeps the page it
        replaces for Esc."""
        current = self.current_page()
        if remember and current is not None and current is not widget:
            self.history.append(current)
            del self.history[:-20]
        self.stack.setCurrentWidget(self.holders.get(widget, widget))
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
        while self.history:
            widget = self.history.pop()
            if widget is not self.current_page():
                self.show_widget(widget, remember=False)
                return
        if self._queue_allowed() and self.current_page() is not self.pages[QUEUE_PAGE]:
            self.show_widget(self.pages[QUEUE_PAGE], remember=False)

    def _queue_allowed(self) -> bool:
        operator = self.ctx.operator
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
        self.show_widget(self.case_detail)

    # -- status ------------------------------------------------------------------------------

    def open_backups(self) -> QDialog:
        from eservice_desktop.gui.backup_dialog import BackupDialog

        dialog = open_once(BackupDialog(self.ctx, self))
        grow_to_contents(dialog)  # opened at ⅔ of the screen at most: at 200 % a note was cut
        return dialog

    def run_shift_check(self) -> None:
        """檔案 ▸ 系統檢查: doctor on a worker, its findings with the fix for each."""
        from eservice_desktop.gui import shift_start

        shift_start.run_check(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.shortcut_guard)
            app.removeEventFilter(self.idle)
        self.idle.disarm()
        for widget in self.pages.built.values():
            hook = getattr(widget, "on_closing", None)
            if callable(hook):
                hook()
        window_access.sign_out_at_close(self)  # after the drafts are sealed
        self.ctx.tasks.shutdown()
        super().closeEvent(event)
