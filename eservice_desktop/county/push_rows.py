"""What an accepted push writes: the batch in memory, its event, chain, route and feed rows, the
cases the county makes ready, the case rows (their signed receipts: ``receipts``); and the
case states the batch starts from.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county import notice_outcomes, notify
from eservice_desktop.county.keys import signing_key
from eservice_desktop.county.push_answer import Result
from eservice_desktop.county.routing import offices_for
from eservice_desktop.county.store import (
    ConflictRow,
    CountyCaseRow,
    CountyChainRow,
    CountyEventRow,
    CountyPaymentRefRow,
    DeviceRow,
    FeedRow,
    RouteRow,
    stored_event,
)
from eservice_desktop.county.store_rows import JsonText, among, insert_tuples, update_tuples
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import CLOSED as CLOSED_STATE
from eservice_desktop.domain.case import READY as READY_STATE
from eservice_desktop.domain.case import CaseState, apply
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.phone_rule import asks_new_code
from eservice_desktop.domain.pickup_verify import code_expiry
from eservice_desktop.domain.uuid7 import new_id

COUNTY_DEVICE = "CTY"

EVENT_COLUMNS = (*ev.ENVELOPE, "received_at", "payload")
CHAIN_COLUMNS = ("event_id", "prev", "hash")
PAYMENT_REF_COLUMNS = ("ref_hash", "event_id")
ROUTE_COLUMNS = ("case_id", "office")
FEED_COLUMNS = ("office", "kind", "case_id", "source", "data", "created_at")
#: What a push changes in a case row the county holds already (its key first).
CASE_CHANGES = ("case_id", "status", "event_count", "updated_at", "pickup_office")
CASE_COLUMNS = (
    "case_id",
    "case_number",
    "office",
    "pickup_office",
    "status",
    "event_count",
    "updated_at",
)

#: An event of a case's history as the feed replays it: the device that wrote it
#: (``office-device``) and its document (a dict, or its JSON text), or the stored event
#: itself (its document made when replayed).
Stored = tuple[str, dict[str, Any] | JsonText | Event]

#: How ``json.dumps(..., ensure_ascii=False)`` writes a string (C-speed).
_TEXT = json.encoder.encode_basestring


@dataclass
class Batch:
    """One push as it is checked and folded in memory: what the county knew before it (loaded
    in one query each) and the rows it will write (one multi-row insert each)."""

    dev: DeviceRow
    #: the pushing device's office and key, read once (ORM attributes cost a call per read)
    office: str
    device_key: str
    now: datetime
    known: set[str]
    foreign: set[str]
    old_conflicts: dict[str, ConflictRow]
    numbers_taken: dict[str, str]
    states: dict[str, CaseState]
    history: dict[str, list[Stored]]
    routes: dict[str, set[str]]
    #: each event's result: its status and id, or a conflict's model (``push_answer``)
    results: list[Result] = field(default_factory=list)
    #: rows as tuples in the order of the tables' ``*_COLUMNS``
    event_rows: list[tuple[Any, ...]] = field(default_factory=list)
    chain_rows: list[tuple[str, str, str]] = field(default_factory=list)
    feed_rows: list[tuple[Any, ...]] = field(default_factory=list)
    route_rows: list[tuple[str, str]] = field(default_factory=list)
    payment_ref_rows: list[tuple[str, str]] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    closed_now: list[str] = field(default_factory=list)
    #: cases whose pickup code is to be issued again: the applicant's mobile number changed
    #: in the batch (``case.phone_changed``) or a clerk asked (``case.code_reissue_requested``)
    new_code: list[str] = field(default_factory=list)
    told: set[str] = field(default_factory=set)  # held before a restore: notices queued then


def load_states(
    s: Session, case_ids: set[str]
) -> tuple[dict[str, CaseState], dict[str, list[Stored]]]:
    """The cases' states as the county holds them, and each one's history (the events an office
    that joins a case later gets first), from one query over their stored events.

    The events' columns, not ORM rows (loading each as an entity, into the session's identity
    map, cost more than checking and folding it); a history holds the events, made into
    documents only when an office joins the case (:func:`_route`), which few pushes do."""
    states: dict[str, CaseState] = {}
    history: dict[str, list[Stored]] = defaultdict(list)
    if not case_ids:
        return states, history
    rows = s.execute(
        with_chain(select(*_STORED))
        .where(among(s, CountyEventRow.case_id, case_ids))
        .order_by(CountyEventRow.seq)
    )
    for row in rows:
        e = stored_event(*row)
        states[e.case_id] = apply(states.get(e.case_id), e)
        history[e.case_id].append((f"{e.office}-{e.device}", e))
    return states, history


#: The columns of a stored event :func:`load_states` reads (``store.stored_event``'s order).
_STORED = (
    CountyEventRow.event_id,
    CountyEventRow.case_id,
    CountyEventRow.type,
    CountyEventRow.office,
    CountyEventRow.device,
    CountyEventRow.clerk,
    CountyEventRow.at,
    CountyEventRow.payload,
)


def with_chain(stmt: Any) -> Any:
    """The statement with each event's chain link (NULL for events pushed before the chain)."""
    return stmt.add_columns(CountyChainRow.prev, CountyChainRow.hash).outerjoin(
        CountyChainRow, CountyChainRow.event_id == CountyEventRow.event_id
    )


