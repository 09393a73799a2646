"""The county's door for an office's events (``POST /v1/events``): every check of each new event,
answered per event; and the office's access log.

Each function runs inside the caller's one transaction.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county import case_facts
from eservice_desktop.county.device_chain import DeviceChain
from eservice_desktop.county.devices import Forbidden, known_offices
from eservice_desktop.county.push_answer import PushAnswer, Result
from eservice_desktop.county.push_rows import (
    Batch,
    accept,
    load_states,
    make_ready,
    update_cases,
    write_batch,
)
from eservice_desktop.county.receipts import Receipts
from eservice_desktop.county.store import (
    ConflictRow,
    CountyAccessRow,
    CountyCaseRow,
    CountyEventRow,
    DeviceRow,
    RouteRow,
    lock_feed,
)
from eservice_desktop.county.store_rows import among, insert_rows
from eservice_desktop.county_link.protocol import (
    AccessPushResponse,
    ChainGap,
    PushResult,
    WireAccess,
    WireEvent,
)
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import READY as READY_STATE
from eservice_desktop.domain.case import CaseState, apply, check
from eservice_desktop.domain.case_rules import taken_anyway
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_payload
from eservice_desktop.domain.events import Event

NOT_ROUTED = DomainError(
    "case.not_routed", "本案未分送本所，不能登錄", "This case is not routed to this office"
)


ID_TAKEN = DomainError(
    "event.id_taken", "事件編號已被其他機關使用", "This event id is already used by another office"
)
NUMBER_TAKEN = DomainError(
    "case_number.taken", "案號已被其他案件使用", "This case number is already used by another case"
)
UNKNOWN_OFFICE = DomainError("office.unknown", "查無此機關", "Unknown office")
PICKUP_MOVED = DomainError(
    "pickup.office_moved",
    "本案已通知於其他機關領件，不能改為於此機關領件",
    "The case is ready for pickup at another office; it cannot be moved by a new ready notice",
)


def push(
    s: Session,
    dev: DeviceRow,
    events: list[WireEvent],
    now: datetime,
    *,
    gaps: Sequence[ChainGap] = (),
    answer_behind: bool = False,
    acknowledged_through: str = "",
) -> PushAnswer:
    """Appends what is new, answers duplicates and conflicts; idempotent by event id.
    ``gaps`` are the chain links of events the office set aside (their place in ``events``).
    ``answer_behind``: a batch whose first new event does not follow the device's last link
    raises :class:`ChainBehind` instead of being taken with ``chain.broken``.
    ``acknowledged_through``: the events up to this one were acknowledged by this county
    before it was restored from an older backup (the office sends them again): stored as new,
    their notices not queued again (the citizen had them: a second 已收件 of the same case).

    Set-based: every case state, route and known id the batch needs is loaded in one query
    each, each event is checked and folded in memory, and the batch is written with one
    multi-row insert per table, in the caller's one transaction."""
    _check_sender(dev, events)
    lock_feed(s)
    batch = _load_batch(s, dev, events, now)
    batch.told = _told_before(events, acknowledged_through)
    device_chain = DeviceChain(s, dev, now, answer_behind)
    gap_at = _gaps_by_position(events, gaps)
    for i, w in enumerate(events):
        for g in gap_at.pop(i, ()):
            device_chain.skip(g)
        answer = _answer_known(batch, w)
        if answer is not None:
            batch.results.append(answer)
            continue
        batch.seen.add(w.event_id)
        _take_event(s, batch, device_chain, w.to_event(checked=False), w.payload_checked)
    for rest in gap_at.values():
        for g in rest:
            device_chain.skip(g)
    device_chain.save()
    make_ready(s, batch)
    # every case's state is final: the receipts' signatures run on the signer thread while
    # the rows are written here (SQLite steps without the interpreter lock too); this thread
    # then signs what is left itself, before the Python-only work that follows
    receipts = Receipts(s, batch.states, batch.touched, now)
    try:
        write_batch(s, batch)
        update_cases(s, batch.states, batch.touched, now)
    except BaseException:
        receipts.cancel()
        raise
    signed = receipts.result()
    case_facts.project_facts(s, batch.states, batch.touched)
    dev.last_seen_at = now
    # written to its JSON text as it is (models only for a reader that asks: push_answer.py)
    return PushAnswer(batch.results, signed, now)


def _told_before(events: list[WireEvent], through: str) -> set[str]:
    """The ids of ``events`` up to ``through`` (none when it is not one of them)."""
    ids = [w.event_id for w in events]
    return set(ids[: ids.index(through) + 1]) if through in ids else set()


