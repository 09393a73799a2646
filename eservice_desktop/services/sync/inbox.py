"""One pulled page applied in the caller's transaction: its events through the one ingest
path (:func:`services.ingest.ingest_many`), its reference data into ``sync_reference``.

A pulled event the ingest refuses (a case this office never received, a fold that cannot be
made) does not stop the page: it is kept aside under ``parked:<event id>`` with the reason,
and the cursor moves on. An event that does not parse, breaks the value rules or reuses a
case number here is set aside the same way. ``services/sync/quarantine.py`` reads those rows
for `sync status` (``quarantined``), `sync conflicts` (rows of kind ``quarantined``) and the
status bar; IT sees each with its reason in both languages.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eservice_desktop.county_link.protocol import Change, WireEvent
from eservice_desktop.domain import chain, values
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.calendar import parse_dgpa_csv
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_event
from eservice_desktop.domain.events import Event
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import IngestReport, PreChecked, Refusal, ingest_many
from eservice_desktop.services.sync.reference import (
    applied_catalogue,
    check_receipt_keys,
    parse_catalogue,
    put_reference,
    store_pickup_keys,
)
from eservice_desktop.services.sync.wire_fast import plainly_valid_event
from eservice_desktop.storage import calendar_store
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.collection import collection_paused
from eservice_desktop.storage.models import CaseRow
from eservice_desktop.storage.models_sync import SyncNotificationRow

log = logging.getLogger("eservice.sync")

#: What parsing a malformed pulled event raises besides pydantic's ValidationError.
_MALFORMED = (KeyError, ValueError, TypeError, AttributeError)
#: What applying a page may raise for a value no check foresaw (a projection's ``int(...)``, a
#: unique index); not the database's own errors (locked, disk full), which fail the round.
_UNAPPLICABLE = (DomainError, *_MALFORMED, OverflowError, IntegrityError)
#: What of a hostile change's kind a reason may show (no bidi override, no control character).
_PLAIN = re.compile(r"[^0-9A-Za-z_.-]")
#: The most of an unreadable pulled event's raw text kept aside.
_RAW_LIMIT = 16_384


@dataclass
class PageOutcome:
    """What a page brought besides its events, for the round to act on after the commit."""

    report: IngestReport = field(default_factory=IngestReport)
    calendar_changed: bool = False

    def add(self, other: PageOutcome) -> None:
        """``other``'s outcome taken into this one (a page applied in parts)."""
        self.report.applied += other.report.applied
        self.report.duplicates += other.report.duplicates
        self.report.refused += other.report.refused
        self.report.states.update(other.report.states)
        self.calendar_changed |= other.calendar_changed


#: What :func:`check_page` found of each change: its event, typed payload and payload text when
#: the one-pass check passed (services/sync/wire_fast.py; ``services.ingest.PreChecked``), else
#: None (the change is looked at in turn).
Checked = list[PreChecked | None]


def check_page(changes: list[Change]) -> Checked:
    """The one-pass value checks of a page's events, which need nothing of this office's
    database: the pull runs them on its page-ahead thread (services/sync/pull_pages.py) while
    the page before is written, and :func:`apply_page` takes their results instead of
    running them again."""
    out: Checked = []
    known: str | None = None  # the last hash that passed: a chain's next event names it
    for c in changes:
        plain = plainly_valid_event(c.data, known) if c.kind == "event" else None
        if plain is not None:
            known = plain[0].hash
        out.append(plain)
    return out


def apply_page(
    app: App,
    s: Session,
    changes: list[Change],
    *,
    events_only: bool = False,
    own: bool = False,
    checked: Checked | None = None,
) -> PageOutcome:
    """Applies a page. ``own`` (recovery): this device's own events come back as local,
    acknowledged events; ``events_only`` leaves the reference data alone; ``checked``: what
    :func:`check_page` found of these very changes. The cyclic garbage collector waits
    meanwhile (storage/collection.py: it cost a quarter of a pull)."""
    with collection_paused():
        if checked is None:
            checked = check_page(changes)
        try:
            with s.begin_nested():
                return _apply_page(app, s, changes, checked, events_only=events_only, own=own)
        except _UNAPPLICABLE:
            return _apply_apart(app, s, changes, checked, events_only=events_only, own=own)


