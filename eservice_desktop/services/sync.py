"""Office-side sync use cases: enrol, one push+pull round, status, conflicts, attachments.

Exactly-once without distributed transactions:

- push: events are sent in local order; the county is idempotent by event id. The outbox rows
  are marked acknowledged only after the answer arrived, in one local transaction. A crash or a
  lost reply between the county's commit and ours just means the next round re-sends the batch
  and gets ``duplicate`` answers.
- pull: the changes of a page and the new cursor are written in the *same* local transaction,
  so a page is applied entirely or not at all, and events are skipped when already present.

The device credential lives in the OS keyring (service ``eservice-desktop``), never in the
database or the settings file.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from pathlib import Path
from typing import Any

import keyring
from keyring.errors import KeyringError
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.calendar import parse_dgpa_csv
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.case import apply as apply_event
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.services import cases
from eservice_desktop.services.app import App
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow, EventRow
from eservice_desktop.storage.models_sync import (
    CountyReceiptRow,
    SyncAttachmentRow,
    SyncConflictRow,
    SyncNotificationRow,
    SyncReferenceRow,
    SyncStateRow,
)
from eservice_desktop.sync.client import AuthError, CountyClient, is_loopback
from eservice_desktop.sync.protocol import (
    CHUNK_SIZE,
    AttachmentStart,
    Change,
    CountyReceipt,
    PushResponse,
    WireEvent,
)
from eservice_desktop.sync.worker import SyncLoop

log = logging.getLogger("eservice.sync")

KEYRING_SERVICE = "eservice-desktop"
PUSH_BATCH = 500
PULL_PAGE = 1000


# --- small state ----------------------------------------------------------------------------


def get_state(session: Session, name: str) -> str | None:
    row = session.get(SyncStateRow, name)
    return None if row is None else row.value


def set_state(session: Session, name: str, value: str, now: datetime) -> None:
    row = session.get(SyncStateRow, name)
    if row is None:
        session.add(SyncStateRow(name=name, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now


def keyring_account(app: App) -> str:
    return f"county:{app.settings.office_code}-{app.settings.device_id}"


def credential(app: App) -> str | None:
    try:
        value = keyring.get_password(KEYRING_SERVICE, keyring_account(app))
    except KeyringError:
        value = None
    return value or app.extras.get("sync_demo_credential") or None


def _keep_credential(app: App, secret: str) -> None:
    """The OS keyring only. A demo device on a machine without one (a headless `make run`)
    keeps the credential in memory for this process; it simply enrols again next start."""
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_account(app), secret)
    except KeyringError as e:
        if not app.settings.demo:
            raise DomainError(
                "sync.no_keyring",
                "找不到系統金鑰圈，無法安全保存本機憑證；請 IT 安裝或啟用金鑰圈服務",
                "No OS keyring is available to keep the device credential; ask IT to enable one",
            ) from e
        app.extras["sync_demo_credential"] = secret


# --- clock ----------------------------------------------------------------------------------


def base_now(app: App) -> datetime:
    """The device's own clock, before the county offset is applied."""
    base: Callable[[], datetime] = app.extras.get("sync_base_clock", app.clock)
    return base().astimezone(UTC)


def clock_offset(app: App) -> float:
    return float(app.extras.get("sync_clock_offset", 0.0))


def install_clock_correction(app: App) -> None:
    """Makes ``app.now()`` follow the county's clock (offset learned each round), so events
    and deadlines written on a device whose clock is off still carry county time."""
    if "sync_base_clock" in app.extras:
        return
    with app.reading() as s:
        stored = get_state(s, "clock_offset_s")
    app.extras["sync_clock_offset"] = float(stored) if stored else 0.0
    base = app.clock
    app.extras["sync_base_clock"] = base

    def corrected() -> datetime:
        return base() + timedelta(seconds=float(app.extras.get("sync_clock_offset", 0.0)))

    app.clock = corrected


# --- enrolment ------------------------------------------------------------------------------


def make_client(app: App, url: str | None = None, with_credential: bool = True) -> CountyClient:
    return CountyClient(
        url or app.settings.county_url,
        credential=credential(app) if with_credential else None,
        ca_file=app.settings.county_ca_file,
    )


