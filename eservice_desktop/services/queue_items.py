"""The queue's rows as the clerk reads them (案件清單): the row read from the ``cases``
projection (:class:`QueueRow`), its display texts and sort keys (:class:`QueueItem`), and where a
written case's row goes in a list shown (:func:`move`).

Apart from ``services.queue_rows`` (the loaders over the core) so that
the window's first list is read and labelled before SQLAlchemy and the core are loaded
(``services.queue_start``): nothing here imports below the domain.

Labels come in the window's language (zh-TW, or English): status and channel names, ROC dates
for zh-TW clerks and ISO dates in English, a provisional due date marked as such.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.deadline import deadline_status, working_days_left
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.payment_wait import UNPAID_TOO_LONG, days_waited, too_long
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.domain.status_labels import STATUS_LABELS

#: Rows per load: the first screenful and each further load as the clerk scrolls.
QUEUE_CHUNK = 500
SEARCH_CHUNK = 100

OPEN_STATUSES = ("received", "payment_due", "supplement_requested")

#: Channel names (zh-TW, English).
CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    "counter": ("臨櫃", "Counter"),
    "web": ("網路", "Web"),
    "kiosk": ("超商", "Kiosk"),
}
PROVISIONAL = ("（暫定）", " (provisional)")


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
    #: The row's rowid in ``cases``: the last term of every queue's order (0 from a search).
    row_id: int = 0
    #: An awaited supplement's day to bring it by (補件期限), if the request gave one.
    supply_by: date | None = None
    #: The office day an assessed fee began to wait for payment (None: none awaits).
    payment_since: date | None = None


@dataclass(frozen=True)
class QueueItem:
    """A queue row ready to show: display texts and sort keys, computed on the worker."""

    case_number: str
    service_name: str
    applicant_name: str
    applicant_id_masked: str
    status: str
    status_label: str
    received_text: str
    received_key: float
    due_text: str
    due_key: str
    days_left: int | None
    deadline: str  # on_track | due_soon | overdue | paused | finished
    #: The online tab's columns: channel (網路 / 超商) and the citizen's reservation.
    channel_text: str = ""
    reservation_text: str = ""
    reservation_key: float = 0.0
    #: The case's rowid: the last term of the queue's order (``cases.ROWID``).
    row_id: int = 0


@dataclass(frozen=True)
class Chunk:
    """Rows of one load; ``more`` when the list goes on, ``after`` continues a search.
    ``as_of``: the office's day the rows were read on (today's list depends on it);
    ``judged_on``: the day their deadlines were judged from (``Labels.judged``)."""

    items: list[QueueItem]
    more: bool
    after: int | None = None
    as_of: date | None = None
    judged_on: date | None = None


@dataclass(frozen=True)
class Member:
    """One case's row in a queue as it is now (None: not in it), read on day ``as_of``, its
    deadline judged from ``judged_on``."""

    item: QueueItem | None
    as_of: date
    judged_on: date | None = None


@dataclass(frozen=True)
class Move:
    """Where a written case's row is in the rows shown (``old``) and where it goes once that
    one is taken out (``new``); None for "not there"."""

    old: int | None
    new: int | None


#: The due column of a case awaiting a supplement by a day, in time and past it.
SUPPLY_BY: Final = ("補件 {day}", "supply by {day}")
SUPPLY_LATE: Final = ("補件逾期 {day}", "supply overdue {day}")


def format_day(day: date, zh: bool = True) -> str:
    """ROC dates for zh-TW clerks; ISO dates in the English window."""
    return format_roc(day, "short") if zh else day.isoformat()


def format_received(at: datetime, zh: bool = True) -> str:
    local = at.astimezone(TAIPEI)
    return f"{format_day(local.date(), zh)} {local:%H:%M}"


class Labels:
    """Per-load caches: rows share services and due dates, and counting working days to a date
    years back is not free. Given the reference data and the office day rather than the core,
    so the window's first list is labelled before the core is open (``services.queue_start``).
    ``judged``: the day deadlines are judged from (``domain.deadline.deadline_day``; tomorrow
    once today's counters have closed), ``today`` when not given. ``payment_due_days``: the
    office's setting, working days a fee may wait unpaid before the due column says so."""

    def __init__(
        self,
        catalogue: Catalogue,
        calendar: WorkingCalendar,
        today: date,
        zh: bool,
        judged: date | None = None,
        *,
        payment_due_days: int = 0,
    ) -> None:
        self.catalogue, self.calendar, self.today, self.zh = catalogue, calendar, today, zh
        self.judged = judged or today
        self.payment_due_days = payment_due_days
        self.names: dict[str, str] = {}
        self.deadlines: dict[date, tuple[int, str]] = {}

    def service(self, code: str) -> str:
        name = self.names.get(code)
        if name is None:
            try:
                svc = self.catalogue.service(code)
                name = svc.name if self.zh else (svc.name_en or svc.name)
            except Exception:
                name = code
            self.names[code] = name
        return name

    def deadline(self, r: QueueRow) -> tuple[int | None, str]:
        """Working days left and on_track | due_soon | overdue | paused | finished."""
        if r.status not in OPEN_STATUSES:
            return None, "finished"
        if r.due is None:
            return None, "paused"
        known = self.deadlines.get(r.due)
        if known is None:
            cal = self.calendar
            known = self.deadlines[r.due] = (
                working_days_left(r.due, self.judged, cal),
                deadline_status(r.due, self.judged, cal),
            )
        return known

    def items(self, rows: list[QueueRow]) -> list[QueueItem]:
        return [item(r, self) for r in rows]

    def due(self, r: QueueRow) -> str:
        """The due date; a case awaiting a supplement by a day: that day, marked once passed
        (the list showed "—" and no case whose citizen was late to bring the documents); a fee
        unpaid longer than the office allows: how many working days it has waited (the list
        showed "—" for ever)."""
        if r.supply_by is not None and r.status == "supplement_requested":
            late = r.supply_by < self.today
            words = (SUPPLY_LATE if late else SUPPLY_BY)[0 if self.zh else 1]
            return words.format(day=format_day(r.supply_by, self.zh))
        if r.payment_since is not None and r.status == "payment_due":
            waited = days_waited(r.payment_since, self.today, self.calendar)
            if too_long(waited, self.payment_due_days):
                return UNPAID_TOO_LONG[0 if self.zh else 1].format(days=waited)
        if not r.due:
            return "—"
        return format_day(r.due, self.zh) + (
            PROVISIONAL[0 if self.zh else 1] if r.provisional else ""
        )


def item(r: QueueRow, labels: Labels) -> QueueItem:
    zh = labels.zh
    left, deadline = labels.deadline(r)
    status = STATUS_LABELS.get(r.status, (r.status, r.status))
    channel = CHANNEL_LABELS.get(r.channel, (r.channel, r.channel))
    return QueueItem(
        case_number=r.case_number,
        service_name=labels.service(r.service_code),
        applicant_name=r.applicant_name,
        applicant_id_masked=r.applicant_id_masked,
        status=r.status,
        status_label=status[0] if zh else status[1],
        received_text=format_received(r.received_at, zh),
        received_key=r.received_at.timestamp(),
        due_text=labels.due(r),
        due_key=r.due.isoformat() if r.due else "9999",
        days_left=left,
        deadline=deadline,
        channel_text=channel[0] if zh else channel[1],
        reservation_text=format_received(r.reservation_at, zh) if r.reservation_at else "—",
        reservation_key=r.reservation_at.timestamp() if r.reservation_at else 0.0,
        row_id=r.row_id,
    )


def queue_key(name: str) -> tuple[Callable[[QueueItem], tuple[Any, ...]], bool]:
    """The order of ``cases.queue_page``'s queue ``name`` as a sort key of its rows, and whether
    the list runs from the greatest key down. The key is total (it ends with the case's rowid,
    as the query's order does), so a placed row has exactly one place: the fresh query's.
    Newest-first lists order by the receipt day, then the receipt time; the day follows the
    time, so the time alone orders them."""
    if name in ("due_soon", "overdue"):
        return (lambda i: (i.due_key, i.row_id)), False
    newest_first = name not in ("supplement", "online")  # today, open, all
    return (lambda i: (i.received_key, i.row_id)), newest_first


def move(
    name: str,
    rows: Sequence[QueueItem],
    case_number: str,
    item: QueueItem | None,
    complete: bool = True,
) -> Move:
    """Where case ``case_number`` is among ``rows`` (the first rows of queue ``name`` in its
    order) and where ``item``, its row now, goes: the index it has in a fresh query's answer
    (binary search on :func:`queue_key`, ``rows`` without its old row). A place past the rows
    loaded is "not there" unless the list is ``complete``: the row arrives with a later chunk."""
    old = next((r for r, i in enumerate(rows) if i.case_number == case_number), None)
    if item is None:
        return Move(old, None)
    key, descending = queue_key(name)
    wanted = key(item)
    size = len(rows) - (old is not None)
    lo, hi = 0, size
    while lo < hi:
        mid = (lo + hi) // 2
        other = key(rows[mid + (old is not None and mid >= old)])
        if (other > wanted) if descending else (other < wanted):
            lo = mid + 1
        else:
            hi = mid
    return Move(old, None if lo == size and not complete else lo)
