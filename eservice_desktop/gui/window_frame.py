"""The counter window's frame, built once at the first sign-in: the menu bar, the page bar
with every page's key, the scroll holders of the pages, the side panels and the status bar.

These are steps of ``MainWindow._build_content``, kept apart from the window's behaviour
(sign-in, roles, navigation). Their texts are in the window's translation context
(``MainWindow``), as when they were the window's own methods.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMenu,
    QProgressBar,
    QScrollArea,
    QToolBar,
    QWidget,
)

from eservice_desktop.gui import accessible
from eservice_desktop.gui.status_room import GivingWayLabel, make_room
from eservice_desktop.gui.window_pages import (
    PAGES,
    PANEL_MODULES,
    STATUS_WIDGET_MODULES,
    PageEntry,
    load,
)

if TYPE_CHECKING:
    from eservice_desktop.gui.main_window import MainWindow


def _t(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def _action(window: MainWindow, text: str, name: str = "", keys: str = "") -> QAction:
    action = QAction(_t(text), window)
    if name:
        action.setObjectName(name)
    if keys:
        action.setShortcut(QKeySequence(keys))
    return action


def build_menu_bar(window: MainWindow) -> None:
    """檔案 (backup, shift check, lock, own password, sign-out, quit), 頁面 (filled by
    :func:`add_page`), 前往 (search, back) and 說明."""
    bar = window.menuBar()
    file_menu = bar.addMenu(_t("檔案(&F)"))
    window.backup_action = _action(window, "備份與還原(&K)…", "backup_action")
    window.backup_action.triggered.connect(window.open_backups)
    window.doctor_action = _action(window, "系統檢查(&D)…", "doctor_action")
    window.doctor_action.triggered.connect(window.run_shift_check)
    file_menu.addActions([window.backup_action, window.doctor_action])
    file_menu.addSeparator()
    window.lock_action = _action(window, "鎖定畫面(&L)", "lock_action", "Ctrl+Shift+L")
    window.lock_action.triggered.connect(lambda: window.lock("manual"))
    window.sign_out_action = _action(
        window, "登出／切換操作人員(&O)", "sign_out_action", "Ctrl+Shift+O"
    )
    window.sign_out_action.triggered.connect(window.sign_out)
    window.password_action = _action(window, "變更密碼(&W)…", "password_action")
    window.password_action.triggered.connect(lambda: _own_password().change_own_password(window))
    file_menu.addActions([window.lock_action, window.password_action, window.sign_out_action])
    window.addAction(window.lock_action)
    window.addAction(window.sign_out_action)
    file_menu.addSeparator()
    quit_action = _action(window, "結束(&X)", keys="Ctrl+Q")
    quit_action.triggered.connect(window.close)
    file_menu.addAction(quit_action)
    window.pages_menu = bar.addMenu(_t("頁面(&P)"))
    window.go_menu = bar.addMenu(_t("前往(&G)"))
    _build_go_menu(window, window.go_menu)
    help_menu = bar.addMenu(_t("說明(&H)"))
    keys = _action(window, "鍵盤快速鍵(&K)", name="key_help_action", keys="F1")
    keys.triggered.connect(lambda: help_menu_module().show_keys(window))
    help_menu.addAction(keys)
    about = _action(window, "關於(&A)")
    about.triggered.connect(lambda: help_menu_module().show_about(window))
    help_menu.addAction(about)


def _own_password() -> Any:
    """``gui.own_password``, imported when first opened."""
    from eservice_desktop.gui import own_password

    return own_password


def help_menu_module() -> Any:
    """``gui.help_menu``, imported when first opened (not on the window's start)."""
    from eservice_desktop.gui import help_menu

    return help_menu


def _build_go_menu(window: MainWindow, go_menu: QMenu) -> None:
    search_action = _action(window, "搜尋案件(&S)", keys="Ctrl+F")
    search_action.triggered.connect(window.focus_search)
    go_menu.addAction(search_action)
    back_action = QAction(_t("返回上一頁(&B)"), window)
    back_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
    back_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    back_action.triggered.connect(window.go_back)
    go_menu.addAction(back_action)
    window.addAction(back_action)


def build_page_bar(window: MainWindow) -> None:
    """The page bar makes every desk one click (or its F-key) away for clerks who do not know
    the shortcuts yet; it shows the key next to each page's name."""
    window.page_bar = QToolBar(_t("頁面"), window)
    window.page_bar.setObjectName("page_bar")
    window.page_bar.setMovable(False)
    window.page_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, window.page_bar)
    window.page_group = QActionGroup(window)
    window.page_group.setExclusive(True)
    for entry in PAGES:
        add_page(window, entry)