def enrol(app: App, server_url: str, code: str) -> dict[str, Any]:
    """Trades a one-time code for this device's credential and keeps it in the keyring."""
    client = CountyClient(server_url, ca_file=app.settings.county_ca_file)
    try:
        resp = client.enrol(code, app.settings.device_id, label=socket.gethostname()[:100])
    except AuthError as e:
        raise DomainError(
            "sync.enrol_refused",
            "登記碼無效、已使用或已過期",
            "The enrolment code is unknown, used or expired",
        ) from e
    finally:
        client.close()
    if resp.office != app.settings.office_code:
        raise DomainError(
            "sync.enrol_office",
            f"此登記碼屬於 {resp.office}，本機設定為 {app.settings.office_code}",
            f"The code belongs to office {resp.office}, this device is {app.settings.office_code}",
        )
    _keep_credential(app, resp.credential)
    now = app.now()
    info = {
        "office": resp.office,
        "device": resp.device,
        "device_key": resp.device_key,
        "server": server_url,
        "at": now.isoformat(),
    }
    with app.transaction() as s:
        set_state(s, "enrolled", json.dumps(info), now)
    if server_url.rstrip("/") != app.settings.county_url.rstrip("/"):
        app.settings.county_url = server_url
        app.settings.save()
    log.info("device %s enrolled with the county", resp.device_key)
    return info


def _demo_reenrol(app: App) -> bool:
    """A demo device whose demo server was reset (new database) enrols again."""
    from urllib.parse import urlsplit

    if not app.settings.demo or not is_loopback(urlsplit(app.settings.county_url).hostname or ""):
        return False
    app.extras.pop("sync_demo_credential", None)
    client = make_client(app, with_credential=False)
    try:
        code = client.demo_enrol_code(app.settings.office_code)
    finally:
        client.close()
    enrol(app, app.settings.county_url, code)
    return True


def ensure_enrolled(app: App) -> bool:
    """Demo convenience (`make run`): a demo device talking to a loopback demo server enrols
    itself. Everywhere else IT enrols with a code."""
    if credential(app):
        return True
    from urllib.parse import urlsplit

    if not app.settings.demo or not is_loopback(urlsplit(app.settings.county_url).hostname or ""):
        return False
    client = make_client(app, with_credential=False)
    try:
        code = client.demo_enrol_code(app.settings.office_code)
    finally:
        client.close()
    enrol(app, app.settings.county_url, code)
    return True


# --- one round ------------------------------------------------------------------------------


@dataclass
class RoundResult:
    pushed: int = 0
    duplicates: int = 0
    conflicts: int = 0
    pulled: int = 0
    pending: int = 0
    attachments: int = 0
    server_time: str = ""
    clock_offset_s: float = 0.0
    more: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def outbox(session: Session, limit: int) -> list[Event]:
    rows = session.scalars(
        select(EventRow)
        .where(EventRow.origin == "local", EventRow.acked_at.is_(None))
        .order_by(EventRow.seq)
        .limit(limit)
    )
    return [repo.row_to_event(r) for r in rows]


def pending_count(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(EventRow)
            .where(EventRow.origin == "local", EventRow.acked_at.is_(None))
        )
        or 0
    )


def _learn_clock(app: App, t0: datetime, t1: datetime, server_time: datetime) -> float:
    midpoint = t0 + (t1 - t0) / 2
    offset = (server_time.astimezone(UTC) - midpoint).total_seconds()
    app.extras["sync_clock_offset"] = offset
    return offset


