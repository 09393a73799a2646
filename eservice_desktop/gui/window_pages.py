"""What the counter window lists before it builds anything: its pages, status widgets and
panels, and the lazy mapping that builds a page the first time it is asked for.

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
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from eservice_desktop.domain.operators import Action, Operator
from eservice_desktop.gui.context import GuiContext, intake_draft_path

if TYPE_CHECKING:
    from eservice_desktop.gui.main_window import MainWindow

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

ENTRIES: dict[str, PageEntry] = {p.path: p for p in PAGES}


def load(path: str) -> ModuleType:
    """A page's, status widget's or panel's module (imported the first time it is needed)."""
    return importlib.import_module(path)


def page_allowed(path: str, operator: Operator) -> bool:
    """Whether the operator's roles allow the page's use case (the services refuse anyway;
    this keeps what they would refuse out of the menus)."""
    name = ENTRIES[path].action
    action = getattr(Action, name, None) if name else None
    return action is None or bool(operator.can(action))


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


def build_wanted_pages(window: MainWindow, operator: Operator) -> None:
    """At sign-in: pages that hold something to show at once (``wanted_at_sign_in``) are
    built now, or once the core is open (a signed-in start shows its first list before it:
    such a page reads the core as it is built, which must not hold up the window)."""
    window.ctx.when_core_open(lambda: _build_wanted(window, operator))


def _build_wanted(window: MainWindow, operator: Operator) -> None:
    for path in window.page_actions:
        wanted = ENTRIES[path].wanted_at_sign_in
        if (
            wanted is not None
            and path not in window.pages.built
            and page_allowed(path, operator)
            and wanted(window.ctx)
        ):
            window._build_page(path)