def _apply_apart(
    app: App, s: Session, changes: list[Change], checked: Checked, *, events_only: bool, own: bool
) -> PageOutcome:
    """A page that raised while applied (a value no check foresaw, met in a projection),
    change by change, each in a savepoint: the one that raises again is kept aside like an
    unreadable event and the rest applied. Before, the page rolled back and every later round
    failed on the same page. Errors of the database itself (locked, full) are not caught."""
    out = PageOutcome()
    for change, plain in zip(changes, checked, strict=True):
        try:
            with s.begin_nested():
                one = _apply_page(app, s, [change], [plain], events_only=events_only, own=own)
        except _UNAPPLICABLE as exc:
            park_unreadable(app, s, change.seq, change.data, type(exc).__name__)
            continue
        out.add(one)
    return out


def _apply_page(
    app: App, s: Session, changes: list[Change], checked: Checked, *, events_only: bool, own: bool
) -> PageOutcome:
    out = PageOutcome()
    events: list[Event] = []
    at: dict[str, Change] = {}  # each event's change, for a refusal to park
    pre: dict[str, PreChecked] = {}  # made by the checks, handed to the fold and the rows
    numbers: set[str] = set()
    taken = _numbers_taken(s, changes, checked)
    for change, plain in zip(changes, checked, strict=True):
        if plain is not None:  # an event read and value-checked in one pass
            e = plain[0]
            pre[e.event_id] = plain
            if e.type == ev.RECEIVED:
                refusal = _screen_number(e, numbers, taken)
                if refusal is not None:
                    park(app, s, refusal, change.seq, change.data)
                    continue
            events.append(e)
            at[e.event_id] = change
        elif change.kind == "event":  # doubted: the wire schema, then the value rules
            try:
                e = WireEvent.model_validate(change.data).to_event()
            except (ValidationError, *_MALFORMED) as exc:
                park_unreadable(app, s, change.seq, change.data, type(exc).__name__)
                continue
            if (refusal := _screen(e, numbers, taken)) is not None:
                park(app, s, refusal, change.seq, change.data)
                continue
            events.append(e)
            at[e.event_id] = change
        elif not events_only:
            _apply_reference_or_park(app, s, change, out)
    out.report = ingest_many(app, s, events, origin="county", own_acked=own, prechecked=pre)
    for refusal in out.report.refused:
        change = at[refusal.event.event_id]
        park(app, s, refusal, change.seq, change.data)
    return out


def _numbers_taken(s: Session, changes: list[Change], checked: Checked) -> dict[str, str]:
    """The case numbers the page's new cases name that a case here already has (number ->
    case id), in one query for the whole page (an event checked in one pass names its number
    in its typed payload)."""
    wanted: set[str] = set()
    for c, plain in zip(changes, checked, strict=True):
        if plain is not None:
            if plain[0].type == ev.RECEIVED:
                wanted.add(str(plain[0].payload.get("case_number") or ""))
        elif (
            c.kind == "event"
            and c.data.get("type") == ev.RECEIVED
            and isinstance(c.data.get("payload"), dict)
        ):
            wanted.add(str(c.data["payload"].get("case_number") or ""))
    wanted.discard("")
    if not wanted:
        return {}
    return dict(
        s.execute(
            select(CaseRow.case_number, CaseRow.case_id).where(among(CaseRow.case_number, wanted))
        ).all()
    )