def sync_round(app: App, client: CountyClient, max_push_batches: int | None = None) -> RoundResult:
    """Pushes the whole outbox in batches, then pulls every page; raises SyncError on failure
    (what was already acknowledged or applied stays so)."""
    result = RoundResult()
    _push_all(app, client, result, max_push_batches)
    result.attachments = upload_attachments(app, client)
    pickup_keys: dict[str, Any] | None = None
    crls: list[dict[str, Any]] = []
    calendar_changed = False
    while True:
        with app.reading() as s:
            cursor = get_state(s, "cursor") or ""
        t0 = base_now(app)
        page = client.pull(cursor, PULL_PAGE)
        result.clock_offset_s = _learn_clock(app, t0, base_now(app), page.server_time)
        result.server_time = page.server_time.isoformat()
        if not page.changes and page.cursor == cursor:
            break  # nothing new: no write transaction (an idle round stays cheap)
        with app.transaction() as s:
            inbox = _Inbox(app, s, page.changes)
            for change in page.changes:
                applied = _apply_change(app, s, change, inbox)
                result.pulled += int(applied and change.kind == "event")
                if change.kind == "pickup_keys":
                    pickup_keys = change.data
                if change.kind == "revocation" and change.data.get("kind") == "crl":
                    crls.append(change.data)
                calendar_changed |= change.kind == "calendar"
            inbox.finish()
            set_state(s, "cursor", page.cursor, app.now())
        if not page.more:
            break
    if result.conflicts:
        _push_all(app, client, result, max_push_batches)  # the conflict notes just written
    if calendar_changed:
        app.reload_calendar()
    if pickup_keys is not None:
        _import_pickup_keys(app, pickup_keys)
    for crl in crls:
        _import_crl(app, crl)
    with app.transaction() as s:
        now = app.now()
        set_state(s, "last_success", now.isoformat(), now)
        set_state(s, "clock_offset_s", f"{result.clock_offset_s:.3f}", now)
        set_state(s, "last_error", "", now)
        result.pending = pending_count(s)
    return result


def _push_all(app: App, client: CountyClient, result: RoundResult, max_batches: int | None) -> None:
    batches = 0
    while max_batches is None or batches < max_batches:
        with app.reading() as s:
            batch = outbox(s, PUSH_BATCH)
        if not batch:
            break
        t0 = base_now(app)
        resp = client.push([WireEvent.of(e) for e in batch])
        result.clock_offset_s = _learn_clock(app, t0, base_now(app), resp.server_time)
        with app.transaction() as s:
            _apply_push(app, s, batch, resp, result)
        batches += 1
        if len(batch) < PUSH_BATCH:
            break


def _apply_push(
    app: App, s: Session, batch: list[Event], resp: PushResponse, result: RoundResult
) -> None:
    by_id = {e.event_id: e for e in batch}
    now = app.now()
    acked: list[str] = []
    for r in resp.results:
        e = by_id.get(r.event_id)
        if e is None:
            continue
        acked.append(r.event_id)
        if r.status == "accepted":
            result.pushed += 1
        elif r.status == "duplicate":
            result.duplicates += 1
        else:
            result.conflicts += 1
            _record_conflict(
                app,
                s,
                e,
                conflict_id=r.conflict_id or str(uuid.uuid4()),
                code=r.reason_code or "",
                zh=r.reason_zh or "",
                en=r.reason_en or "",
                now=now,
            )
    repo.mark_acked(s, acked, now)
    _store_receipts(s, resp.receipts, _receipt_keys(s), now)


def _record_conflict(
    app: App, s: Session, e: Event, *, conflict_id: str, code: str, zh: str, en: str, now: datetime
) -> None:
    if s.scalar(select(SyncConflictRow.conflict_id).where(SyncConflictRow.event_id == e.event_id)):
        return
    s.add(
        SyncConflictRow(
            conflict_id=conflict_id,
            event_id=e.event_id,
            case_id=e.case_id,
            event_type=e.type,
            reason_code=code,
            reason_zh=zh,
            reason_en=en,
            created_at=now,
            resolution="",
        )
    )
    if e.type in (ev.CONFLICT_RECORDED, ev.CONFLICT_RESOLVED):
        return  # never a conflict about a conflict: that could loop
    state = repo.load_state(s, e.case_id)
    if state is None:
        return
    note = app.actor.event(
        e.case_id,
        ev.CONFLICT_RECORDED,
        now,
        {
            "conflict_id": conflict_id,
            "event_id": e.event_id,
            "event_type": e.type,
            "reason_code": code,
            "reason_zh": zh,
            "reason_en": en,
        },
    )
    cases.append(app, s, note, state, origin="local")
    log.warning("county refused event %s (%s): conflict %s", e.event_id, code, conflict_id)


