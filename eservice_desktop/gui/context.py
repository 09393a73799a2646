"""What every page of the counter window shares: the services core, the task runner, the UI
language, and the few signals pages talk to each other through.

Pages never import each other; they emit and listen here. That keeps each feature page a
self-contained module that registers with one line in ``gui/main_window.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_name
from eservice_desktop.gui.tasks import TaskRunner
from eservice_desktop.services.core import App


@dataclass(frozen=True)
class ScreenCase:
    """The case in front of the clerk: what a verification or any other action acts on."""

    case_number: str
    applicant_name: str = ""
    applicant_id: str = ""

    @property
    def masked_name(self) -> str:
        return mask_name(self.applicant_name)


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

    def __init__(
        self, app: App, tasks: TaskRunner, lang: str = "zh_TW", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.lang = lang
        tasks.lang = lang
        #: Asks the window, at the moment of acting, which case is in front (set by MainWindow;
        #: None without a window).
        self.screen_case: Callable[[], ScreenCase | None] = lambda: None
        #: The intake form's applicant (ID, name) now: what ``intake_applicant`` last said, for
        #: a listener that starts after the form (the identity panel starts after the pages).
        self.intake_applicant_now: tuple[str, str] = ("", "")

    @property
    def is_zh(self) -> bool:
        return self.lang.lower().startswith("zh")

    def message(self, error: DomainError) -> str:
        """A domain error's text in the window's language."""
        return error.message_zh if self.is_zh else error.message_en

    def pick(self, zh: str, en: str) -> str:
        """Catalogue data carries both languages; choose the window's."""
        return zh if self.is_zh else (en or zh)
