"""Case use cases shared by every face: record an event, read a case, search, the queues.

:func:`record` is the write path of the faces: load the stream, then hand the new event to
:func:`services.ingest.ingest`, which checks the transition, appends and refreshes every
projection in the caller's one transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.domain.case import APPROVE_CLOSE_WITH_BALANCE, CaseState
from eservice_desktop.domain.case_number import looks_like_case_number, parse_case_number
from eservice_desktop.domain.deadline import deadline_status, is_provisional, working_days_left
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import access
from eservice_desktop.services.approvals import Approval, Granted, append_approved, grant
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import compute_due, ingest
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import AWAITING_ACCEPTANCE_SQL, CaseRow
from eservice_desktop.storage.models_reports import CaseStatMonthRow

TAIPEI = ZoneInfo("Asia/Taipei")

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
    return append_approved(app, session, state, event, granted)


def resolve_case_id(session: Session, case_number: str) -> str:
    """Accepts the number as printed, typed without dashes, or scanned; a wrong check digit
    is reported as such rather than as "not found"."""
    text = case_number.strip().upper()
    if looks_like_case_number(text):
        text = str(parse_case_number(text))
    case_id = repo.case_id_by_number(session, text)
    if case_id is None:
        raise NOT_FOUND
    return case_id


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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def today(app: App) -> date:
    return app.now().astimezone(TAIPEI).date()


def view_of(
    app: App, state: CaseState, events: list[Event] | None = None, lang: str = "zh_TW"
) -> CaseView:
    due = compute_due(app, state)
    now_day = today(app)
    status: str
    if state.is_open:
        status = deadline_status(due, now_day, app.calendar)
        left = working_days_left(due, now_day, app.calendar) if due else None
    else:
        status, left = "finished", None
    service_name = app.catalogue.service_name(state.service_code)
    return CaseView(
        case_id=state.case_id,
        case_number=state.case_number,
        service_code=state.service_code,
        service_name=service_name,
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
        pickup_method=state.pickup_method,
        pickup_office=state.pickup_office,
        supplement_reason=state.supplement_reason if state.supplement_since else "",
        rejection_reason=state.rejection_reason,
        consent_kinds=sorted(state.consent_kinds),
        documents_required=list(state.documents_required),
        documents_presented=list(state.documents_presented),
        fields=dict(state.fields),
        events=[
            {
                "event_id": e.event_id,
                "type": e.type,
                "at": e.at.isoformat(),
                "office": e.office,
                "device": e.device,
                "clerk": e.clerk,
                "payload": e.payload,
            }
            for e in (events or [])
        ],
        channel=state.channel,
        reservation_at=state.reservation_at,
        accepted_at=state.accepted_at.isoformat() if state.accepted_at else None,
        awaiting_acceptance=state.awaiting_acceptance,
    )


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


def request_supplement(
    app: App, case_number: str, reason: str, items: list[str] | None = None
) -> CaseView:
    require(app, Action.PROCESS)
    return _transition(
        app, case_number, ev.SUPPLEMENT_REQUESTED, {"reason": reason.strip(), "items": items or []}
    )


def record_supplement(app: App, case_number: str, note: str = "") -> CaseView:
    require(app, Action.PROCESS)
    return _transition(app, case_number, ev.SUPPLEMENT_RECEIVED, {"note": note.strip()})


def accept_case(app: App, case_number: str, note: str = "") -> CaseView:
    """收件 of a web or kiosk case that sync brought to this office (docs/channels.md: the
    legal clock runs from the submission time, not from this acceptance)."""
    require(app, Action.PROCESS)
    return _transition(app, case_number, ev.ACCEPTED, {"note": note.strip()})


def close_case(
    app: App, case_number: str, note: str = "", *, approval: Approval | None = None
) -> CaseView:
    """Closes the case. With fees still due it is refused (``fees_due``) unless a supervisor
    approves (``approval``): then the approval is recorded just before the closing."""
    require(app, Action.CLOSE)
    granted = None
    if approval is not None:
        state = load_case(app, case_number)
        if state.balance > 0:
            granted = grant(
                app, approval, APPROVE_CLOSE_WITH_BALANCE, reason=note, target=state.case_number
            )
    return _transition(app, case_number, ev.CLOSED, {"note": note.strip()}, granted)


def reject_case(app: App, case_number: str, reason: str) -> CaseView:
    require(app, Action.CLOSE)
    return _transition(app, case_number, ev.REJECTED, {"reason": reason.strip()})


def cancel_case(app: App, case_number: str, reason: str) -> CaseView:
    require(app, Action.CLOSE)
    return _transition(app, case_number, ev.CANCELLED, {"reason": reason.strip()})


@dataclass(frozen=True)
class QueueRow:
    """One line of the clerk's queue: straight from the projection table, no event folding."""

    case_id: str
    case_number: str
    service_code: str
    applicant_name: str
    applicant_id_masked: str
    status: str
    received_at: datetime
    due: date | None
    fees_due: int
    paid: int
    #: The due date counts days of a year with no imported working calendar (see CaseView).
    provisional: bool = False
    #: How the case arrived (counter, web, kiosk) and a web or kiosk case's reservation.
    channel: str = "counter"
    reservation_at: datetime | None = None