def _check_sender(dev: DeviceRow, events: list[WireEvent]) -> None:
    office, device = dev.office, dev.device  # read once, not per event (ORM attributes)
    for w in events:
        if w.office != office or w.device != device:
            raise Forbidden("events must come from the pushing device")


def _load_batch(s: Session, dev: DeviceRow, events: list[WireEvent], now: datetime) -> Batch:
    """What the county already holds of this batch: ids (its own office's and others'),
    earlier conflicts, case numbers in use, the cases' states, histories and routes."""
    ids = [w.event_id for w in events]
    known_office: dict[str, str] = dict(
        s.execute(
            select(CountyEventRow.event_id, CountyEventRow.office).where(
                among(s, CountyEventRow.event_id, ids)
            )
        ).all()
    )
    old_conflicts = {
        c.event_id: c
        for c in s.scalars(select(ConflictRow).where(among(s, ConflictRow.event_id, ids)))
    }
    # an id another office already used: refused, never answered "duplicate" with its receipt
    foreign = {i for i, office in known_office.items() if office != dev.office} | {
        i for i, c in old_conflicts.items() if c.office != dev.office
    }
    new_numbers = {
        str(w.payload.get("case_number"))
        for w in events
        if w.type == ev.RECEIVED and isinstance(w.payload.get("case_number"), str)
    }
    numbers_taken: dict[str, str] = dict(
        s.execute(
            select(CountyCaseRow.case_number, CountyCaseRow.case_id).where(
                among(s, CountyCaseRow.case_number, new_numbers)
            )
        ).all()
    )
    case_ids = {w.case_id for w in events}
    states, history = load_states(s, case_ids)
    routes: dict[str, set[str]] = defaultdict(set)
    for case_id, office in s.execute(
        select(RouteRow.case_id, RouteRow.office).where(among(s, RouteRow.case_id, case_ids))
    ):
        routes[case_id].add(office)
    return Batch(
        dev=dev,
        office=dev.office,
        device_key=dev.device_key,
        now=now,
        known={i for i, office in known_office.items() if office == dev.office},
        foreign=foreign,
        old_conflicts=old_conflicts,
        numbers_taken=numbers_taken,
        states=states,
        history=history,
        routes=routes,
    )


def _gaps_by_position(
    events: list[WireEvent], gaps: Sequence[ChainGap]
) -> dict[int, list[ChainGap]]:
    sent = {w.event_id for w in events}
    gap_at: dict[int, list[ChainGap]] = defaultdict(list)
    for g in gaps:
        if g.event_id not in sent:  # a gap is an event not sent: never one of this batch
            gap_at[min(g.position, len(events))].append(g)
    return gap_at


def _answer_known(batch: Batch, w: WireEvent) -> Result | None:
    """The answer to an event the county has seen already (another office's id, a duplicate,
    an earlier conflict), or None for a new one."""
    if w.event_id in batch.foreign:
        return PushResult(
            event_id=w.event_id,
            status="conflict",
            conflict_id=str(uuid.uuid4()),
            reason_code=ID_TAKEN.code,
            reason_zh=ID_TAKEN.message_zh,
            reason_en=ID_TAKEN.message_en,
        )
    if w.event_id in batch.known or w.event_id in batch.seen:
        batch.touched.add(w.case_id)
        return ("duplicate", w.event_id)
    c = batch.old_conflicts.get(w.event_id)
    if c is not None:
        return PushResult(
            event_id=w.event_id,
            status="conflict",
            conflict_id=c.conflict_id,
            reason_code=c.reason_code,
            reason_zh=c.reason_zh,
            reason_en=c.reason_en,
        )
    return None


def _take_event(
    s: Session, batch: Batch, device_chain: DeviceChain, e: Event, json_checked: bool
) -> None:
    """Checks one new event and folds it: accepted (rows queued) or refused (a conflict).
    ``json_checked``: its payload passed every rule of ``values.check_json`` at the door."""
    before = batch.states.get(e.case_id)
    try:
        # the payload as the JSON text its hash was taken over (None without a link)
        texts = device_chain.take(e)
        after = _checked_fold(batch, e, before, json_checked)
    except (DomainError, KeyError, ValueError, TypeError) as err:
        batch.results.append(_refuse(s, batch, e, err))
        return
    if texts is None:
        accept(s, batch, e, before, after)
    else:
        accept(s, batch, e, before, after, encoded=texts[0], canonical=texts[1])
    batch.results.append(("accepted", e.event_id))