def event_row(e: Event, now: datetime) -> dict[str, Any]:
    """The ``county_events`` row of an accepted event (push, settlement, the bench)."""
    return {
        "event_id": e.event_id,
        "case_id": e.case_id,
        "type": e.type,
        "office": e.office,
        "device": e.device,
        "clerk": e.clerk,
        "at": e.at,
        "received_at": now,
        "payload": e.payload,
    }


def accept(
    s: Session,
    batch: Batch,
    e: Event,
    before: CaseState | None,
    after: CaseState,
    *,
    encoded: str | None = None,
    canonical: str | None = None,
) -> None:
    """Queues an accepted event's rows (event, chain link, routes, feed), its notices.
    ``encoded``: its payload as the JSON text the chain check took its hash over, stored as
    it is (the event row's payload); ``canonical``: the text that hash was taken over (its feed
    rows' document, with the hash)."""
    batch.states[e.case_id] = after
    batch.touched.add(e.case_id)
    if e.type == ev.RECEIVED:
        batch.numbers_taken[after.case_number] = e.case_id
    payload = e.payload if encoded is None else JsonText(encoded)
    batch.event_rows.append(_event_tuple(e, batch.now, payload))
    if e.hash is not None and e.prev is not None:
        batch.chain_rows.append((e.event_id, e.prev, e.hash))
    if e.type == ev.PAYMENT_RECORDED:
        batch.payment_ref_rows += [(h, e.event_id) for h in payment_ref_hashes(e.payload)]
    _route(batch, e, after, batch.device_key, event_document(e, canonical))
    told = e.event_id in batch.told
    if e.type == ev.NOTICE_RESEND_REQUESTED and not told:
        notice_outcomes.resend(s, e.case_id, str(e.payload["stage"]), batch.now, after.phone)
    if asks_new_code(e, before, after):
        batch.new_code.append(e.case_id)  # not one the batch closes: made ready once, below
    # a notice needs someone to tell (most pushed events have nobody: no catalogue look-up,
    # no messages_for call)
    if (after.phone or after.email) and not told and notify.told_after(before, e):
        messages = notify.messages_for(before, after, e, notify.county_catalogue(s))
        notify.queue(s, e, messages, batch.now, batch.routes[e.case_id])
    if e.type in (ev.CLOSED, ev.PAYMENT_RECORDED, ev.FEE_ASSESSED) and (
        e.case_id not in batch.closed_now
    ):
        # closed now, or a closed case whose fees were settled now (paid or exempted)
        batch.closed_now.append(e.case_id)