def _screen(e: Event, numbers: set[str], taken: dict[str, str]) -> Refusal | None:
    """Refuses, before the fold, a pulled event whose values this office would never store
    (a negative time limit, an amount beyond the money range), whose content differs from its
    hash (``audit verify`` would report it as an edit here) or whose case number another
    case here already uses (``taken``: the page's numbers already held here; ``numbers``:
    those the page itself used so far): such an event would otherwise abort the whole page's
    insert."""
    try:
        check_event(e)
    except DomainError as err:
        return Refusal(e, err.code, err.message_zh, err.message_en)
    if not chain.holds_own_hash(e):
        return Refusal(
            e,
            "chain.edited",
            "事件內容與其雜湊不符，未存入本所資料庫",
            "The event differs from its hash; not stored here",
        )
    return _screen_number(e, numbers, taken)


def _screen_number(e: Event, numbers: set[str], taken: dict[str, str]) -> Refusal | None:
    """The case number part of :func:`_screen`, for an event whose values passed."""
    if e.type == ev.RECEIVED:
        number = str(e.payload.get("case_number") or "")
        holder = taken.get(number)
        if number in numbers or (holder is not None and holder != e.case_id):
            return Refusal(
                e,
                "case.number_taken",
                f"案件編號 {number} 已由本所其他案件使用",
                f"Case number {number} is already used by another case here",
            )
        numbers.add(number)
    return None


def park_unreadable(app: App, s: Session, seq: int, data: Any, why: str) -> None:
    """Keeps aside a pulled event that does not even parse against the wire schema."""
    event_id = str(data.get("event_id", "")) if isinstance(data, dict) else ""
    refused = ("event.unreadable", f"事件無法解讀（{why}）", f"The event cannot be read ({why})")
    park_raw(app, s, seq, data, key=event_id[:36] or seq, refused=refused)
    log.warning("pulled change %s does not parse (%s): parked", seq, why)


def park_raw(
    app: App,
    s: Session,
    seq: int,
    data: Any,
    *,
    key: object,
    refused: tuple[str, str, str],
    kind: str = "",
) -> None:
    """A pulled change kept aside (``parked:<key>``) as it came (its text, cut at
    ``_RAW_LIMIT`` unless it is a reference change of ``kind``, kept whole for a later build
    to read) with the reason (code, zh-TW, English) that ``sync conflicts`` shows."""
    code, zh, en = refused
    text = json.dumps(data, ensure_ascii=False, default=str)
    kept = {
        "raw": text if kind else text[:_RAW_LIMIT],
        "refused": {"code": code, "zh": zh, "en": en},
    }
    put_reference(s, f"parked:{key}", seq, {**kept, "kind": kind} if kind else kept, app.now())


def park_unparsed(app: App, s: Session, raw: list[Any], cursor: str) -> None:
    """Keeps aside the changes of a page that are not even changes of the wire schema (a kind
    this build does not know, data that is no object), each under its own ``seq`` (one
    without: under the page's cursor), the reason naming its kind in plain letters."""
    for change in raw:
        seq = change.get("seq") if isinstance(change, dict) else None
        if type(seq) is not int:
            seq = int(cursor) if cursor.isdigit() else 0
        kind = change.get("kind") if isinstance(change, dict) else None
        park_unreadable(app, s, seq, change, "change " + _PLAIN.sub("?", str(kind)[:20]))


def park(app: App, s: Session, refusal: Refusal, seq: int, data: dict[str, Any]) -> None:
    """Keeps a refused pulled event aside with the reason; the page goes on without it."""
    put_reference(
        s,
        f"parked:{refusal.event.event_id}",
        seq,
        {
            **data,
            "refused": {"code": refusal.code, "zh": refusal.message_zh, "en": refusal.message_en},
        },
        app.now(),
    )
    log.warning("pulled event %s refused (%s): parked", refusal.event.event_id, refusal.code)