def _queue_row(r: CaseRow | Any, calendar: WorkingCalendar | None = None) -> QueueRow:
    """From a ``CaseRow`` or a row of ``storage.search.LIST_COLUMNS``."""
    received = repo._aware(r.received_at)
    summary = getattr(r, "state", None)
    reservation = str(summary.get("reservation_at") or "") if isinstance(summary, dict) else ""
    return QueueRow(
        case_id=r.case_id,
        case_number=r.case_number,
        service_code=r.service_code,
        applicant_name=r.applicant_name,
        applicant_id_masked=mask_id(r.applicant_id),
        status=r.status,
        received_at=received,
        due=r.due_date,
        fees_due=r.fees_due,
        paid=r.paid,
        provisional=calendar is not None
        and is_provisional(received.astimezone(TAIPEI).date(), r.due_date, calendar),
        channel=str(getattr(r, "channel", None) or "counter"),
        reservation_at=datetime.fromisoformat(reservation) if reservation else None,
    )


OPEN_STATUSES = ("received", "payment_due", "supplement_requested")
#: Newest first, in an order the (office, received_day, received_at) index serves (see queue()).
NEWEST_FIRST = (CaseRow.received_day.desc(), CaseRow.received_at.desc())
QUEUES = ("today", "supplement", "due_soon", "overdue", "open", "all", "online")


def _awaiting_acceptance() -> Any:
    """Web and kiosk cases not accepted (收件) yet: the projection's state summary says so.
    Written as the partial index ``ix_cases_online_waiting`` states it, so SQLite reads that
    index (a handful of rows) instead of the JSON state of every open case."""
    return text(AWAITING_ACCEPTANCE_SQL)


def queue(app: App, name: str, limit: int = 500, offset: int = 0) -> list[QueueRow]:
    """The clerk's queues: today's intake, awaiting supplement, due within 2 working days,
    overdue, every open case, or everything (newest first); ``limit`` rows from ``offset``."""
    require(app, Action.VIEW_CASE)
    return queue_page(app, name, limit, offset).rows


def queue_page(app: App, name: str, limit: int = 500, offset: int = 0) -> Page:
    require(app, Action.VIEW_CASE)
    check_page(limit, offset)
    stmt = _queue_select(app, name, select(CaseRow))
    with app.reading() as s:
        rows = [
            _queue_row(r, app.calendar) for r in s.scalars(stmt.limit(limit + 1).offset(offset))
        ]
    return Page(rows[:limit], len(rows) > limit)


def queue_member(app: App, name: str, case_number: str) -> QueueRow | None:
    """One case's line if it belongs to queue ``name`` now (the queue's own conditions, read on
    the case-number index), else None: a list shown is updated by one row after a write
    instead of being read again."""
    require(app, Action.VIEW_CASE)
    stmt = _queue_select(app, name, select(CaseRow), ordered=False)
    with app.reading() as s:
        row = s.scalars(stmt.where(CaseRow.case_number == case_number).limit(1)).first()
        return None if row is None else _queue_row(row, app.calendar)