def add_page(window: MainWindow, entry: PageEntry) -> None:
    """The page's menu entry, key and page-bar button; the page itself (and its module) is
    built when first shown (``MainWindow._build_page``)."""
    path = entry.path
    title = window.ctx.pick(entry.title_zh, entry.title_en)
    action = QAction(title, window)
    shortcut = entry.shortcut
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.triggered.connect(lambda _=False, p=path: window.show_page(p))
    window.pages_menu.addAction(action)
    bar_action = window.page_bar.addAction(f"{title}  {shortcut}" if shortcut else title)
    bar_action.setCheckable(True)
    bar_action.setActionGroup(window.page_group)
    bar_action.setToolTip(f"{title} ({shortcut})" if shortcut else title)
    bar_action.triggered.connect(lambda _=False, p=path: window.show_page(p))
    window.page_bar_actions[path] = bar_action
    window.addAction(action)
    window.page_actions[path] = action


def build_no_page(window: MainWindow) -> None:
    """Shown when the operator's roles open none of the pages (IT: no personal data). It is in
    front until the roles choose the first page (``window_access.apply_roles``)."""
    window.no_page = QLabel(_t("此帳號的角色沒有可用的櫃檯頁面（可使用「檔案」選單）。"))
    window.no_page.setObjectName("no_page")
    window.no_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
    add_to_stack(window, window.no_page)


def add_to_stack(window: MainWindow, page: QWidget) -> None:
    """Each page sits in a frameless scroll area: on a short screen (1366×768 minus a task
    bar) a tall page scrolls instead of pushing the window past the screen's edge."""
    holder = QScrollArea(window.stack)
    holder.setObjectName("holder_" + page.objectName())
    holder.setWidgetResizable(True)
    holder.setFrameShape(QFrame.Shape.NoFrame)
    holder.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a stop in the Tab chain
    holder.setWidget(page)
    window.holders[page] = holder
    window.stack.addWidget(holder)


class PanelDock(QDockWidget):
    """A side panel's dock; ``panel`` is the panel (the dock's widget is the scroll area
    holding it)."""

    panel: QWidget


class PanelScroll(QScrollArea):
    """Scrolls a side panel up and down, never sideways: as wide as the panel needs (and its
    scroll bar), so a long line is never cut at the dock's edge (a plain scroll area's least
    width is a few pixels); a change of the panel's contents asks the dock again."""

    def __init__(self, panel: QWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a stop in the Tab chain
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(panel)
        panel.installEventFilter(self)

    def _with_bar(self, hint: QSize, inner: QSize) -> QSize:
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner.width() + bar, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        inner = self.widget()
        hint = super().minimumSizeHint()
        return hint if inner is None else self._with_bar(hint, inner.minimumSizeHint())

    def sizeHint(self) -> QSize:  # noqa: N802
        inner = self.widget()
        hint = super().sizeHint()
        return hint if inner is None else self._with_bar(hint, inner.sizeHint())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)


def add_panels(window: MainWindow) -> None:
    """Each of ``PANEL_MODULES`` as a dock on the right, in a frameless scroll area: at a
    display scale of 200 % a 1366×768 screen is 683×384 and the identity panel, taller than
    the window, was painted over the status bar with 驗證自然人憑證 cut off (at 1920×1080 its
    note was cut); now it keeps its height and scrolls."""
    ctx = window.ctx
    for path in PANEL_MODULES:
        module = load(path)
        widget: QWidget = module.create_panel(ctx, defer=window.defer_background)
        title = ctx.pick(
            getattr(module, "PANEL_TITLE_ZH", ""), getattr(module, "PANEL_TITLE_EN", "")
        )
        dock = PanelDock(title, window)
        dock.setObjectName("dock_" + path.rsplit(".", 1)[-1])
        dock.panel = widget
        dock.setWidget(PanelScroll(widget, dock))
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        window.panels.append(dock)
    PanelShare(window)


