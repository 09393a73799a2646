"""The clerk's lists: the queues (today, supplement, due soon, overdue, open, all, online),
their counts, and the search, read straight from the ``cases`` projection with no event folding.

Apart from ``services.cases`` (which re-exports these) because the lists are read models over
many cases, paged and counted, while ``cases`` reads and moves one case through its events.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, and_, func, literal_column, select, text
from sqlalchemy.orm import Session

from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.domain.deadline import is_provisional
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.payment_wait import since_day
from eservice_desktop.services import access
from eservice_desktop.services.calendar import judged_on, today
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.queue_items import OPEN_STATUSES, QueueRow
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import AWAITING_ACCEPTANCE_SQL, CaseRow
from eservice_desktop.storage.models_reports import CaseStatMonthRow


def _queue_row(
    r: CaseRow | Any, calendar: WorkingCalendar | None = None, row_id: int = 0
) -> QueueRow:
    """From a ``CaseRow`` or a row of ``storage.search.LIST_COLUMNS``."""
    received = repo.aware(r.received_at)
    summary = getattr(r, "state", None)
    reservation = str(summary.get("reservation_at") or "") if isinstance(summary, dict) else ""
    by = str(summary.get("supplement_by") or "") if isinstance(summary, dict) else ""
    paying = str(summary.get("payment_since") or "") if isinstance(summary, dict) else ""
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
        row_id=int(row_id),
        supply_by=date.fromisoformat(by) if by else None,
        payment_since=since_day(paying),
    )


#: Newest first, in an order the (office, received_day, received_at) index serves (see queue());
#: the row's rowid orders cases received at the same instant (services.queue_rows places a
#: written case by the same total order).
#: The cases table's rowid: the last term of every queue's order. Every index of the table ends
#: with it, so an order the index serves stays served (and a sort stays on the index's columns,
#: the rows looked up only for the page); the office database is never vacuumed, so it stays.
ROWID = literal_column("cases.rowid", Integer)
NEWEST_FIRST = (CaseRow.received_day.desc(), CaseRow.received_at.desc(), ROWID.desc())
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
    stmt = _queue_select(app, name, select(CaseRow, ROWID))
    with app.reading() as s:
        rows = [
            _queue_row(r, app.calendar, row_id)
            for r, row_id in s.execute(stmt.limit(limit + 1).offset(offset))
        ]
    return Page(rows[:limit], len(rows) > limit)


def queue_member(app: App, name: str, case_number: str) -> QueueRow | None:
    """One case's line if it belongs to queue ``name`` now (the queue's own conditions, read on
    the case-number index), else None: a list shown is updated by one row after a write
    instead of being read again."""
    require(app, Action.VIEW_CASE)
    stmt = _queue_select(app, name, select(CaseRow, ROWID), ordered=False)
    with app.reading() as s:
        found = s.execute(stmt.where(CaseRow.case_number == case_number).limit(1)).first()
        return None if found is None else _queue_row(found[0], app.calendar, found[1])


def queue_total(app: App, name: str) -> int:
    """Every case of a queue (the list shows how many it has loaded of these)."""
    require(app, Action.VIEW_CASE)
    if name not in QUEUES:
        raise DomainError("queue.unknown", f"未知的清單：{name}", f"Unknown queue: {name}")
    with app.reading() as s:
        return _QueueCounter(app, s).count(name)


def queue_count_where(app: App, name: str, cond: Any) -> int:
    """The cases of queue ``name`` that also meet ``cond`` (``services.queue_filter``: the
    window's filter counted over the whole list, not only the rows it has loaded)."""
    require(app, Action.VIEW_CASE)
    stmt = _queue_select(app, name, select(func.count()).select_from(CaseRow), ordered=False)
    with app.reading() as s:
        return int(s.execute(stmt.where(cond)).scalar_one())


def _queue_select(app: App, name: str, stmt: Any, ordered: bool = True) -> Any:
    if name not in QUEUES:
        raise DomainError("queue.unknown", f"未知的清單：{name}", f"Unknown queue: {name}")
    day = today(app)
    office = app.settings.office_code
    stmt = stmt.where(CaseRow.office == office)
    # Every order ends with the rowid: equal times or due dates come in one order, the one
    # services.queue_items.queue_key places a written case by.
    if name == "today":
        stmt = stmt.where(CaseRow.received_day == day).order_by(
            CaseRow.received_at.desc(), ROWID.desc()
        )
    elif name == "supplement":
        stmt = stmt.where(CaseRow.status == "supplement_requested").order_by(
            CaseRow.received_at, ROWID
        )
    elif name in ("due_soon", "overdue"):
        # judged from tomorrow once today's counters have closed (calendar.judged_on)
        judged = judged_on(app)
        soon = _working_day_after(app, judged, 2)
        cond = (
            and_(CaseRow.due_date >= judged, CaseRow.due_date <= soon)
            if name == "due_soon"
            else CaseRow.due_date < judged
        )
        stmt = stmt.where(CaseRow.status.in_(OPEN_STATUSES), cond).order_by(CaseRow.due_date, ROWID)
    elif name == "online":
        stmt = stmt.where(_awaiting_acceptance()).order_by(CaseRow.received_at, ROWID)
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
    counts ``case_stats_month`` keeps (storage/case_stats.py): a few milliseconds over
    1,000,000 cases."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        counter = _QueueCounter(app, s)
        return {name: counter.count(name) for name in COUNTED_QUEUES}


class _QueueCounter:
    """How many cases each queue holds, without walking the big ones.

    The counts by status come from ``case_stats_month`` (kept in the transaction of every
    write to ``cases``, storage/case_stats.py): about 2,000 rows at 1,000,000 cases. Overdue is
    every open case less those without a due date and those due today or later, two short
    ranges of ``ix_cases_office_status_due``; the others are index ranges of their own."""

    def __init__(self, app: App, s: Session) -> None:
        self.app = app
        self.s = s
        self.office = app.settings.office_code
        self.day = today(app)
        self.judged = judged_on(app)

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
                - self._cases(CaseRow.status.in_(OPEN_STATUSES), CaseRow.due_date >= self.judged)
            )
        if name == "due_soon":
            soon = _working_day_after(self.app, self.judged, 2)
            return self._cases(
                CaseRow.status.in_(OPEN_STATUSES),
                CaseRow.due_date >= self.judged,
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
        access.record(app, access.SEARCH, detail=f"{_search_text(text)} → {shown}")
    return page


#: Typed text this long, all of the pickup code's alphabet, is (part of) a pickup code.
_CODE_LEN = 32
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def _search_text(text: str) -> str:
    """What the access log keeps of a search: its text, but never a pickup code typed or
    pasted into it (the log goes to the county and its auditors; a short code alone hands
    the documents over at the desk, and no case view shows the code)."""
    compact = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    code_like = len(compact) >= _CODE_LEN and set(compact) <= _CODE_CHARS
    if code_like and not set(compact).isdisjoint("234567"):  # a long Latin name has no digit
        return "pickup code (not kept)"
    short = pt.parse_short_code(text)
    if short is not None and not compact.isdigit():  # digits alone: a UBN, an ID's
        return f"pickup short code {short[0]}-****"
    return text[:160]


def search_count(app: App, text: str) -> int:
    """How many cases a search matches, every one counted (the lists say "n of N")."""
    require(app, Action.SEARCH)
    with app.reading() as s:
        return repo.count_search(s, text)