def queue_total(app: App, name: str) -> int:
    """Every case of a queue (the list shows how many it has loaded of these)."""
    require(app, Action.VIEW_CASE)
    if name not in QUEUES:
        raise DomainError("queue.unknown", f"未知的清單：{name}", f"Unknown queue: {name}")
    with app.reading() as s:
        return _QueueCounter(app, s).count(name)


def _queue_select(app: App, name: str, stmt: Any, ordered: bool = True) -> Any:
    if name not in QUEUES:
        raise DomainError("queue.unknown", f"未知的清單：{name}", f"Unknown queue: {name}")
    day = today(app)
    office = app.settings.office_code
    stmt = stmt.where(CaseRow.office == office)
    if name == "today":
        stmt = stmt.where(CaseRow.received_day == day).order_by(CaseRow.received_at.desc())
    elif name == "supplement":
        stmt = stmt.where(CaseRow.status == "supplement_requested").order_by(CaseRow.received_at)
    elif name in ("due_soon", "overdue"):
        soon = _working_day_after(app, day, 2)
        cond = (
            and_(CaseRow.due_date >= day, CaseRow.due_date <= soon)
            if name == "due_soon"
            else CaseRow.due_date < day
        )
        stmt = stmt.where(CaseRow.status.in_(OPEN_STATUSES), cond).order_by(CaseRow.due_date)
    elif name == "online":
        stmt = stmt.where(_awaiting_acceptance()).order_by(CaseRow.received_at)
    elif name == "open":
        # The (office, received_day, received_at) index serves this order: SQLite walks it
        # newest first and stops at the limit (0.8 s -> 2 ms over 1M cases).
        stmt = stmt.where(CaseRow.status.in_(OPEN_STATUSES)).order_by(*NEWEST_FIRST)
    else:
        stmt = stmt.order_by(*NEWEST_FIRST)
    if not ordered:
        stmt = stmt.order_by(None)
    return stmt


@dataclass(frozen=True)
class OnlineRow:
    """A web or kiosk case waiting for this office's 收件 (the queue's 線上申辦 tab)."""

    case_id: str
    case_number: str
    service_code: str
    applicant_name: str
    applicant_id_masked: str
    channel: str
    #: When the citizen submitted it: the legal clock runs from here (docs/channels.md).
    submitted_at: datetime
    reservation_at: datetime | None
    fees_due: int
    paid: int


def online_queue(app: App, limit: int = 1000) -> list[OnlineRow]:
    """Web and kiosk cases routed to this office and not accepted yet, oldest first."""
    require(app, Action.VIEW_CASE)
    return [
        OnlineRow(
            case_id=r.case_id,
            case_number=r.case_number,
            service_code=r.service_code,
            applicant_name=r.applicant_name,
            applicant_id_masked=r.applicant_id_masked,
            channel=r.channel,
            submitted_at=r.received_at,
            reservation_at=r.reservation_at,
            fees_due=r.fees_due,
            paid=r.paid,
        )
        for r in queue(app, "online", limit)
    ]


def has_cases(app: App) -> bool:
    """Whether the database holds any case yet (the first start offers the demo or setup)."""
    with app.reading() as s:
        return repo.count_cases(s) > 0


#: The queues whose counts the queue page shows on its tabs.
COUNTED_QUEUES = ("today", "supplement", "due_soon", "overdue", "online")