def ref_hash(transaction_id: str) -> str:
    """The key ``county_payment_refs`` keeps a transaction id under: the SHA-256 (hex) of its
    text trimmed and in capitals. A bank's or kiosk's transaction id is the same transaction
    in any letter case (the office reads it so: ``services/online_transactions.py``); keyed
    as sent, ``ibon-7`` after ``IBON-7`` was a new transaction and one payment was counted
    twice."""
    return hashlib.sha256(transaction_id.strip().upper().encode("utf-8")).hexdigest()


def payment_ref_hashes(payload: dict[str, Any]) -> set[str]:
    """The ``county_payment_refs`` keys of a payment's payload: its ``reference``
    (交易電子案號, sf.transaction_id) and its ``payment_id``; no empty one."""
    ref = payload.get("reference")
    texts = {str(payload.get("payment_id") or ""), "" if ref is None else str(ref)}
    return {ref_hash(t) for t in texts if t.strip()}


def paid_elsewhere(s: Session, transaction_id: str) -> bool:
    """Whether a payment of any case already has this transaction id (交易電子案號: its
    reference, else its payment id): one kiosk or bank transaction paid two cases' fees, and
    the treasury's settlement line could settle only one of them. Looked up by its key in
    ``county_payment_refs`` (every payment event's ids, written with the event), letter case
    aside."""
    found = s.scalar(
        select(CountyPaymentRefRow.event_id)
        .where(CountyPaymentRefRow.ref_hash == ref_hash(transaction_id))
        .limit(1)
    )
    return found is not None


def _event_tuple(e: Event, now: datetime, payload: Any) -> tuple[Any, ...]:
    """:func:`event_row` as a tuple in the order of ``EVENT_COLUMNS``."""
    return (e.event_id, e.case_id, e.type, e.office, e.device, e.clerk, e.at, now, payload)


def event_document(e: Event, canonical: str | None) -> dict[str, Any] | JsonText:
    """The event's document as the feed carries it (``Event.to_dict``): for a linked event, the
    chain's ``canonical`` text (every field but the hash, keys sorted, the text its hash was
    taken over: ``chain.digest_text``) with the hash after it, the same JSON value written
    once; the pull reads the document by key."""
    if canonical is None or e.prev is None or e.hash is None:
        return e.to_dict()
    return JsonText(f'{canonical[:-1]},"hash":{_TEXT(e.hash)}}}')


def _route(
    batch: Batch,
    e: Event,
    after: CaseState,
    source: str | None,
    data: dict[str, Any] | JsonText,
) -> None:
    """Feed rows of the event (its document ``data``) for every office the case is routed
    to; an office that joins the case now first gets its earlier history."""
    case_id, now = e.case_id, batch.now
    wanted = offices_for(after, e)
    routes = batch.routes[case_id]
    feed = batch.feed_rows
    history = batch.history[case_id]
    if not wanted <= routes:  # most events: routed as the case's earlier ones
        for office in sorted(wanted - routes):
            batch.route_rows.append((case_id, office))
            for old_source, old in history:
                doc = old.to_dict() if type(old) is Event else old
                feed.append((office, "event", case_id, old_source, doc, now))
        routes |= wanted
    for office in sorted(routes):
        feed.append((office, "event", case_id, source, data, now))
    history.append((f"{e.office}-{e.device}", data))


def make_ready(s: Session, batch: Batch) -> None:
    """After the batch, so an office that marks the case ready itself in the same batch wins:
    the county makes every case closed now ready at its pickup office. Nothing leaves the
    office unpaid: a case with a balance due is not made ready, unless a supervisor approved
    closing it with the balance (the handover needs its own approval).

    A case still ready whose applicant's mobile number changed in the batch, or whose clerk
    asked for a new code (an MMS forwarded to someone else), is made ready again with a new
    code and another pickup number, sent to the case's number: the code sent before (to a
    phone that may be someone else's now) is refused at every desk as replaced
    (``case_mismatch``), and the citizen has one that works."""
    for case_id in batch.closed_now:
        st = batch.states[case_id]
        if st.lifecycle != CLOSED_STATE or st.pickup_method == "mail":
            continue
        if st.balance > 0 and not st.closed_with_balance_approved:
            continue
        _make_ready(s, batch, st)
    for case_id in dict.fromkeys(batch.new_code):  # once a case, in order
        st = batch.states[case_id]
        if st.lifecycle == READY_STATE:
            _make_ready(s, batch, st, avoid=st.pickup_number)


