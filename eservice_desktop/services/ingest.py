"""The one door every case event comes through: check, append, project, in one transaction.

The GUI and the CLI (through :func:`services.cases.record`/``append``), a sync pull, ``sync
recover`` and demo seeding all call :func:`ingest` (one event) or :func:`ingest_many` (a batch).
Both do the same four things inside the caller's transaction:

1. fold the event onto its case's state, refusing it when ``domain.case.check`` does (local
   events always; pulled events are checked by the county that ordered them, so only a fold that
   cannot be made at all refuses them);
2. append it to ``events``, a local event linked first into this device's hash chain
   (domain/chain.py: its ``prev`` and ``hash``, one sha256; the head in ``event_chain_heads``
   moves with it), a pulled one with the links it came with;
3. refresh every projection the event feeds: the ``cases`` row (status, due date, fees, paid)
   and its search index entry,
   ``receipts`` (money events, whichever device took the money), ``pickup_consumed`` (a
   handover, wherever it happened) and this device's number ``counters`` (so a device rebuilt
   from the county never issues a case or receipt number twice);
4. report what it did.

The bulk form never aborts a batch for one bad event. It is *check-then-apply*: each event is
folded in memory first, a refused event leaves its case's state untouched and is reported in
:attr:`IngestReport.refused` with the reason, and only the accepted events are written (one
multi-row insert for the events, one for new projection rows). Nothing has reached the
database when an event is refused, so no savepoint is needed. The caller decides what a
refusal means: a local batch (demo seeding) raises with ``strict=True``; the sync inbox keeps
refused pulled events aside and moves its cursor on — the hook where the feed quarantine
(issue 11) writes its rows.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import chain
from eservice_desktop.domain.case import CANCELLED, CaseState, apply, check, open_pauses
from eservice_desktop.domain.deadline import closed_on_time, due_date
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_envelope, check_event, check_payload
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.payloads import EventPayload
from eservice_desktop.services import clock_guard, conflict_rows, projections, refused
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest_due import DueCache, shared_due
from eservice_desktop.services.ingest_link import linked_rows
from eservice_desktop.storage import case_stats, fast_values, repo, search
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.event_rows import EventRows
from eservice_desktop.storage.models import CaseRow, EventRow

log = logging.getLogger("eservice.ingest")

_CASES = cast(Table, CaseRow.__table__)

#: What a fold of a malformed event raises besides a DomainError (a missing or mistyped field).
_MALFORMED = (KeyError, ValueError, TypeError, AttributeError)

#: What a caller's checks made of an event (the sync inbox's): the very event object checked,
#: its typed payload and its payload's canonical text (``chain.payload_json``; None: no link).
#: Used for that object only: another of the batch with its id (a hostile page's) gets none.
PreChecked = tuple[Event, EventPayload, str | None]


@dataclass(frozen=True)
class Refusal:
    """An event that was not appended, with the reason (zh-TW first, English complete)."""

    event: Event
    code: str
    message_zh: str
    message_en: str

    def error(self) -> DomainError:
        return DomainError(self.code, self.message_zh, self.message_en)


@dataclass
class IngestReport:
    """What :func:`ingest_many` did with a batch."""

    applied: list[Event] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    #: The state of every case the batch touched, after the batch.
    states: dict[str, CaseState] = field(default_factory=dict)


def compute_due(app: App, state: CaseState) -> date | None:
    """The legal due date from the case's own waiting windows; None while it is paused."""
    return due_date(
        state.received_at,
        state.time_limit_working_days,
        app.calendar,
        app.hours,
        open_pauses(state),
        closed_at=state.closed_at,
    )


def compute_on_time(app: App, state: CaseState, due: date | None) -> bool | None:
    """依限辦結 of a finished case (closed or rejected; a cancelled one is not judged), else
    None: the ``cases.closed_on_time`` the on-time report counts."""
    if state.closed_at is None or due is None or state.lifecycle == CANCELLED:
        return None
    return closed_on_time(due, state.closed_at, app.hours)


def _refusal(event: Event, exc: Exception) -> Refusal:
    if isinstance(exc, DomainError):
        return Refusal(event, exc.code, exc.message_zh, exc.message_en)
    return Refusal(
        event,
        "event.malformed",
        f"事件內容不完整或格式錯誤（{type(exc).__name__}）",
        f"The event is incomplete or malformed ({type(exc).__name__})",
    )


def _fold(
    state: CaseState | None,
    event: Event,
    checked: bool,
    typed: EventPayload | None = None,
    seen: SeenPayloads | None = None,
) -> CaseState:
    """Checks (when ``checked``) and folds one event. The typed payload is made once, by the
    value checks (or given: a pulled event's, made by the inbox's checks), and handed to the
    rule and the fold, which would otherwise each read the payload again. ``seen``: a
    batch's payloads checked already (:func:`_checked_values`)."""
    if checked:
        # values first (domain.event_values): nothing another office or the county would
        # refuse is ever stored, so no value can block the outbox later
        typed = check_event(event) if seen is None else _checked_values(event, seen)
        check(state, event, typed)
    return apply(state, event, typed)


