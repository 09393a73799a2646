"""Case use cases shared by every face: record an event, read a case, move it on.

:func:`record` is the write path of the faces: load the stream, then hand the new event to
:func:`services.ingest.ingest`, which checks the transition, appends and refreshes every
projection in the caller's one transaction.

The queues and the search (lists read from the projection, no event folding) are
``services.case_queues``; the office day (``today``) is ``services.calendar``'s. Both are
importable from here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.case import APPROVE_CLOSE_WITH_BALANCE, CaseState
from eservice_desktop.domain.case_number import looks_like_case_number, parse_case_number
from eservice_desktop.domain.deadline import deadline_status, is_provisional, working_days_left
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.payment_wait import payment_fields
from eservice_desktop.domain.shown_events import shown_events
from eservice_desktop.domain.supply_by import supplement_fields
from eservice_desktop.services import access
from eservice_desktop.services.calendar import judged_on, today
from eservice_desktop.services.case_queues import (
    COUNTED_QUEUES,
    MAX_OFFSET,
    MAX_PAGE,
    NEWEST_FIRST,
    QUEUES,
    OnlineRow,
    Page,
    check_page,
    has_cases,
    online_queue,
    queue,
    queue_counts,
    queue_member,
    queue_page,
    queue_total,
    search,
    search_count,
    search_page,
)
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.queue_items import OPEN_STATUSES, QueueRow
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import EventRow

if TYPE_CHECKING:
    from eservice_desktop.services.approvals import Approval, Granted

# The writes' door (services.ingest, and the approvals over it) is imported by the functions
# that write or compute a due date: the counter window's first list reads the queue alone
# (tests/gui/test_cold_start_imports.py).

__all__ = [
    "COUNTED_QUEUES",
    "MAX_OFFSET",
    "MAX_PAGE",
    "NEWEST_FIRST",
    "OPEN_STATUSES",
    "QUEUES",
    "TAIPEI",
    "OnlineRow",
    "Page",
    "QueueRow",
    "check_page",
    "has_cases",
    "online_queue",
    "queue",
    "queue_counts",
    "queue_member",
    "queue_page",
    "queue_total",
    "search",
    "search_count",
    "search_page",
    "today",
]

NOT_FOUND = DomainError("case.not_found", "查無此案件", "No such case", "case_number")


def append(
    app: App,
    session: Session,
    event: Event,
    state: CaseState | None,
    origin: str = "local",
) -> CaseState:
    """Checks and appends one event to a loaded state; returns the new state
    (:func:`services.ingest.ingest`, the one door every event comes through)."""
    from eservice_desktop.services.ingest import ingest

    return ingest(app, session, event, state, origin=origin)


def record(
    app: App,
    session: Session,
    case_id: str,
    type_: str,
    payload: dict[str, Any],
    *,
    granted: Granted | None = None,
) -> CaseState:
    """Loads the case and appends one new event of the signed-in operator; with ``granted``
    (a supervisor's verified approval, ``services.approvals``) the approval event goes first."""
    state = repo.load_state(session, case_id)
    if state is None:
        raise NOT_FOUND
    event = app.actor.event(case_id, type_, app.now(), payload)
    from eservice_desktop.services.approvals import append_approved

    return append_approved(app, session, state, event, granted)


def resolve_case_id(session: Session, case_number: str) -> str:
    """Accepts the number as printed, typed without dashes or in full-width characters (a
    Chinese IME left in full-width mode), or scanned; a wrong check digit is reported as such
    rather than as "not found"."""
    text = unicodedata.normalize("NFKC", case_number).strip().upper()
    if looks_like_case_number(text):
        text = str(parse_case_number(text))
    else:
        text = _short_number(session, text)
    case_id = repo.case_id_by_number(session, text)
    if case_id is None:
        raise NOT_FOUND
    return case_id


def _short_number(session: Session, text: str) -> str:
    """A number as the citizen reads it off the slip (``115-000002``, ``H01-115-000002``) as
    the one case it is; two or more are refused naming them (never one picked for the clerk:
    a pickup office holds its own 115-000002 beside the filing office's). Any other text
    stays as it was."""
    found = repo.case_numbers_typed_short(session, text)
    if not found or len(found) == 1:
        return found[0] if found else text
    listed = "、".join(found)
    raise DomainError(
        "case_number.ambiguous",
        f"案號 {text} 符合多件案件：{listed}，請輸入完整案號",
        f"Case number {text} matches several cases: {', '.join(found)}; type the whole case number",
        "case_number",
    )


@dataclass(frozen=True)
class CaseView:
    """What faces show of a case: JSON-ready, with derived deadline figures."""

    case_id: str
    case_number: str
    service_code: str
    service_name: str
    office: str
    status: str
    status_label: str
    applicant_kind: str
    applicant_id: str
    applicant_id_masked: str
    applicant_name: str
    phone: str
    copies: int
    received_at: str
    due: str | None
    working_days_left: int | None
    deadline_status: str
    #: The due date counts days of a year with no imported working calendar (a guess).
    provisional: bool
    fees_due: int
    paid: int
    balance: int
    pickup_method: str
    pickup_office: str
    supplement_reason: str = ""
    #: An awaited supplement's day to bring it by (ISO), whether it is over, its documents.
    supplement_by: str | None = None
    supplement_overdue: bool = False
    supplement_items: list[str] = field(default_factory=list)
    #: When an assessed fee began to wait for payment (ISO; None: none awaits), the working
    #: days it has waited, and whether that is more than ``payment_due_days`` allows.
    payment_since: str | None = None
    payment_waited_days: int | None = None
    payment_overdue: bool = False
    rejection_reason: str = ""
    consent_kinds: list[str] = field(default_factory=list)
    #: The catalogue's required documents (應備文件) at intake and those ticked as presented.
    documents_required: list[str] = field(default_factory=list)
    documents_presented: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    #: How the case arrived (counter, web, kiosk); a web or kiosk case's reservation (ISO,
    #: "" for none) and when this office accepted it (ISO; None while it awaits 收件).
    channel: str = "counter"
    reservation_at: str = ""
    accepted_at: str | None = None
    awaiting_acceptance: bool = False
    #: Taken beyond the fees (溢繳, ``balance`` below 0), to refund (services.overpaid).
    overpaid: int = 0
    #: The applicant's e-mail address as it stands (a correction's, ``case.applicant_corrected``,
    #: over intake's), where the county sends notices; "" for none.
    email: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def compute_due(app: App, state: CaseState) -> date | None:
    """The legal due date of ``state`` (:func:`services.ingest.compute_due`)."""
    from eservice_desktop.services.ingest import compute_due as due_of

    return due_of(app, state)


def view_of(
    app: App, state: CaseState, events: list[Event] | None = None, lang: str = "zh_TW"
) -> CaseView:
    due = compute_due(app, state)
    judged = judged_on(app)  # tomorrow once today's counters have closed
    day = today(app)
    status: str
    if state.is_open:
        status = deadline_status(due, judged, app.calendar)
        left = working_days_left(due, judged, app.calendar) if due else None
    else:
        status, left = "finished", None
    return CaseView(
        case_id=state.case_id,
        case_number=state.case_number,
        service_code=state.service_code,
        service_name=app.catalogue.service_name(state.service_code),
        office=state.office,
        status=state.status,
        status_label=state.status_label(lang),
        applicant_kind=state.applicant_kind,
        applicant_id=state.applicant_id,
        applicant_id_masked=mask_id(state.applicant_id),
        applicant_name=state.applicant_name,
        phone=state.phone,
        copies=state.copies,
        received_at=state.received_at.isoformat(),
        due=due.isoformat() if due else None,
        working_days_left=left,
        deadline_status=status,
        provisional=is_provisional(state.received_at.astimezone(TAIPEI).date(), due, app.calendar),
        fees_due=state.fees_due,
        paid=state.paid,
        balance=state.balance,
        overpaid=max(-state.balance, 0),
        pickup_method=state.pickup_method,
        pickup_office=state.pickup_office,
        **supplement_fields(state, day),  # the reason, day and documents awaited
        **payment_fields(state, day, app.calendar, app.settings.payment_due_days),
        rejection_reason=state.rejection_reason,
        consent_kinds=sorted(state.consent_kinds),
        documents_required=list(state.documents_required),
        documents_presented=list(state.documents_presented),
        fields=dict(state.fields),
        events=shown_events(events or []),
        channel=state.channel,
        reservation_at=state.reservation_at,
        accepted_at=state.accepted_at.isoformat() if state.accepted_at else None,
        awaiting_acceptance=state.awaiting_acceptance,
        email=state.email,
    )


def revision(app: App, case_id: str) -> int:
    """How many events the case holds (an index count, no personal data read): a page read
    again when a sync round brought its case more (another counter took its fee, closed it)
    kept offering what was no longer there to do until the service refused it."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        stmt = select(func.count()).select_from(EventRow).where(EventRow.case_id == case_id)
        return int(s.scalar(stmt) or 0)


def show_case(app: App, case_number: str) -> CaseView:
    """The case on screen (or printed by ``case show``); the view goes to the access log."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        case_id = resolve_case_id(s, case_number)
        evs = repo.events_for(s, case_id)
    from eservice_desktop.domain.case import project

    view = view_of(app, project(evs), evs)
    access.record(app, access.VIEW, case_id=case_id, case_number=view.case_number)
    return view


def load_case(app: App, case_number: str) -> CaseState:
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        state = repo.load_state(s, resolve_case_id(s, case_number))
    if state is None:
        raise NOT_FOUND
    return state


def _transition(
    app: App,
    case_number: str,
    type_: str,
    payload: dict[str, Any],
    granted: Granted | None = None,
) -> CaseView:
    with app.transaction() as s:
        state = record(app, s, resolve_case_id(s, case_number), type_, payload, granted=granted)
    return view_of(app, state)


#: The case detail's one text field (補正、駁回、撤件 reasons, notes) as a refusal names it.
REASON_FIELD: Final[values.Label] = ("理由", "Reason")


def said(text: str, key: str = "reason") -> str:
    """What the clerk typed as the event's ``key`` (a reason: REASON_MAX, a note: TEXT_MAX),
    stripped; refused naming the reason field before anything is stored or approved."""
    most = values.REASON_MAX if key == "reason" else values.TEXT_MAX
    return values.check_text(text.strip(), key, max_len=most, multiline=True, label=REASON_FIELD)


def request_supplement(app: App, case_number: str, reason: str, *more: Any, **by: Any) -> CaseView:
    """通知補正: ``services.supplement.request_supplement`` (items, supply_by) checks it."""
    from eservice_desktop.services import supplement

    require(app, Action.PROCESS)
    return supplement.request_supplement(app, case_number, reason, *more, **by)


def record_supplement(app: App, case_number: str, note: str = "") -> CaseView:
    require(app, Action.PROCESS)
    return _transition(app, case_number, ev.SUPPLEMENT_RECEIVED, {"note": said(note, "note")})


def accept_case(app: App, case_number: str, note: str = "") -> CaseView:
    """收件 of a web or kiosk case that sync brought to this office (docs/channels.md: the
    legal clock runs from the submission time, not from this acceptance)."""
    require(app, Action.PROCESS)
    return _transition(app, case_number, ev.ACCEPTED, {"note": said(note, "note")})


def close_case(
    app: App, case_number: str, note: str = "", *, approval: Approval | None = None
) -> CaseView:
    """Closes the case. With fees still due it is refused (``fees_due``) unless a supervisor
    approves (``approval``): then the approval is recorded just before the closing."""
    require(app, Action.CLOSE)
    note = said(note, "note")
    granted = None
    if approval is not None:
        state = load_case(app, case_number)
        if state.balance > 0:
            from eservice_desktop.services.approvals import grant

            granted = grant(
                app, approval, APPROVE_CLOSE_WITH_BALANCE, reason=note, target=state.case_number
            )
    return _transition(app, case_number, ev.CLOSED, {"note": note.strip()}, granted)


def reject_case(app: App, case_number: str, reason: str) -> CaseView:
    require(app, Action.CLOSE)
    return _transition(app, case_number, ev.REJECTED, {"reason": said(reason)})


def cancel_case(app: App, case_number: str, reason: str) -> CaseView:
    require(app, Action.CLOSE)
    return _transition(app, case_number, ev.CANCELLED, {"reason": said(reason)})