def _make_ready(s: Session, batch: Batch, st: CaseState, avoid: str = "") -> None:
    """Appends the county's ready event of ``st`` (a pickup number other than ``avoid``),
    routes it and queues its notice."""
    ready = _ready_event(s, st, batch.now, avoid)
    if ready is None:
        return
    after = apply(st, ready)
    batch.states[st.case_id] = after
    batch.event_rows.append(_event_tuple(ready, batch.now, ready.payload))
    _route(batch, ready, after, None, ready.to_dict())
    messages = notify.messages_for(st, after, ready, notify.county_catalogue(s))
    notify.queue(s, ready, messages, batch.now, batch.routes[st.case_id])


def write_batch(s: Session, batch: Batch) -> None:
    """One multi-row insert per table (a chain link stored already is not stored again)."""
    insert_tuples(s, CountyEventRow, EVENT_COLUMNS, batch.event_rows)
    chain_rows = batch.chain_rows
    if chain_rows:
        have = set(
            s.scalars(
                select(CountyChainRow.event_id).where(
                    among(s, CountyChainRow.event_id, [r[0] for r in chain_rows])
                )
            )
        )
        if have:
            chain_rows = [r for r in chain_rows if r[0] not in have]
    insert_tuples(s, CountyChainRow, CHAIN_COLUMNS, chain_rows)
    insert_tuples(s, RouteRow, ROUTE_COLUMNS, batch.route_rows)
    insert_tuples(s, CountyPaymentRefRow, PAYMENT_REF_COLUMNS, batch.payment_ref_rows)
    insert_tuples(s, FeedRow, FEED_COLUMNS, batch.feed_rows)


def _ready_event(s: Session, state: CaseState, now: datetime, avoid: str = "") -> Event | None:
    """The county makes a closed case ready at its pickup office, with a signed pickup code
    (the MMS carries it; the desk verifies it offline with the synced public keys)."""
    kid, key = signing_key(s, "pickup")
    office = state.pickup_office or state.office
    number = avoid
    while number == avoid:
        number = f"{secrets.randbelow(10000):04d}"
    issued = now.replace(microsecond=0)
    try:
        claims = pt.PickupClaims(
            kid=kid,
            case_id=state.case_id,
            case_number=state.case_number,
            office=office,
            pickup_number=number,
            issued_at=issued,
            expires_at=code_expiry(issued),
        )
        token = pt.encode_token(claims, key.sign)
    except (DomainError, ValueError):
        return None  # a case id or number the token format cannot carry: no code
    return Event(
        event_id=new_id(),
        case_id=state.case_id,
        type=ev.READY_FOR_PICKUP,
        office=office,
        device=COUNTY_DEVICE,
        clerk="county",
        at=now,
        payload={
            "office": office,
            "pickup_number": number,
            "token": token,
            "expires_at": claims.expires_at.isoformat(),
        },
    )


def update_cases(
    s: Session, states: dict[str, CaseState], touched: set[str], now: datetime
) -> None:
    """The case rows of the cases ``touched`` (their receipts: ``receipts.Receipts``)."""
    ids = sorted(c for c in touched if c in states)
    if not ids:
        return
    existing = set(
        s.scalars(select(CountyCaseRow.case_id).where(among(s, CountyCaseRow.case_id, ids)))
    )
    new_rows: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    for case_id in ids:
        st = states[case_id]
        status, count, pickup = st.status, st.event_count, st.pickup_office
        if case_id in existing:
            changed.append((case_id, status, count, now, pickup))
        else:
            new_rows.append((case_id, st.case_number, st.office, pickup, status, count, now))
    # set-based: one multi-row insert, one executemany update by primary key
    insert_tuples(s, CountyCaseRow, CASE_COLUMNS, new_rows)
    update_tuples(s, CountyCaseRow, CASE_CHANGES, changed)