class PanelShare(QObject):
    """The side docks take at most a third of the window's width, never less than they need:
    on half of a 1366 px screen (683 px, two programs side by side) the identity dock kept its
    312 px and left the page 355 px (the queue's columns cut, the operators' form scrolled
    sideways). A window widened again gives a narrowed dock back the width it wants; a dock
    the clerk dragged is left alone while it is within its share."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.narrowed = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.share()
        return False

    def share(self) -> None:
        window = self.window
        docks = [d for d in window.panels if d.isVisibleTo(window) and not d.isFloating()]
        room = window.width() // 3
        wanted = [max(d.minimumSizeHint().width(), min(d.sizeHint().width(), room)) for d in docks]
        pairs = list(zip(docks, wanted, strict=True))
        over = any(d.width() > max(w, room) for d, w in pairs)
        if over or (self.narrowed and any(d.width() < w for d, w in pairs)):
            window.resizeDocks(docks, wanted, Qt.Orientation.Horizontal)
            self.narrowed = any(w < d.sizeHint().width() for d, w in pairs)


def build_status_bar(window: MainWindow) -> None:
    """The office and device, who is signed in, the busy bar, then ``STATUS_WIDGET_MODULES``."""
    ctx = window.ctx
    status = window.statusBar()
    accessible.announce_status(status, ctx.tasks.failed)  # said, not only painted
    s = ctx.settings
    office = ctx.office
    office_text = _t("{office}（{code}）櫃檯 {device}").format(
        office=ctx.pick(office.name, office.name_en), code=office.code, device=s.device_id
    )
    window.office_label = GivingWayLabel(office_text)
    window.office_label.setObjectName("office_label")
    # First to give way: the bar's layout takes room from the labels whose size hint exceeds
    # their least in equal shares, so the office's name asks for its least and has what the
    # others leave by its stretch; the sync state, giving way too, gives only after it.
    status.addWidget(window.office_label, 1)
    # Who is signed in, always in sight while the window is unlocked: a permanent widget, as a
    # message in the bar (saved, refused, a scan) hid the ordinary ones for its 8 to 15 seconds.
    window.operator_label = GivingWayLabel("", always=False)  # to a long message only
    window.operator_label.setObjectName("operator_label")
    status.messageChanged.connect(partial(make_room, window))
    # a display name is shown as typed: "<h1>大</h1>主管" was taken for markup and filled the bar
    window.operator_label.setTextFormat(Qt.TextFormat.PlainText)
    status.addPermanentWidget(window.operator_label)
    window.busy_bar = QProgressBar()
    window.busy_bar.setObjectName("busy_bar")
    window.busy_bar.setMaximumWidth(220)
    window.busy_bar.setTextVisible(True)
    window.busy_bar.hide()
    status.addPermanentWidget(window.busy_bar)
    window.status_widgets.clear()
    for path in STATUS_WIDGET_MODULES:
        widget = load(path).create_status_widget(ctx, defer=window.defer_background)
        status.addPermanentWidget(widget)
        window.status_widgets.append(widget)
    ctx.tasks.busy_changed.connect(partial(_show_busy, window.busy_bar))
    ctx.tasks.progress_changed.connect(partial(_show_progress, window.busy_bar))


def _show_busy(bar: QProgressBar, busy: bool) -> None:
    """The status bar's busy bar, shown (moving, no total yet) while a task runs."""
    bar.setVisible(busy)
    if busy:
        bar.setRange(0, 0)


def _show_progress(bar: QProgressBar, label: str, done: int, total: int) -> None:
    if total > 0:
        bar.setRange(0, total)
        bar.setValue(done)
    bar.setFormat(f"{label} %v/%m" if label else "%v/%m")