def queue_counts(app: App) -> dict[str, int]:
    """The tab counts of the queue page, each an index range count or a sum of the per-month
    counts ``case_stats_month`` keeps by trigger: a few milliseconds over 1,000,000 cases."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        counter = _QueueCounter(app, s)
        return {name: counter.count(name) for name in COUNTED_QUEUES}


class _QueueCounter:
    """How many cases each queue holds, without walking the big ones.

    The counts by status come from ``case_stats_month`` (kept by triggers in the transaction of
    every write to ``cases``, migration 0011): about 2,000 rows at 1,000,000 cases. Overdue is
    every open case less those without a due date and those due today or later, two short
    ranges of ``ix_cases_office_status_due``; the others are index ranges of their own."""

    def __init__(self, app: App, s: Session) -> None:
        self.app = app
        self.s = s
        self.office = app.settings.office_code
        self.day = today(app)

    def count(self, name: str) -> int:
        if name == "supplement":
            return self._by_status(("supplement_requested",))
        if name == "open":
            return self._by_status(OPEN_STATUSES)
        if name == "all":
            return self._by_status(None)
        if name == "overdue":
            return (
                self._by_status(OPEN_STATUSES)
                - self._cases(CaseRow.status.in_(OPEN_STATUSES), CaseRow.due_date.is_(None))
                - self._cases(CaseRow.status.in_(OPEN_STATUSES), CaseRow.due_date >= self.day)
            )
        if name == "due_soon":
            soon = _working_day_after(self.app, self.day, 2)
            return self._cases(
                CaseRow.status.in_(OPEN_STATUSES),
                CaseRow.due_date >= self.day,
                CaseRow.due_date <= soon,
            )
        if name == "today":
            return self._cases(CaseRow.received_day == self.day)
        return self._cases(_awaiting_acceptance())

    def _cases(self, *where: Any) -> int:
        stmt = select(func.count()).select_from(CaseRow).where(CaseRow.office == self.office)
        return int(self.s.scalar(stmt.where(*where)) or 0)

    def _by_status(self, statuses: tuple[str, ...] | None) -> int:
        stmt = select(func.coalesce(func.sum(CaseStatMonthRow.n), 0)).where(
            CaseStatMonthRow.office == self.office
        )
        if statuses is not None:
            stmt = stmt.where(CaseStatMonthRow.status.in_(statuses))
        return int(self.s.scalar(stmt) or 0)


def _working_day_after(app: App, day: date, n: int) -> date:
    """The n-th working day after ``day`` (``day`` itself counts when it is a working day)."""
    d = day if app.calendar.is_working_day(day) else app.calendar.next_working_day(day)
    for _ in range(n - 1):
        d = app.calendar.next_working_day(d)
    return d


#: Most rows one search or queue call returns (the CLI refuses a larger --limit).
MAX_PAGE = 1000
#: Largest offset accepted: more cases than any office holds, far below SQLite's integers.
MAX_OFFSET = 1_000_000_000


@dataclass(frozen=True)
class Page:
    """Rows of a list and whether more follow; ``after`` continues a search from its last row."""

    rows: list[QueueRow]
    more: bool
    after: int | None = None


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise DomainError(
            "page.limit",
            f"每頁筆數須介於 1 與 {MAX_PAGE} 之間（收到 {limit}）",
            f"The page size must be between 1 and {MAX_PAGE} (got {limit})",
        )
    if not 0 <= offset <= MAX_OFFSET:
        raise DomainError(
            "page.offset",
            f"起始位置須介於 0 與 {MAX_OFFSET:,} 之間（收到 {offset}）",
            f"The offset must be between 0 and {MAX_OFFSET:,} (got {offset})",
        )


def search(app: App, text: str, limit: int = 50, offset: int = 0) -> list[QueueRow]:
    """Cases whose name, ID number or sequence number contains ``text`` or whose case number
    starts with it (storage/search.py), newest first."""
    require(app, Action.SEARCH)
    return search_page(app, text, limit, offset).rows


def search_page(
    app: App, text: str, limit: int = 100, offset: int = 0, after: int | None = None
) -> Page:
    """One page of a search; the next page is ``search_page(..., after=page.after)``. The
    first page of each search goes to the access log (the text and how many cases it showed)."""
    require(app, Action.SEARCH)
    check_page(limit, offset)
    with app.reading() as s:
        rows = repo.search_cases(s, text, limit + 1, offset, after)
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1].search_key if rows else after
        page = Page([_queue_row(r, app.calendar) for r in rows], more, last)
    if offset == 0 and after is None:
        shown = f"{len(page.rows)}{'+' if more else ''}"
        access.record(app, access.SEARCH, detail=f"{text[:160]} → {shown}")
    return page


def search_count(app: App, text: str) -> int:
    """How many cases a search matches, every one counted (the lists say "n of N")."""
    require(app, Action.SEARCH)
    with app.reading() as s:
        return repo.count_search(s, text)