def _receipt_keys(s: Session) -> dict[str, str]:
    row = s.get(SyncReferenceRow, "county_keys")
    if row is None:
        return {}
    return {str(k["key_id"]): str(k["public_key"]) for k in row.data.get("keys", [])}


def verify_receipt(receipt: CountyReceipt, keys: dict[str, str]) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    pub = keys.get(receipt.key_id)
    if pub is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(pub)).verify(
            base64.b64decode(receipt.signature), receipt.signed_bytes()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def _store_receipts(
    s: Session, receipts: list[CountyReceipt], keys: dict[str, str], now: datetime
) -> None:
    """Keeps the newest receipt per case: one query for what exists, one multi-row insert."""
    if not receipts:
        return
    existing = {
        r.case_id: r
        for r in s.scalars(
            select(CountyReceiptRow).where(
                CountyReceiptRow.case_id.in_([r.case_id for r in receipts])
            )
        )
    }
    new_rows: dict[str, dict[str, Any]] = {}
    for r in receipts:
        values: dict[str, Any] = {
            "case_number": r.case_number,
            "office": r.office,
            "events_accepted": r.events_accepted,
            "county_time": r.county_time,
            "key_id": r.key_id,
            "signature": r.signature,
            "verified": verify_receipt(r, keys),
            "received_at": now,
        }
        row = existing.get(r.case_id)
        if row is None:
            new_rows[r.case_id] = {"case_id": r.case_id, **values}
        elif r.events_accepted >= row.events_accepted:
            for k, v in values.items():
                setattr(row, k, v)
    if new_rows:
        s.execute(insert(CountyReceiptRow), list(new_rows.values()))


def _put_reference(s: Session, name: str, seq: int, data: dict[str, Any], now: datetime) -> None:
    row = s.get(SyncReferenceRow, name)
    if row is None:
        s.add(SyncReferenceRow(name=name, seq=seq, data=data, updated_at=now))
    elif seq >= row.seq:
        row.seq, row.data, row.updated_at = seq, data, now


class _Inbox:
    """Applies one page of pulled events in bulk: one query for the page's ids, one for the
    streams of its cases, one multi-row insert, one projection refresh per case."""

    def __init__(self, app: App, s: Session, changes: list[Change]) -> None:
        self.app, self.s = app, s
        ids = [str(c.data.get("event_id")) for c in changes if c.kind == "event"]
        case_ids = {str(c.data.get("case_id")) for c in changes if c.kind == "event"}
        self.known: set[str] = set()
        self.states: dict[str, CaseState | None] = dict.fromkeys(case_ids)
        if ids:
            self.known = set(s.scalars(select(EventRow.event_id).where(EventRow.event_id.in_(ids))))
            rows = s.scalars(
                select(EventRow).where(EventRow.case_id.in_(case_ids)).order_by(EventRow.seq)
            )
            for r in rows:
                self.states[r.case_id] = apply_event(self.states[r.case_id], repo.row_to_event(r))
        self.rows: list[dict[str, Any]] = []
        self.touched: set[str] = set()
        self.now = app.now()

    def add(self, e: Event, change: Change) -> bool:
        if e.event_id in self.known:
            return False
        state = self.states.get(e.case_id)
        if state is None and e.type != ev.RECEIVED:
            # cannot happen with the county's history replay; keep it rather than lose it
            _put_reference(self.s, f"parked:{e.event_id}", change.seq, change.data, self.now)
            log.warning("pulled event %s for an unknown case parked", e.event_id)
            return False
        self.states[e.case_id] = apply_event(state, e)
        self.rows.append(
            {
                "event_id": e.event_id,
                "case_id": e.case_id,
                "type": e.type,
                "office": e.office,
                "device": e.device,
                "clerk": e.clerk,
                "at": e.at.astimezone(UTC),
                "recorded_at": self.now,
                "payload": e.payload,
                "origin": "county",
                "acked_at": None,
            }
        )
        self.known.add(e.event_id)
        self.touched.add(e.case_id)
        return True

    def finish(self) -> None:
        if self.rows:
            self.s.execute(insert(EventRow), self.rows)
            self.rows = []
        if not self.touched:
            return
        # load the projection rows once so upsert_projection finds them in the session
        self.s.scalars(select(CaseRow).where(CaseRow.case_id.in_(self.touched))).all()
        for case_id in sorted(self.touched):
            state = self.states[case_id]
            if state is not None:
                repo.upsert_projection(self.s, state, cases.compute_due(self.app, state), self.now)
        self.touched = set()


def _apply_change(app: App, s: Session, change: Change, inbox: _Inbox) -> bool:
    now = app.now()
    data = change.data
    if change.kind == "event":
        return inbox.add(WireEvent.model_validate(data).to_event(), change)
    if change.kind == "calendar":
        days = parse_dgpa_csv(str(data.get("csv", "")))
        repo.store_calendar_days(s, ((d, off, note) for d, (off, note) in days.items()))
        _put_reference(
            s, f"calendar:{data.get('year', '')}", change.seq, {"year": data.get("year")}, now
        )
    elif change.kind == "catalogue":
        _put_reference(s, "catalogue", change.seq, data, now)
        _reload_catalogue(app, data)
    elif change.kind in ("county_keys", "pickup_keys"):
        _put_reference(s, change.kind, change.seq, data, now)
    elif change.kind == "revocation":
        _put_reference(
            s, f"revocation:{data.get('device_key') or change.seq}", change.seq, data, now
        )
    elif change.kind == "notification":
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
    return True


def _reload_catalogue(app: App, services_doc: dict[str, Any]) -> None:
    from eservice_desktop.domain.catalogue import Catalogue
    from eservice_desktop.storage import resources

    try:
        app.catalogue = Catalogue.from_dict(
            services_doc, resources.read_json("catalogue", "offices.json")
        )
    except (DomainError, KeyError, ValueError, TypeError):
        log.warning("catalogue from the county refused; keeping the current one", exc_info=True)


def load_county_reference(app: App) -> bool:
    """Applies the catalogue the county published last (kept in ``sync_reference``) to this
    process; the shipped catalogue stays when there is none. Returns True when applied."""
    with app.reading() as s:
        row = s.get(SyncReferenceRow, "catalogue")
        data = dict(row.data) if row is not None else None
    if data is None:
        return False
    before = app.catalogue
    _reload_catalogue(app, data)
    return app.catalogue is not before


def _import_pickup_keys(app: App, doc: dict[str, Any]) -> None:
    try:
        from eservice_desktop.services import pickup
    except ImportError:
        return
    importer = getattr(pickup, "import_county_keys", None)
    if importer is None:
        return
    try:
        importer(app, doc)
    except DomainError:
        log.warning("pickup keys from the county refused", exc_info=True)


def _import_crl(app: App, data: dict[str, Any]) -> None:
    """A CRL/ARL the county distributes goes through the identity area's own verification."""
    try:
        from eservice_desktop.services import identity

        der = base64.b64decode(str(data.get("der_b64", "")))
        update = identity.accept_crl(app, der, source=f"county:{data.get('name', '')}")
    except (ImportError, ValueError, DomainError):
        log.warning("revocation list from the county not imported", exc_info=True)
        return
    if not update.accepted:
        log.warning("revocation list from the county refused: %s", update.code)


# --- attachments ----------------------------------------------------------------------------


def add_attachment(
    app: App, path: Path, case_id: str | None = None, media_type: str = "application/octet-stream"
) -> str:
    """Registers a file for upload; returns its SHA-256 (the same content is stored once)."""
    digest = sha256()
    size = 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    sha = digest.hexdigest()
    with app.transaction() as s:
        if s.get(SyncAttachmentRow, sha) is None:
            s.add(
                SyncAttachmentRow(
                    sha256=sha,
                    path=str(path),
                    size=size,
                    uploaded=0,
                    complete=False,
                    case_id=case_id,
                    media_type=media_type,
                    created_at=app.now(),
                )
            )
    return sha


def upload_attachments(app: App, client: CountyClient, chunk_size: int = CHUNK_SIZE) -> int:
    """Uploads what the county lacks, resuming at the offset the county reports."""
    with app.reading() as s:
        todo = list(
            s.scalars(select(SyncAttachmentRow).where(SyncAttachmentRow.complete.is_(False)))
        )
    done = 0
    for att in todo:
        state = client.attachment_start(
            att.sha256,
            AttachmentStart(size=att.size, case_id=att.case_id, media_type=att.media_type),
        )
        offset = state.received
        if not state.complete:
            with open(att.path, "rb") as f:
                f.seek(offset)
                while offset < att.size:
                    data = f.read(chunk_size)
                    if not data:
                        break
                    state = client.attachment_chunk(att.sha256, offset, data)
                    offset = state.received
                    f.seek(offset)
                    with app.transaction() as s:
                        row = s.get(SyncAttachmentRow, att.sha256)
                        if row is not None:
                            row.uploaded = offset
        if state.complete:
            with app.transaction() as s:
                row = s.get(SyncAttachmentRow, att.sha256)
                if row is not None:
                    row.uploaded, row.complete = att.size, True
            done += 1
    return done


# --- status and conflicts -------------------------------------------------------------------


def status(app: App) -> dict[str, Any]:
    with app.reading() as s:
        local = int(
            s.scalar(select(func.count()).select_from(EventRow).where(EventRow.origin == "local"))
            or 0
        )
        pending = pending_count(s)
        conflicts = int(
            s.scalar(
                select(func.count())
                .select_from(SyncConflictRow)
                .where(SyncConflictRow.resolved_at.is_(None))
            )
            or 0
        )
        enrolled = get_state(s, "enrolled")
        offset = get_state(s, "clock_offset_s")
        out = {
            "pending": pending,
            "acknowledged": local - pending,
            "local_events": local,
            "pulled_events": int(
                s.scalar(
                    select(func.count()).select_from(EventRow).where(EventRow.origin == "county")
                )
                or 0
            ),
            "last_success": get_state(s, "last_success") or None,
            "last_attempt": get_state(s, "last_attempt") or None,
            "last_error": get_state(s, "last_error") or None,
            "conflicts": conflicts,
            "cursor": get_state(s, "cursor") or "",
            "clock_offset_s": float(offset) if offset else None,
            "enrolled": json.loads(enrolled) if enrolled else None,
            "server": app.settings.county_url,
            "has_credential": credential(app) is not None,
        }
    return out


def county_receipt(app: App, case_number: str) -> dict[str, Any]:
    """The county's signed acknowledgement of a case, re-verified now: printable proof that
    the case reached the county (and how many of its events)."""
    with app.reading() as s:
        case_id = cases.resolve_case_id(s, case_number)
        row = s.get(CountyReceiptRow, case_id)
        keys = _receipt_keys(s)
    if row is None:
        raise DomainError(
            "sync.no_receipt",
            "本案尚未收到縣府回執（尚未同步）",
            "No county receipt yet (not synced)",
        )
    receipt = CountyReceipt(
        case_id=row.case_id,
        case_number=row.case_number,
        office=row.office,
        events_accepted=row.events_accepted,
        county_time=repo._aware(row.county_time),
        key_id=row.key_id,
        signature=row.signature,
    )
    return receipt.model_dump(mode="json") | {"verified": verify_receipt(receipt, keys)}


@dataclass(frozen=True)
class ConflictView:
    conflict_id: str
    case_id: str
    case_number: str
    event_type: str
    reason: str
    created_at: str


def open_conflicts(app: App, lang: str = "zh_TW") -> list[ConflictView]:
    with app.reading() as s:
        rows = list(
            s.scalars(
                select(SyncConflictRow)
                .where(SyncConflictRow.resolved_at.is_(None))
                .order_by(SyncConflictRow.created_at)
            )
        )
        out = []
        for r in rows:
            state = repo.load_state(s, r.case_id)
            out.append(
                ConflictView(
                    r.conflict_id,
                    r.case_id,
                    state.case_number if state else "",
                    r.event_type,
                    r.reason_zh if lang.startswith("zh") else r.reason_en,
                    repo._aware(r.created_at).isoformat(),
                )
            )
    return out


def resolve_conflict(app: App, conflict_id: str, note: str) -> None:
    """The clerk's decision, recorded as a ``case.conflict_resolved`` event (synced like any)."""
    if not note.strip():
        raise DomainError(
            "case.reason_required", "請說明處理方式", "Say how the conflict was resolved"
        )
    with app.transaction() as s:
        row = s.get(SyncConflictRow, conflict_id)
        if row is None or row.resolved_at is not None:
            raise DomainError("sync.no_conflict", "查無待處理的衝突", "No such open conflict")
        cases.record(
            app,
            s,
            row.case_id,
            ev.CONFLICT_RESOLVED,
            {"conflict_id": conflict_id, "note": note.strip()},
        )
        row.resolved_at, row.resolution = app.now(), note.strip()


# --- the service ----------------------------------------------------------------------------


@dataclass
class ServiceState:
    online: bool = False
    last_result: RoundResult | None = None
    last_error: str = ""
    listeners: list[Callable[[ServiceState], None]] = field(default_factory=list)


def run_round(app: App) -> RoundResult:
    """One round with a fresh client (the credential may have just been enrolled)."""
    now = app.now()
    with app.transaction() as s:
        set_state(s, "last_attempt", now.isoformat(), now)
    try:
        ensure_enrolled(app)
        client = make_client(app)
        try:
            return sync_round(app, client)
        except AuthError:
            if not _demo_reenrol(app):
                raise
        finally:
            client.close()
        client = make_client(app)
        try:
            return sync_round(app, client)
        finally:
            client.close()
    except Exception as e:
        with app.transaction() as s:
            set_state(s, "last_error", type(e).__name__, app.now())
        raise


def has_pending(app: App) -> bool:
    """Cheap (index-only) check the service polls between rounds."""
    with app.reading() as s:
        return (
            s.scalar(
                select(EventRow.seq)
                .where(EventRow.origin == "local", EventRow.acked_at.is_(None))
                .limit(1)
            )
            is not None
        )


def make_loop(
    app: App, on_result: Callable[[Any, BaseException | None], None] | None = None
) -> SyncLoop:
    return SyncLoop(
        lambda: run_round(app),
        interval=app.settings.sync_interval_s,
        on_result=on_result,
        has_work=lambda: has_pending(app),
    )


def run_service(app: App, stop: threading.Event | None = None) -> SyncLoop:
    """The background service body: rounds until stopped (SIGTERM sets ``stop``)."""
    install_clock_correction(app)
    loop = make_loop(app)
    if stop is not None:

        def watch() -> None:
            stop.wait()
            loop.stop()

        threading.Thread(target=watch, daemon=True, name="sync-stop").start()
    log.info("sync service started (pid %d)", os.getpid())
    loop.run_forever()
    log.info("sync service stopped")
    return loop


# --- recovery of a restored copy ------------------------------------------------------------


def recover_from_county(app: App, client: CountyClient) -> dict[str, int]:
    """After restoring an older copy of the database: pulls the office's whole history again,
    *including this device's own events*, adds what the copy lacks (own events come back as
    acknowledged local events) and moves the case-number counters past every number this
    device already used, so no number is issued twice."""
    from eservice_desktop.domain.case_number import parse_case_number
    from eservice_desktop.storage.models import CounterRow

    me = (app.settings.office_code, app.settings.device_id)
    cursor = ""
    restored = added = 0
    while True:
        page = client.pull(cursor, PULL_PAGE, include_own=True)
        with app.transaction() as s:
            inbox = _Inbox(app, s, page.changes)
            for change in page.changes:
                if change.kind != "event":
                    continue
                e = WireEvent.model_validate(change.data).to_event()
                if not inbox.add(e, change):
                    continue
                if (e.office, e.device) != me:
                    added += 1
                    continue
                restored += 1
                inbox.rows[-1].update(origin="local", acked_at=app.now())  # ours, acknowledged
                if e.type == ev.RECEIVED:
                    number = parse_case_number(str(e.payload.get("case_number", "")))
                    name = f"case:{number.office}:{number.device}:{number.roc_year}"
                    counter = s.get(CounterRow, name)
                    if counter is None:
                        s.add(CounterRow(name=name, value=number.sequence))
                    elif counter.value < number.sequence:
                        counter.value = number.sequence
            inbox.finish()
        cursor = page.cursor
        if not page.more:
            break
    log.info("recovery: %d own events restored, %d others added", restored, added)
    return {"restored": restored, "added": added}