#: The typed payloads a batch's value checks made, by (payload object's id, type, office).
SeenPayloads = dict[tuple[int, str, str], EventPayload]


def _checked_values(event: Event, seen: SeenPayloads) -> EventPayload:
    """``check_event(event)`` within a batch: the envelope of every event, and the payload's
    checks once per payload object. An event carrying the very payload object an earlier event
    of the batch carried, with the same type and office, gets the typed payload that event's
    checks made: ``check_payload`` reads only the type, the payload and the office (no clock,
    no state), neither it nor the rule nor the fold changes a payload, and the batch holds
    every payload until it is done, so no id is reused meanwhile. A refusal is not kept (the
    next event with that payload is checked again and refused alike). The demo builder gives
    equal payloads of a batch one object (``demo.bulk_cases``: a note, an assessment)."""
    check_envelope(event)
    key = (id(event.payload), event.type, event.office)
    typed = seen.get(key)
    if typed is None:
        typed = seen[key] = check_payload(event)
    return typed


def ingest(
    app: App,
    session: Session,
    event: Event,
    state: CaseState | None,
    *,
    origin: str = "local",
) -> CaseState:
    """Checks (local events), appends and projects one event onto its loaded ``state``;
    returns the new state. Raises the refusal as a DomainError; nothing is written then."""
    try:
        new = _fold(state, event, checked=origin == "local")
    except DomainError:
        raise
    except _MALFORMED as e:
        raise _refusal(event, e).error() from e
    if refused.undoes(event):  # the county refused a void, refund or close: not done
        new = refused.state_without_refused(session, event)
    now = app.now()
    if origin == "local":
        clock_guard.check(session, now, origin)  # a clock gone back writes nothing
        # this device's chain (domain/chain.py): one sha256, and its head moved in this
        # transaction
        heads = repo.chain_heads(session, [(event.office, event.device)])
        head = heads.get((event.office, event.device))
        event = chain.link(event, head.hash if head else chain.GENESIS)
        repo.advance_head(heads, event)
        repo.save_heads(session, heads)
    repo.insert_event(session, event, now, origin)
    app.keep_calendar_current(session)
    due = compute_due(app, new)
    repo.upsert_projection(session, new, due, now, compute_on_time(app, new, due))
    projections.project_side(session, [event], _me(app), first=origin == "local")
    conflict_rows.follow_one(session, state, new, event, me=_me(app), now=now)
    return new


def ingest_many(
    app: App,
    session: Session,
    events: Iterable[Event],
    *,
    origin: str = "local",
    check: bool | None = None,
    own_acked: bool = False,
    strict: bool = False,
    prechecked: Mapping[str, PreChecked] | None = None,
) -> IngestReport:
    """Appends a batch in one go (see the module docstring). ``check`` defaults to True for
    local events. ``own_acked`` (recovery) stores events of this very device as local, already
    acknowledged events. ``strict`` raises the first refusal instead of reporting it (then the
    caller's transaction rolls back: all or nothing). ``prechecked`` (by event id): the typed
    payload goes to the fold, the text into the row (not encoded a second time)."""
    checked = origin == "local" if check is None else check
    batch, report = list(events), IngestReport()
    if not batch:
        return report
    now, me = app.now(), _me(app)
    clock_guard.check(session, now, origin)
    known = _known(session, batch, origin)
    states, present = projections.load_states(
        session, {e.case_id for e in batch if e.event_id not in known}
    )
    before = dict(states)  # the states (never changed in place) before the batch
    heads = _chain_heads(session, batch, origin, own_acked)
    pre = prechecked or {}
    accepted = _fold_batch(batch, known, states, checked, pre, strict, report)
    row = EventRows(session, now)
    rows = _event_rows(accepted, row, heads, origin, own_acked, pre, me, report)
    repo.save_heads(session, heads)
    row.insert(rows)  # none: nothing sent
    report.states = _touched(states, report.applied)
    app.keep_calendar_current(session)
    _project_cases(app, session, report.states, present, now)
    projections.project_side(session, report.applied, me)
    conflict_rows.follow(session, before, report.states, report.applied, me=me, now=now)
    return report


def _fold_batch(  # noqa: PLR0917 - the batch's state, handed on from ingest_many
    batch: Sequence[Event],
    known: set[str],
    states: dict[str, CaseState | None],
    checked: bool,
    pre: Mapping[str, PreChecked],
    strict: bool,
    report: IngestReport,
) -> list[Event]:
    """The batch's first pass: every event checked (when ``checked``) and folded onto its
    case's state in ``states``, in order; the accepted events, the refused ones and the
    duplicates reported. The events are linked and turned into rows in a second pass
    (:func:`_event_rows`): each pass a tight loop over the batch instead of one loop doing
    both for each event in turn (the fold does not read the link, which it never did: an
    event was folded before it was linked)."""
    accepted: list[Event] = []
    seen: SeenPayloads = {}
    for e in batch:
        if e.event_id in known:
            report.duplicates.append(e.event_id)
            continue
        try:
            got = pre.get(e.event_id)
            p = got[1] if got is not None and got[0] is e else None
            states[e.case_id] = _fold(states.get(e.case_id), e, checked, p, seen)
        except (DomainError, *_MALFORMED) as exc:
            refusal = _refusal(e, exc)
            if strict:
                raise refusal.error() from exc
            report.refused.append(refusal)
            continue
        known.add(e.event_id)
        accepted.append(e)
    return accepted


