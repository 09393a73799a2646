"""What every page of the counter window shares: the services core, the task runner, the UI
language, and the few signals pages talk to each other through.

Pages never import each other; they emit and listen here. That keeps each feature page a
self-contained module that registers with one line in ``gui/window_pages.py``.

The core may still be opening when the window is built (``gui/launcher.py`` shows the login
screen, or in demo mode the signed-in queue, first and opens the core on the database writer
after the first paint): then the context holds a :class:`PendingCore`, and ``settings``,
``office``, ``operator`` and ``now`` answer without it. ``ctx.app`` waits for the core (starting
its opening if nobody has): work that needs it goes through ``when_core_open`` or
``run_on_core`` instead of asking on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from eservice_desktop.domain.ids import mask_name
from eservice_desktop.gui.tasks import Task, TaskRunner, on_writer_thread, owner_deleted

if TYPE_CHECKING:
    from eservice_desktop.config import Settings
    from eservice_desktop.domain.catalogue import Catalogue, Office
    from eservice_desktop.domain.operators import Operator
    from eservice_desktop.services.core import App


#: A masked name this long or shorter stays one piece on screen (王○明).
_UNBROKEN = 8


@dataclass(frozen=True)
class ScreenCase:
    """The case in front of the clerk: what a verification or any other action acts on."""

    case_number: str
    applicant_name: str = ""
    applicant_id: str = ""

    @property
    def masked_name(self) -> str:
        """The applicant's name as the screen shows it (``mask_name``). A long one may wrap
        between any two of its characters (a zero-width space between them): a Latin name of
        50 letters masked to W and 47 circles gave the line no place to break, and ran past the
        identity panel's edge, the case's name cut off."""
        return screen_masked_name(self.applicant_name)


def screen_masked_name(name: str) -> str:
    """``name`` masked (``mask_name``) as the screen shows it: a long one may wrap between any
    two of its characters (a zero-width space between them), or it runs past the edge of the
    label that names it, the rest of the sentence cut off."""
    masked = mask_name(name)
    return masked if len(masked) <= _UNBROKEN else "\u200b".join(masked)


class PendingCore:
    """The services core while the database writer opens it. ``start`` hands the opening to
    the writer (once); the job fills ``future``. ``settings``, ``catalogue`` (the shipped one the
    core opens with), ``office`` and ``operator`` (the one the opening signs in: demo mode's, or
    None) are known before. ``handed``: what a first list read before the core (the key, the
    calendar: ``services.queue_start``) hands to the opening, which runs after it on the same
    database writer."""

    def __init__(
        self,
        settings: Settings,
        catalogue: Catalogue,
        start: Callable[[Future[App]], object],
        operator: Operator | None = None,
    ) -> None:
        self.settings = settings
        self.handed: dict[str, Any] = {}
        self.catalogue = catalogue
        self.office = catalogue.office(settings.office_code)
        self.operator = operator
        self.future: Future[App] = Future()
        self._start: Callable[[Future[App]], object] | None = start

    def start(self) -> None:
        begin, self._start = self._start, None
        if begin is not None:
            begin(self.future)

    def result(self) -> App:
        """The open core; waits for the writer (raises what the opening raised)."""
        self.start()
        return self.future.result()


class GuiContext(QObject):
    """Shared state of one counter window (one per process in production, one per test)."""

    #: A case was written (intake, supplement, payment, pickup ...): its case number.
    case_changed = Signal(str)
    #: An identity source read a person: {"id", "name", "birth" (ISO date or ""), "source"
    #: ("nhi" | "moica")}. The intake form fills its applicant fields from it.
    applicant_read = Signal(dict)
    #: The card was pulled: clear personal data that came from it.
    identity_cleared = Signal()
    #: A line for the status bar (zh-TW or English, already translated).
    status_message = Signal(str)
    #: Someone asks to show a case (case number): the main window opens the case detail.
    open_case_requested = Signal(str)
    #: A page's displayed case changed (loaded, cleared): the window asks it again.
    screen_case_changed = Signal()
    #: The case in front of the clerk (``ScreenCase``) or None: sent by the main window when the
    #: page in front or the case it shows changes. Never "the last case that changed".
    case_in_front = Signal(object)
    #: The intake form's applicant (ID, name) as typed so far.
    intake_applicant = Signal(str, str)
    #: Identity panel -> intake form: a passed MOICA proof (``services.identity.ProofResult``)
    #: to record with the case when it is saved, or None to withdraw it.
    intake_proof = Signal(object)
    #: Intake form -> identity panel: what became of that proof: ("recorded", case number) or
    #: ("dropped", "") when the applicant changed or the form was cleared.
    intake_proof_done = Signal(str, str)
    #: A page now shows this case to the clerk (case number): F6 takes its payment.
    case_shown = Signal(str)
    #: A sync round with the county finished well (attachments may have been uploaded).
    sync_round_done = Signal()
    #: A restored database's recovery from the county, awaited while this window ran, is done
    #: (``services/restore_guard.py``): a refusal it caused can be tried again.
    restore_recovered = Signal()
    #: The core opened after the window was built (``gui/launcher.py``): what waited for it
    #: (``when_core_open``) goes on.
    core_opened = Signal()
    #: The core's opening found an older database and is backing it up and upgrading it
    #: (minutes for a large one): emitted on the database writer, heard on the UI thread.
    upgrading = Signal()

    def __init__(
        self,
        app: App | PendingCore,
        tasks: TaskRunner,
        lang: str = "zh_TW",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._core = app if isinstance(app, PendingCore) else _adopted(app)
        self.tasks = tasks
        self.lang = lang
        tasks.lang = lang
        #: Asks the window, at the moment of acting, which case is in front (set by MainWindow;
        #: None without a window).
        self.screen_case: Callable[[], ScreenCase | None] = lambda: None
        #: The intake form's applicant (ID, name) now: what ``intake_applicant`` last said, for
        #: a listener that starts after the form (the identity panel starts after the pages).
        self.intake_applicant_now: tuple[str, str] = ("", "")
        #: Receipts being printed now (``qt_print.print_receipt``, under its lock): a second
        #: print of one of them is refused until the first has ended.
        self.receipts_printing: set[str] = set()

    @property
    def app(self) -> App:
        """The services core (waits for it while it is still opening: see the module doc)."""
        core = self._core
        if isinstance(core, PendingCore):
            core = self._core = _adopted(core.result())
        return core

    @app.setter
    def app(self, core: App) -> None:
        self._core = _adopted(core)

    def _opened(self) -> App | None:
        """The core once it is open, without waiting (None while it is opening)."""
        core = self._core
        if isinstance(core, PendingCore):
            future = core.future
            if not future.done() or future.exception() is not None:
                return None
            core = self._core = _adopted(future.result())
        return core

    @property
    def pending_core(self) -> PendingCore | None:
        """The core's opening while it is under way (None once open, or never pending)."""
        core = self._core
        return core if isinstance(core, PendingCore) and not core.future.done() else None

    @property
    def core_open(self) -> bool:
        """False while the core is still being opened (the login screen, or a demo start's
        first list, is up meanwhile)."""
        return self._opened() is not None

    @property
    def settings(self) -> Settings:
        core = self._opened()
        if core is None:
            assert isinstance(self._core, PendingCore)
            return self._core.settings
        return core.settings

    @property
    def office(self) -> Office:
        """This counter's office (from the catalogue the core opens with)."""
        core = self._opened()
        if core is None:
            assert isinstance(self._core, PendingCore)
            return self._core.office
        return core.office

    @property
    def operator(self) -> Operator | None:
        """Who is signed in: the core's operator, or while it opens the one its opening signs
        in (demo mode), so the window is built for them meanwhile."""
        core = self._opened()
        if core is None:
            assert isinstance(self._core, PendingCore)
            return self._core.operator
        return core.operator

    def now(self) -> datetime:
        """The core's clock (UTC), or the system's while the core opens."""
        core = self._opened()
        return datetime.now(UTC) if core is None else core.now()

    def when_core_open(self, callback: Callable[[], None]) -> None:
        """Calls ``callback`` on the UI thread now if the core is open, else once it opened
        (``core_opened``): work that needs the core waits without blocking the window."""
        if self.core_open:
            callback()
            return

        def once() -> None:
            self.core_opened.disconnect(once)
            if not owner_deleted(callback):  # a page closed meanwhile hears nothing
                callback()

        self.core_opened.connect(once)

    def core_later(self) -> Callable[[], App]:
        """For a job on the database writer: a call that gives the core there. The opening is
        started now if it was not, so it is queued on the writer before that job."""
        core = self._core
        if isinstance(core, PendingCore):
            core.start()
            return core.future.result
        return lambda: core

    def run_on_core(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        """``fn(core, *args)`` on the database writer (``tasks.run``'s keywords), the core's
        opening queued ahead of it if nobody started it: for a page built before the core."""
        return self.tasks.run(_with_core, self.core_later(), fn, *args, **kwargs)

    @property
    def is_zh(self) -> bool:
        return self.lang.lower().startswith("zh")

    def message(self, error: object) -> str:
        """A failed task's text in the window's language (``gui.error_text``): a refusal's
        own, a failure of the machine's one line, anything else one plain sentence."""
        from eservice_desktop.gui.error_text import refusal_of

        said = refusal_of(error)
        return said.message_zh if self.is_zh else said.message_en

    def pick(self, zh: str, en: str) -> str:
        """Catalogue data carries both languages; choose the window's."""
        return zh if self.is_zh else (en or zh)


def _with_core(core: Callable[[], App], fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """On the database writer: ``fn`` given the core (``GuiContext.run_on_core``)."""
    return fn(core(), *args, **kwargs)


def intake_draft_path(ctx: GuiContext) -> Path:
    """Where the intake form's unsent input is sealed (``services.drafts.DraftStore``): the
    form keeps it there, the main window looks for it at sign-in."""
    return ctx.settings.data_dir / "drafts" / "intake.json.sealed"


def _adopted(core: App) -> App:
    """The core as the window uses it: the services read the signed-in account only on the
    database writer, never on the GUI thread (``operators_signin.read_accounts_only_where``)."""
    from eservice_desktop.services import operators_signin  # argon2: not at start-up

    operators_signin.read_accounts_only_where(core, on_writer_thread)
    return core