def _apply_reference_or_park(app: App, s: Session, change: Change, out: PageOutcome) -> None:
    """Applies a reference change, or keeps it aside when this office cannot use it (a
    calendar it cannot parse, a notification without its keys): raised, it rolled the page
    back, and the next round pulled the same page and failed the same way, for ever."""
    try:
        with s.begin_nested():
            _apply_reference(app, s, change, out)
    except (DomainError, *_MALFORMED) as exc:
        why = exc.code if isinstance(exc, DomainError) else type(exc).__name__
        zh = f"縣府傳來的 {change.kind} 變更無法套用（{why}）"
        en = f"The county's {change.kind} change cannot be applied ({why})"
        refused = ("change.unusable", zh, en)
        park_raw(app, s, change.seq, change.data, key=change.seq, refused=refused, kind=change.kind)
        log.warning(
            "pulled %s change %s cannot be applied (%s): parked", change.kind, change.seq, why
        )


def _apply_reference(app: App, s: Session, change: Change, out: PageOutcome) -> None:
    now = app.now()
    data = change.data
    if change.kind == "calendar":
        days = parse_dgpa_csv(str(data.get("csv", "")))
        calendar_store.store_days(s, ((d, off, note) for d, (off, note) in days.items()), now)
        put_reference(
            s, f"calendar:{data.get('year', '')}", change.seq, {"year": data.get("year")}, now
        )
        out.calendar_changed = True
    elif change.kind == "catalogue":
        # read first: one this build cannot read is set aside, never kept as the county's
        # catalogue (the next start applied none and fell back to the shipped one)
        catalogue = parse_catalogue(data)
        put_reference(s, "catalogue", change.seq, data, now)
        applied_catalogue(app, catalogue, change.seq)
    elif change.kind in ("county_keys", "pickup_keys"):
        if change.kind == "county_keys":
            check_receipt_keys(data)
        put_reference(s, change.kind, change.seq, data, now)
        if change.kind == "pickup_keys":
            store_pickup_keys(app, s, data)
    elif change.kind == "revocation":
        # a CRL is imported after the page, from here (services/sync/pulled_crls.py)
        put_reference(
            s, f"revocation:{data.get('device_key') or change.seq}", change.seq, data, now
        )
    elif change.kind == "notification":
        _notification(s, data, now)
    elif change.kind == "targets":
        _targets(app, s, change, now)


def _outcome_time(at: object, now: datetime) -> datetime:
    """The county's time of a notice's outcome, in UTC; when it arrived here instead for an
    older server's change without one and for a time that is not one: no offset (stored as
    given, it was read as UTC and shown eight hours off) or outside the sane window."""
    with contextlib.suppress(ValueError, DomainError):
        return values.check_time(datetime.fromisoformat(str(at)), "at") if at else now
    return now


def _targets(app: App, s: Session, change: Change, now: Any) -> None:
    """The county's monthly targets for this office replace the ones held (a set that does
    not pass the value rules is kept aside, like an unreadable event, and the old set stays)."""
    from eservice_desktop.services.supervisor_reports import store_targets

    rows = change.data.get("targets")
    try:
        if not isinstance(rows, list):
            raise DomainError("target.type", "目標值格式錯誤", "The targets must be a list")
        with s.begin_nested():
            store_targets(s, app.settings.office_code, rows, now)
    except DomainError as exc:
        park_unreadable(app, s, change.seq, change.data, exc.code)


def _notification(s: Session, data: dict[str, Any], now: Any) -> None:
    now = _outcome_time(data.get("at"), now)
    row = s.get(SyncNotificationRow, str(data["notification_id"]))
    if row is None:
        s.add(
            SyncNotificationRow(
                notification_id=str(data["notification_id"]),
                case_id=str(data["case_id"]),
                channel=str(data["channel"]),
                stage=str(data["stage"]),
                status=str(data["status"]),
                attempts=int(data.get("attempts", 0)),
                updated_at=now,
            )
        )
    else:
        row.status, row.attempts, row.updated_at = (
            str(data["status"]),
            int(data.get("attempts", 0)),
            now,
        )