def _event_rows(  # noqa: PLR0917 - the batch's state, handed on from ingest_many
    accepted: list[Event],
    row: EventRows,
    heads: dict[tuple[str, str], repo.ChainHead],
    origin: str,
    own_acked: bool,
    pre: Mapping[str, PreChecked],
    me: tuple[str, str],
    report: IngestReport,
) -> list[tuple[Any, ...]]:
    """The batch's second pass: each accepted event, in order, linked into its device's
    chain (a local one: ``services.ingest_link``) or moving this device's head (its own, on
    recovery), and its ``events`` row, with the payload text its caller's hash check encoded
    when there is one (``pre``); the events as appended go to ``report.applied``."""
    applied = report.applied
    if origin == "local":
        return linked_rows(accepted, row, heads, applied, me if own_acked else None)
    rows: list[tuple[Any, ...]] = []
    for e in accepted:
        mine = own_acked and (e.office, e.device) == me
        got = pre.get(e.event_id)
        encoded = got[2] if got is not None and got[0] is e else None
        if mine and e.hash:  # this device's own events back from the county, as they were
            repo.advance_head(heads, e)
        rows.append(row(e, "local" if mine else origin, mine, encoded))
        applied.append(e)
    return rows


def _touched(
    states: Mapping[str, CaseState | None], applied: Sequence[Event]
) -> dict[str, CaseState]:
    """The states of the cases the applied events touched, in the order the batch first
    touched them: ties of receipt time get their search keys in that order, as they did one
    by one on the device that took them."""
    touched = dict.fromkeys(e.case_id for e in applied)
    return {c: st for c in touched if (st := states.get(c)) is not None}


def _me(app: App) -> tuple[str, str]:
    return (app.settings.office_code, app.settings.device_id)


def _known(session: Session, batch: Sequence[Event], origin: str) -> set[str]:
    """The batch's events already here (one query); a local event is new by construction (a
    fresh UUID), so a local batch asks nothing."""
    if origin == "local":
        return set()
    ids = [e.event_id for e in batch]
    return set(session.scalars(select(EventRow.event_id).where(among(EventRow.event_id, ids))))


def _chain_heads(
    session: Session, batch: Sequence[Event], origin: str, own_acked: bool
) -> dict[tuple[str, str], repo.ChainHead]:
    """The heads of the chains this batch extends: every device of a local batch, this
    device's own on recovery (its events come back linked)."""
    if origin != "local" and not own_acked:
        return {}  # a pulled batch extends no chain here
    chained = {(e.office, e.device) for e in batch if origin == "local" or e.hash}
    return repo.chain_heads(session, chained)


def _project_cases(
    app: App, session: Session, states: Mapping[str, CaseState], present: set[str], now: datetime
) -> None:
    """The ``cases`` rows of a batch: one multi-row insert for new cases, updates for the rest
    (due dates by :func:`shared_due`)."""
    if not states:
        return
    existing = projections.indexed_rows(session, [c for c in states if c in present])
    cache = DueCache()
    calendar, hours = app.calendar, app.hours
    new_rows: list[tuple[str, dict[str, Any]]] = []  # (case id, values) of new rows
    new_states: list[CaseState] = []  # of the new rows, for their search index entries
    changed: list[dict[str, Any]] = []  # the rows of cases that have one
    moves: Counter[case_stats.Key] = Counter()  # of the report counts (storage/case_stats.py)
    for case_id in states:
        state = states[case_id]
        due = shared_due(state, calendar, hours, cache)
        on_time = compute_on_time(app, state, due)
        values = repo.projection_values(state, due, now, on_time)
        row = existing.get(case_id)
        before = None if row is None else case_stats.key_of(row._mapping)
        case_stats.moved(moves, before, case_stats.key_of(values))
        if row is None:
            new_rows.append((case_id, values))
            new_states.append(state)
        else:
            values.update(repo.index_existing(session, row, state))
            changed.append({"b_case_id": case_id, **values})
    projections.update_cases(session, changed)
    case_stats.write(session, moves)
    if new_rows:
        search_keys = repo.new_search_keys(session, [st.received_at for st in new_states])
        # every row's values in one order (projection_values'), between its id and its key
        names = ["case_id", *new_rows[0][1], "search_key"]
        rows = fast_values.converted(
            _CASES,
            session.connection().dialect,
            names,
            [
                [case_id, *values.values(), sk]
                for (case_id, values), sk in zip(new_rows, search_keys, strict=True)
            ],
        )
        repo.insert_tuples(session, _CASES, names, rows)
        search.insert_many(
            session,
            (
                (sk, st.case_number, st.applicant_id, st.applicant_name)
                for sk, st in zip(search_keys, new_states, strict=True)
            ),
        )