def _checked_fold(
    batch: Batch, e: Event, before: CaseState | None, json_checked: bool = False
) -> CaseState:
    """Every check the county makes of a new event after its chain link (values, office
    scope, new case, known offices, the case's rules); the case's state after it."""
    # the same value rules as every office: what one office cannot apply is refused. The
    # envelope's (ids, office, device, clerk, time, type) are the wire model's own field checks,
    # run on this very event at the door: the payload's rules are what is left to run (its
    # JSON rules too, unless the door's walk settled them: ``WireEvent.payload_checked``)
    typed = check_payload(e, json_checked=json_checked)
    if before is not None and batch.office not in batch.routes[e.case_id]:
        raise NOT_ROUTED
    if e.type == ev.RECEIVED and before is None:
        _check_new_case(e, batch.numbers_taken)
    office_to = e.payload.get("office") if e.type == ev.READY_FOR_PICKUP else None
    if office_to and known_offices() and office_to not in known_offices():
        raise UNKNOWN_OFFICE
    # an office re-announcing readiness of a case the county already made ready (its own
    # code, e.g. demo data) says the same thing: kept, not a conflict. One naming another
    # office moved the case away from the office the citizen was told to go to, unseen.
    again = e.type == ev.READY_FOR_PICKUP and before is not None and before.lifecycle == READY_STATE
    if again and before is not None and office_to and office_to != before.pickup_office:
        raise PICKUP_MOVED
    _check_handover_office(e, before)
    if not again:
        try:
            check(before, e, typed)
        except DomainError as err:
            # done at a counter offline, past undoing (money taken, documents handed over):
            # taken, and every counter lists what is to settle
            if not taken_anyway(e.type, err):
                raise
    # the typed payload the value checks made: the rule and the fold do not read it again
    return apply(before, e, typed)


def _check_handover_office(e: Event, before: CaseState | None) -> None:
    """A case ready for pickup is handed over at the office it is ready at, which holds its
    documents and whose desks alone take its code. The county took a handover from any office
    the case was routed to (its filing office): the case read collected there for every office,
    and the desk the citizen had been sent to refused the citizen as already served."""
    if e.type != ev.PICKED_UP or before is None or before.lifecycle != READY_STATE:
        return
    at = before.pickup_office or before.office
    if e.office != at:
        raise DomainError(
            "pickup.wrong_office",
            f"本案通知於 {at} 領件，文件不在本所，不能登錄交付",
            f"The case is ready for pickup at {at}; its handover cannot be recorded elsewhere",
        )


def _refuse(s: Session, batch: Batch, e: Event, err: Exception) -> PushResult:
    """Stores the refused event as a conflict the office sees; its answer."""
    code, zh, en = (
        (err.code, err.message_zh, err.message_en)
        if isinstance(err, DomainError)
        else ("event.malformed", "事件內容不完整", f"Malformed event: {type(err).__name__}")
    )
    cid = str(uuid.uuid4())
    s.add(
        ConflictRow(
            conflict_id=cid,
            event_id=e.event_id,
            case_id=e.case_id,
            office=batch.dev.office,
            device=batch.dev.device,
            reason_code=code,
            reason_zh=zh,
            reason_en=en,
            event=e.to_dict(),
            created_at=batch.now,
        )
    )
    return PushResult(
        event_id=e.event_id,
        status="conflict",
        conflict_id=cid,
        reason_code=code,
        reason_zh=zh,
        reason_en=en,
    )


def push_access(
    s: Session, dev: DeviceRow, records: list[WireAccess], now: datetime
) -> AccessPushResponse:
    """Stores the office's access-log records (idempotent by id). Each names the pushing
    device; one made there under an office code or counter number corrected since names the
    old one in ``recorded_as`` and is kept under the device that pushed it, which answers for
    it (``recorded_as`` alone never files a record under another office)."""
    for r in records:
        if r.office != dev.office or r.device != dev.device:
            raise Forbidden("access records must come from the pushing device")
    ids = [r.access_id for r in records]
    known = set(
        s.scalars(select(CountyAccessRow.access_id).where(CountyAccessRow.access_id.in_(ids)))
    )
    rows = []
    for r in records:
        if r.access_id in known:
            continue
        known.add(r.access_id)
        rows.append({**r.model_dump(), "recorded_as": r.recorded_as or "", "received_at": now})
    if rows:
        insert_rows(s, CountyAccessRow, rows)
    return AccessPushResponse(
        stored=len(rows), duplicates=len(records) - len(rows), server_time=now
    )


def _check_new_case(e: Event, numbers_taken: dict[str, str]) -> None:
    """A new case's number is the pushing office's own, and no other case has it already;
    its pickup office is one the county knows."""
    p = e.payload
    if str(p.get("case_number")) in numbers_taken:
        raise NUMBER_TAKEN
    offices = known_offices()
    pickup = p.get("pickup", {}).get("office", e.office)
    if offices and (e.office not in offices or pickup not in offices):
        raise UNKNOWN_OFFICE
