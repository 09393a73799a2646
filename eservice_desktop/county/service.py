"""The county's use cases, independent of HTTP: enrol, authenticate, push, pull, keys, stats.

Each function runs inside the caller's one transaction (``with sessions() as s, s.begin()``).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from eservice_desktop.county import notice_outcomes, notify, reports, vault
from eservice_desktop.county.routing import offices_for
from eservice_desktop.county.store import (
    AttachmentChunkRow,
    AttachmentRow,
    ConflictRow,
    CountyAccessRow,
    CountyCaseRow,
    CountyChainHeadRow,
    CountyChainRow,
    CountyEventRow,
    DeviceAuditRow,
    DeviceRow,
    EnrolCodeRow,
    FeedRow,
    KeyRow,
    NotificationRow,
    RouteRow,
    among,
    aware,
    event_of,
    insert_rows,
    lock_feed,
)
from eservice_desktop.county_link.protocol import (
    AccessPushResponse,
    AttachmentState,
    ChainGap,
    CountyReceipt,
    PushResponse,
    PushResult,
    WireAccess,
    WireEvent,
    receipt_bytes,
)
from eservice_desktop.domain import chain
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import CLOSED as CLOSED_STATE
from eservice_desktop.domain.case import READY as READY_STATE
from eservice_desktop.domain.case import CaseState, apply, check
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_payload
from eservice_desktop.domain.events import Event
from eservice_desktop.storage import resources

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_TTL = timedelta(days=7)
#: How long a pickup code the county issues stays valid.
PICKUP_VALID = timedelta(days=30)
COUNTY_DEVICE = "CTY"
OFFICE_CODE = re.compile(r"[A-Z][0-9]{2}")


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
CHAIN_EDITED = DomainError(
    "chain.edited",
    "事件內容與其雜湊不符：該設備的資料庫可能遭修改",
    "The event differs from its hash: the device's database may have been changed",
)
CHAIN_BROKEN = DomainError(
    "chain.broken",
    "事件未接續該設備的上一筆事件：可能有事件遭刪除或調換順序",
    "The event does not follow the device's previous event: one may have been deleted or moved",
)
CHAIN_MISSING = DomainError(
    "chain.missing",
    "事件缺少雜湊鏈（該設備先前的事件都有）",
    "The event carries no hash chain (the device's earlier events did)",
)


class AuthFailed(Exception):
    """401: no or unknown credential."""


class Forbidden(Exception):
    """403: known credential not allowed (revoked device, foreign office in a push)."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


#: Device numbers: two digits (they are part of every case and receipt number); ``CTY`` and
#: anything else outside 01..99 is reserved for the county.
DEVICE_NUMBER = re.compile(r"(0[1-9]|[1-9][0-9])")


class BadRequest(Exception):
    """Refused input of a county command (office not in the catalogue, bad device number)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.message_zh, self.message_en = zh, en


def check_office_code(office: str) -> str:
    offices = known_offices()
    if not OFFICE_CODE.fullmatch(office or "") or (offices and office not in offices):
        raise BadRequest(
            f"查無此機關代碼：{office[:20]!r}", f"No such office in the catalogue: {office[:20]!r}"
        )
    return office


def check_device_number(device: str) -> str:
    if not DEVICE_NUMBER.fullmatch(device or ""):
        raise BadRequest(
            "設備編號須為 01 到 99 的兩位數字", "A device number is two digits, 01 to 99"
        )
    return device


def new_enrol_code(s: Session, office: str, now: datetime, device: str | None = None) -> str:
    """A one-time code for a new device of ``office``, or, with ``device``, one that replaces
    that device's credential (a new PC for the same counter)."""
    check_office_code(office)
    if device is not None:
        check_device_number(device)
        dev = s.get(DeviceRow, f"{office}-{device}")
        if dev is not None and dev.revoked_at is not None:
            raise BadRequest(
                f"設備 {office}-{device} 已撤銷，不能換發", f"Device {office}-{device} is revoked"
            )
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    s.add(
        EnrolCodeRow(
            code_hash=_hash(raw),
            office=office,
            device=device,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    )
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _free_number(s: Session, office: str, wanted: str) -> str:
    taken = set(s.scalars(select(DeviceRow.device).where(DeviceRow.office == office)))
    if DEVICE_NUMBER.fullmatch(wanted) and wanted not in taken:
        return wanted
    for n in range(1, 100):
        if f"{n:02d}" not in taken:
            return f"{n:02d}"
    raise Forbidden("no device number left in this office")


class WrongOffice(Exception):
    """The code was issued for another office than the one the device belongs to."""

    def __init__(self, code_office: str, device_office: str) -> None:
        super().__init__(f"code for {code_office}, device of {device_office}")
        self.code_office, self.device_office = code_office, device_office


def enrol(
    s: Session,
    code: str,
    device: str,
    label: str,
    now: datetime,
    *,
    office: str | None = None,
) -> tuple[DeviceRow, str]:
    """Consumes a one-time code and issues a credential (returned once).

    The device names its office: a code issued for another office is refused before anything
    is written (WrongOffice): the code stays usable and no device is created.

    A plain code enrols a new device: the asked number when it is free, else the next free one
    (the answer says which). A code county IT issued for a named device replaces that device's
    credential. Neither ever takes over another device, lifts a revocation or uses a reserved
    id; every issue is written to the device audit."""
    code_hash = _hash(normalise_code(code))
    row = s.get(EnrolCodeRow, code_hash, with_for_update=True)
    if row is None or row.used_at is not None or aware(row.expires_at) < now:
        raise Forbidden("enrolment code unknown, used or expired")
    if office is not None and office != row.office:
        raise WrongOffice(row.office, office)
    credential = secrets.token_urlsafe(32)
    if row.device is not None:
        key = f"{row.office}-{row.device}"
        dev = s.get(DeviceRow, key, with_for_update=True)
        if dev is not None and dev.revoked_at is not None:
            raise Forbidden("device revoked")
        action = "replaced" if dev is not None else "enrolled"
        number = row.device
    else:
        number = _free_number(s, row.office, device)
        key = f"{row.office}-{number}"
        dev, action = None, "enrolled"
    row.used_at, row.used_by = now, key
    if dev is None:
        dev = DeviceRow(
            device_key=key,
            office=row.office,
            device=number,
            enrolled_at=now,
            credential_hash=_hash(credential),
            label=label,
        )
        s.add(dev)
    else:
        dev.credential_hash, dev.enrolled_at, dev.label = _hash(credential), now, label
        # a new PC for the counter starts its own chain (or goes on from the events it
        # recovered): the next push is taken as the chain's new start
        head = s.get(CountyChainHeadRow, key)
        if head is not None:
            s.delete(head)
    s.add(
        DeviceAuditRow(device_key=key, action=action, at=now, code_ref=code_hash[:8], label=label)
    )
    return dev, credential


def authenticate(s: Session, credential: str | None) -> DeviceRow:
    if not credential:
        raise AuthFailed("missing credential")
    dev = s.scalar(select(DeviceRow).where(DeviceRow.credential_hash == _hash(credential)))
    if dev is None:
        raise AuthFailed("unknown credential")
    if dev.revoked_at is not None:
        raise Forbidden("device revoked")
    return dev


def revoke(s: Session, device_key: str, now: datetime) -> bool:
    dev = s.get(DeviceRow, device_key)
    if dev is None:
        return False
    dev.revoked_at = now
    s.add(DeviceAuditRow(device_key=device_key, action="revoked", at=now))
    lock_feed(s)
    s.add(
        FeedRow(
            office=dev.office,
            kind="revocation",
            source=None,
            created_at=now,
            data={"kind": "device", "device_key": device_key, "at": now.isoformat()},
        )
    )
    return True


# --- keys -----------------------------------------------------------------------------------


def _key_aad(key_id: str) -> str:
    return f"county-key:{key_id}"


def _new_key(s: Session, purpose: str, now: datetime) -> KeyRow:
    """A new Ed25519 key; its private half is stored sealed by the vault, never in clear."""
    private = Ed25519PrivateKey.generate()
    raw_priv = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    raw_pub = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    # pickup key ids follow the token format (derived from the key); receipt ids are readable
    kid = pt.key_id(raw_pub) if purpose == "pickup" else f"re-{now:%Y%m%d}-{secrets.token_hex(3)}"
    return KeyRow(
        key_id=kid,
        purpose=purpose,
        private_key=vault.of(s).seal(raw_priv, _key_aad(kid)),
        public_key=base64.b64encode(raw_pub).decode(),
        created_at=now,
    )


def seal_plain_keys(s: Session) -> int:
    """Seals private keys a build before the vault stored in clear (once, at start)."""
    box = vault.of(s)
    n = 0
    for row in s.scalars(select(KeyRow)):
        if not vault.is_sealed(row.private_key):
            row.private_key = box.seal(base64.b64decode(row.private_key), _key_aad(row.key_id))
            n += 1
    return n


def check_keys_open(s: Session) -> None:
    """Every stored private key opens with this vault (else the vault is not this county's)."""
    box = vault.of(s)
    for row in s.scalars(select(KeyRow)):
        try:
            box.open(row.private_key, _key_aad(row.key_id))
        except (InvalidTag, ValueError):
            raise vault.WrongSecret(f"signing key {row.key_id} does not open") from None


def public_keys(s: Session, purpose: str) -> list[dict[str, Any]]:
    rows = s.scalars(select(KeyRow).where(KeyRow.purpose == purpose).order_by(KeyRow.created_at))
    return [
        {
            "key_id": r.key_id,
            "alg": "Ed25519",
            "public_key": r.public_key,
            "not_before": aware(r.created_at).isoformat(),
            "retired_at": aware(r.retired_at).isoformat() if r.retired_at else None,
        }
        for r in rows
    ]


def pickup_key_document(s: Session, now: datetime) -> dict[str, Any]:
    """The pickup keys in the desk's format (``eservice-pickup-keys/1``, docs/pickup.md). A
    rotated key stays valid for the lifetime of the codes it already signed."""
    keys = []
    for r in s.scalars(
        select(KeyRow).where(KeyRow.purpose == "pickup").order_by(KeyRow.created_at)
    ):
        keys.append(
            pt.key_entry(
                pt.CountyKey(
                    kid=r.key_id,
                    public_key=base64.b64decode(r.public_key),
                    not_before=aware(r.created_at).replace(microsecond=0),
                    not_after=(aware(r.retired_at) + PICKUP_VALID).replace(microsecond=0)
                    if r.retired_at
                    else None,
                )
            )
        )
    return {
        "format": pt.KEY_DOCUMENT_FORMAT,
        "issuer": "county",
        "issued_at": now.isoformat(),
        "keys": keys,
    }


def rotate_keys(
    s: Session, now: datetime, purposes: tuple[str, ...] = ("receipt", "pickup")
) -> list[str]:
    """New signing keys; old ones are retired but stay published. Offices learn by pull."""
    lock_feed(s)
    created = []
    for purpose in purposes:
        for old in s.scalars(
            select(KeyRow).where(KeyRow.purpose == purpose, KeyRow.retired_at.is_(None))
        ):
            old.retired_at = now
        key = _new_key(s, purpose, now)
        s.add(key)
        s.flush()
        created.append(key.key_id)
        if purpose == "receipt":
            kind, data = "county_keys", {"purpose": purpose, "keys": public_keys(s, purpose)}
        else:
            kind, data = "pickup_keys", pickup_key_document(s, now)
        s.add(FeedRow(office=None, kind=kind, source=None, created_at=now, data=data))
    return created


def ensure_keys(s: Session, now: datetime) -> None:
    missing = tuple(
        p
        for p in ("receipt", "pickup")
        if s.scalar(select(KeyRow.key_id).where(KeyRow.purpose == p, KeyRow.retired_at.is_(None)))
        is None
    )
    if missing:
        rotate_keys(s, now, missing)


def signing_key(s: Session, purpose: str) -> tuple[str, Ed25519PrivateKey]:
    row = s.scalar(
        select(KeyRow)
        .where(KeyRow.purpose == purpose, KeyRow.retired_at.is_(None))
        .order_by(KeyRow.created_at.desc())
        .limit(1)
    )
    if row is None:
        raise RuntimeError(f"no {purpose} key: run `eservice-county-server keys rotate`")
    raw = vault.of(s).open(row.private_key, _key_aad(row.key_id))
    return row.key_id, Ed25519PrivateKey.from_private_bytes(raw)


# --- push -----------------------------------------------------------------------------------


def _load_states(
    s: Session, case_ids: set[str]
) -> tuple[dict[str, CaseState], dict[str, list[dict[str, Any]]]]:
    states: dict[str, CaseState] = {}
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not case_ids:
        return states, history
    rows = s.execute(
        _with_chain(select(CountyEventRow))
        .where(among(s, CountyEventRow.case_id, case_ids))
        .order_by(CountyEventRow.seq)
    )
    for r, prev, hash_ in rows:
        e = event_of(r, prev, hash_)
        states[r.case_id] = apply(states.get(r.case_id), e)
        history[r.case_id].append(e.to_dict())
    return states, history


def _with_chain(stmt: Any) -> Any:
    """The statement with each event's chain link (NULL for events pushed before the chain)."""
    return stmt.add_columns(CountyChainRow.prev, CountyChainRow.hash).outerjoin(
        CountyChainRow, CountyChainRow.event_id == CountyEventRow.event_id
    )


class _DeviceChain:
    """The pushing device's hash chain (domain/chain.py) as the county last accepted it.

    Each pushed event must carry its hash over its own content and follow the device's previous
    event; an event that does not is refused as a conflict the office sees (``chain.edited``,
    ``chain.broken``, ``chain.missing``). The chain goes on from the refused event's hash, so
    one tampered row is refused, not every event after it. A device whose earlier events came
    without a chain (a build before it) starts its chain at its first chained event.

    The batch moves the head in plain values (one pass over its links); :meth:`save` writes it
    once, at the end of the push (its row stays locked from the first read on)."""

    def __init__(self, s: Session, dev: DeviceRow, now: datetime) -> None:
        self.s, self.dev, self.now = s, dev, now
        self.row = s.get(CountyChainHeadRow, dev.device_key, with_for_update=True)
        self.hash: str | None = None if self.row is None else self.row.hash
        self.event_id = "" if self.row is None else self.row.event_id
        self.length = 0 if self.row is None else self.row.length
        self.moved = False
        self.skipped: set[str] = set()

    def _has_history(self) -> bool:
        return (
            self.s.scalar(
                select(CountyEventRow.seq)
                .where(
                    CountyEventRow.office == self.dev.office,
                    CountyEventRow.device == self.dev.device,
                )
                .limit(1)
            )
            is not None
        )

    def skip(self, gap: ChainGap) -> None:
        """An event the office set aside: the chain goes on over its link (its content never
        reaches the county; the office keeps it as a conflict of its own)."""
        if gap.event_id in self.skipped or self.s.get(CountyChainRow, gap.event_id) is not None:
            return  # a push sent again
        self.skipped.add(gap.event_id)
        self.s.add(CountyChainRow(event_id=gap.event_id, prev=gap.prev, hash=gap.hash))
        self._advance(gap.event_id, gap.hash)

    def _advance(self, event_id: str, hash_: str) -> None:
        self.hash, self.event_id = hash_, event_id
        self.length += 1
        self.moved = True

    def take(self, e: Event) -> DomainError | None:
        """Checks the event's link and moves the head onto it; the refusal, if any."""
        if e.hash is None or e.prev is None:
            return CHAIN_MISSING if self.hash is not None else None
        error: DomainError | None = None
        if self.hash is not None:
            want: str | None = self.hash
        else:
            want = None if self._has_history() else chain.GENESIS
        if want is not None and e.prev != want:
            error = CHAIN_BROKEN
        elif chain.event_hash(e, e.prev) != e.hash:
            error = CHAIN_EDITED
        self._advance(e.event_id, e.hash)
        return error

    def save(self) -> None:
        """Writes the head where the batch left it (nothing when no link moved it)."""
        if not self.moved or self.hash is None:
            return
        if self.row is None:
            self.row = CountyChainHeadRow(
                device_key=self.dev.device_key,
                hash=self.hash,
                event_id=self.event_id,
                length=self.length,
                updated_at=self.now,
            )
            self.s.add(self.row)
        else:
            self.row.hash, self.row.event_id = self.hash, self.event_id
            self.row.length, self.row.updated_at = self.length, self.now
        self.moved = False


@dataclass
class _Batch:
    """One push as it is checked and folded in memory: what the county knew before it (loaded
    in one query each) and the rows it will write (one multi-row insert each)."""

    dev: DeviceRow
    now: datetime
    known: set[str]
    foreign: set[str]
    old_conflicts: dict[str, ConflictRow]
    numbers_taken: dict[str, str]
    states: dict[str, CaseState]
    history: dict[str, list[dict[str, Any]]]
    routes: dict[str, set[str]]
    results: list[PushResult] = field(default_factory=list)
    event_rows: list[dict[str, Any]] = field(default_factory=list)
    chain_rows: list[dict[str, Any]] = field(default_factory=list)
    feed_rows: list[dict[str, Any]] = field(default_factory=list)
    route_rows: list[dict[str, Any]] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    closed_now: list[str] = field(default_factory=list)


def push(
    s: Session,
    dev: DeviceRow,
    events: list[WireEvent],
    now: datetime,
    gaps: Sequence[ChainGap] = (),
) -> PushResponse:
    """Appends what is new, answers duplicates and conflicts; idempotent by event id.
    ``gaps`` are the chain links of events the office set aside (their place in ``events``).

    Set-based: every case state, route and known id the batch needs is loaded in one query
    each, each event is checked and folded in memory, and the batch is written with one
    multi-row insert per table, in the caller's one transaction."""
    _check_sender(dev, events)
    lock_feed(s)
    batch = _load_batch(s, dev, events, now)
    device_chain = _DeviceChain(s, dev, now)
    gap_at = _gaps_by_position(events, gaps)
    for i, w in enumerate(events):
        for g in gap_at.pop(i, ()):
            device_chain.skip(g)
        answer = _answer_known(batch, w)
        if answer is not None:
            batch.results.append(answer)
            continue
        batch.seen.add(w.event_id)
        _take_event(s, batch, device_chain, w.to_event())
    for rest in gap_at.values():
        for g in rest:
            device_chain.skip(g)
    device_chain.save()
    _make_ready(s, batch)
    _write_batch(s, batch)
    receipts = _update_cases(s, batch.states, batch.touched, now)
    reports.project_facts(s, batch.states, batch.touched)
    dev.last_seen_at = now
    # its parts are models made (and checked) above: not walked again, result by result
    return PushResponse.model_construct(results=batch.results, receipts=receipts, server_time=now)


def _check_sender(dev: DeviceRow, events: list[WireEvent]) -> None:
    for w in events:
        if w.office != dev.office or w.device != dev.device:
            raise Forbidden("events must come from the pushing device")


def _load_batch(s: Session, dev: DeviceRow, events: list[WireEvent], now: datetime) -> _Batch:
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
    states, history = _load_states(s, case_ids)
    routes: dict[str, set[str]] = defaultdict(set)
    for case_id, office in s.execute(
        select(RouteRow.case_id, RouteRow.office).where(among(s, RouteRow.case_id, case_ids))
    ):
        routes[case_id].add(office)
    return _Batch(
        dev=dev,
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


def _answer_known(batch: _Batch, w: WireEvent) -> PushResult | None:
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
        return PushResult(event_id=w.event_id, status="duplicate")
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


def _take_event(s: Session, batch: _Batch, device_chain: _DeviceChain, e: Event) -> None:
    """Checks one new event and folds it: accepted (rows queued) or refused (a conflict)."""
    before = batch.states.get(e.case_id)
    try:
        after = _checked_fold(batch, device_chain, e, before)
    except (DomainError, KeyError, ValueError, TypeError) as err:
        batch.results.append(_refuse(s, batch, e, err))
        return
    _accept(s, batch, e, before, after)
    batch.results.append(PushResult(event_id=e.event_id, status="accepted"))


def _checked_fold(
    batch: _Batch, device_chain: _DeviceChain, e: Event, before: CaseState | None
) -> CaseState:
    """Every check the county makes of a new event (chain, values, office scope, new case,
    known offices, the case's rules); the case's state after it."""
    broken = device_chain.take(e)
    if broken is not None:
        raise broken
    # the same value rules as every office: what one office cannot apply is refused. The
    # envelope's (ids, office, device, clerk, time, type) are the wire model's own field checks,
    # run on this very event at the door: the payload's rules are what is left to run
    check_payload(e)
    if before is not None and batch.dev.office not in batch.routes[e.case_id]:
        raise NOT_ROUTED
    if e.type == ev.RECEIVED and before is None:
        _check_new_case(e, batch.numbers_taken)
    office_to = e.payload.get("office") if e.type == ev.READY_FOR_PICKUP else None
    if office_to and known_offices() and office_to not in known_offices():
        raise UNKNOWN_OFFICE
    # an office re-announcing readiness of a case the county already made ready (its own
    # code, e.g. demo data) says the same thing: kept, not a conflict
    if not (
        e.type == ev.READY_FOR_PICKUP and before is not None and before.lifecycle == READY_STATE
    ):
        check(before, e)
    return apply(before, e)


def _refuse(s: Session, batch: _Batch, e: Event, err: Exception) -> PushResult:
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


def _accept(
    s: Session, batch: _Batch, e: Event, before: CaseState | None, after: CaseState
) -> None:
    """Queues an accepted event's rows (event, chain link, routes, feed), its notices."""
    batch.states[e.case_id] = after
    batch.touched.add(e.case_id)
    if e.type == ev.RECEIVED:
        batch.numbers_taken[after.case_number] = e.case_id
    batch.event_rows.append(event_row(e, batch.now))
    if e.hash is not None and e.prev is not None:
        batch.chain_rows.append({"event_id": e.event_id, "prev": e.prev, "hash": e.hash})
    _route(batch, e, after, batch.dev.device_key)
    if e.type == ev.NOTICE_RESEND_REQUESTED:
        notice_outcomes.resend(s, e.case_id, str(e.payload["stage"]), batch.now)
    if not (before is not None and before.lifecycle == READY_STATE):
        messages = notify.messages_for(before, after, e, notify.county_catalogue(s))
        notify.queue(s, e, messages, batch.now)
    if e.type in (ev.CLOSED, ev.PAYMENT_RECORDED, ev.FEE_ASSESSED) and (
        e.case_id not in batch.closed_now
    ):
        # closed now, or a closed case whose fees were settled now (paid or exempted)
        batch.closed_now.append(e.case_id)


def _route(batch: _Batch, e: Event, after: CaseState, source: str | None) -> None:
    """Feed rows of the event for every office the case is routed to; an office that joins
    the case now first gets its earlier history."""
    case_id, now = e.case_id, batch.now
    data = e.to_dict()
    wanted = offices_for(after, e)
    routes = batch.routes[case_id]
    for office in sorted(wanted - routes):
        batch.route_rows.append({"case_id": case_id, "office": office})
        for old in batch.history[case_id]:
            batch.feed_rows.append(
                {
                    "office": office,
                    "kind": "event",
                    "case_id": case_id,
                    "source": f"{old['office']}-{old['device']}",
                    "data": old,
                    "created_at": now,
                }
            )
    routes |= wanted
    for office in sorted(routes):
        batch.feed_rows.append(
            {
                "office": office,
                "kind": "event",
                "case_id": case_id,
                "source": source,
                "data": data,
                "created_at": now,
            }
        )
    batch.history[case_id].append(data)


def _make_ready(s: Session, batch: _Batch) -> None:
    """After the batch, so an office that marks the case ready itself in the same batch wins:
    the county makes every case closed now ready at its pickup office. Nothing leaves the
    office unpaid: a case with a balance due is not made ready, unless a supervisor approved
    closing it with the balance (the handover needs its own approval)."""
    for case_id in batch.closed_now:
        st = batch.states[case_id]
        if st.lifecycle != CLOSED_STATE or st.pickup_method == "mail":
            continue
        if st.balance > 0 and not st.closed_with_balance_approved:
            continue
        ready = _ready_event(s, st, batch.now)
        if ready is None:
            continue
        after = apply(st, ready)
        batch.states[case_id] = after
        batch.event_rows.append(event_row(ready, batch.now))
        _route(batch, ready, after, None)
        messages = notify.messages_for(st, after, ready, notify.county_catalogue(s))
        notify.queue(s, ready, messages, batch.now)


def _write_batch(s: Session, batch: _Batch) -> None:
    """One multi-row insert per table (a chain link stored already is not stored again)."""
    if batch.event_rows:
        insert_rows(s, CountyEventRow, batch.event_rows)
    chain_rows = batch.chain_rows
    if chain_rows:
        have = set(
            s.scalars(
                select(CountyChainRow.event_id).where(
                    among(s, CountyChainRow.event_id, [r["event_id"] for r in chain_rows])
                )
            )
        )
        chain_rows = [r for r in chain_rows if r["event_id"] not in have]
    if chain_rows:
        insert_rows(s, CountyChainRow, chain_rows)
    if batch.route_rows:
        insert_rows(s, RouteRow, batch.route_rows)
    if batch.feed_rows:
        insert_rows(s, FeedRow, batch.feed_rows)


def push_access(
    s: Session, dev: DeviceRow, records: list[WireAccess], now: datetime
) -> AccessPushResponse:
    """Stores the office's access-log records (idempotent by id)."""
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
        rows.append({**r.model_dump(), "received_at": now})
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


@cache
def known_offices() -> frozenset[str]:
    """The offices of the shipped catalogue (empty when it cannot be read: no check)."""
    try:
        data = resources.read_json("catalogue", "offices.json")
        return frozenset(str(o["code"]) for o in data["offices"])
    except (OSError, KeyError, TypeError, ValueError):
        return frozenset()


def _ready_event(s: Session, state: CaseState, now: datetime) -> Event | None:
    """The county makes a closed case ready at its pickup office, with a signed pickup code
    (the MMS carries it; the desk verifies it offline with the synced public keys)."""
    kid, key = signing_key(s, "pickup")
    office = state.pickup_office or state.office
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
            expires_at=issued + PICKUP_VALID,
        )
        token = pt.encode_token(claims, key.sign)
    except (DomainError, ValueError):
        return None  # a case id or number the token format cannot carry: no code
    return Event(
        event_id=str(uuid.uuid4()),
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


def _update_cases(
    s: Session, states: dict[str, CaseState], touched: set[str], now: datetime
) -> list[CountyReceipt]:
    if not touched:
        return []
    key_id, key = signing_key(s, "receipt")
    ids = sorted(c for c in touched if c in states)
    existing = set(
        s.scalars(select(CountyCaseRow.case_id).where(among(s, CountyCaseRow.case_id, ids)))
    )
    new_rows: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    receipts = []
    for case_id in ids:
        st = states[case_id]
        values = {
            "case_id": case_id,
            "status": st.status,
            "event_count": st.event_count,
            "updated_at": now,
            "pickup_office": st.pickup_office,
        }
        if case_id in existing:
            changed.append(values)
        else:
            new_rows.append({**values, "case_number": st.case_number, "office": st.office})
        sig = key.sign(receipt_bytes(case_id, st.case_number, st.office, st.event_count, now))
        receipts.append(
            CountyReceipt(
                case_id=case_id,
                case_number=st.case_number,
                office=st.office,
                events_accepted=st.event_count,
                county_time=now,
                key_id=key_id,
                signature=base64.b64encode(sig).decode(),
            )
        )
    # set-based: one multi-row insert, one executemany update by primary key
    if new_rows:
        insert_rows(s, CountyCaseRow, new_rows)
    if changed:
        s.execute(update(CountyCaseRow), changed)
    return receipts


# --- pull -----------------------------------------------------------------------------------


def case_for_office(s: Session, dev: DeviceRow, case_id: str) -> dict[str, Any] | None:
    """A case's county stream, only when it is routed to the asking office."""
    routed = s.get(RouteRow, (case_id, dev.office))
    if routed is None:
        return None
    row = s.get(CountyCaseRow, case_id)
    evs = s.execute(
        _with_chain(select(CountyEventRow))
        .where(CountyEventRow.case_id == case_id)
        .order_by(CountyEventRow.seq)
    )
    return {
        "case_id": case_id,
        "case_number": row.case_number if row else "",
        "status": row.status if row else "",
        "events": [event_of(r, p, h).to_dict() for r, p, h in evs],
    }


def publish(
    s: Session, kind: str, data: dict[str, Any], now: datetime, office: str | None = None
) -> int:
    """Adds a reference-data change (catalogue, calendar, revocation list) to the feed."""
    lock_feed(s)
    row = FeedRow(office=office, kind=kind, source=None, data=data, created_at=now)
    s.add(row)
    s.flush()
    return row.seq


# --- attachments ----------------------------------------------------------------------------


def _att_state(row: AttachmentRow) -> AttachmentState:
    return AttachmentState(
        sha256=row.sha256,
        size=row.size,
        received=row.received,
        complete=row.complete,
        case_id=row.case_id,
    )


def attachment_start(
    s: Session,
    dev: DeviceRow,
    sha256: str,
    *,
    size: int,
    case_id: str | None,
    media_type: str,
    now: datetime,
) -> AttachmentState:
    row = s.get(AttachmentRow, (dev.office, sha256), with_for_update=True)
    if row is None:
        row = AttachmentRow(
            sha256=sha256,
            size=size,
            received=0,
            complete=False,
            office=dev.office,
            case_id=case_id,
            media_type=media_type,
            created_at=now,
        )
        s.add(row)
    elif row.size != size and not row.complete:
        raise ValueError("size differs from the upload already started")
    return _att_state(row)


def attachment_get(s: Session, dev: DeviceRow, sha256: str) -> AttachmentState | None:
    row = s.get(AttachmentRow, (dev.office, sha256))
    return None if row is None else _att_state(row)


def attachment_chunk(
    s: Session, dev: DeviceRow, sha256: str, offset: int, data: bytes
) -> AttachmentState | None:
    """Accepts the chunk that continues the upload; a repeated chunk is ignored. The content
    hash is verified when the last byte arrives; a mismatch restarts the upload."""
    row = s.get(AttachmentRow, (dev.office, sha256), with_for_update=True)
    if row is None:
        return None
    if row.complete or offset + len(data) <= row.received:
        return _att_state(row)
    if offset != row.received or offset + len(data) > row.size:
        raise ValueError(f"expected offset {row.received}")
    s.add(AttachmentChunkRow(office=dev.office, sha256=sha256, offset=offset, data=data))
    row.received += len(data)
    if row.received == row.size:
        digest = hashlib.sha256()
        for chunk in s.scalars(
            select(AttachmentChunkRow.data)
            .where(AttachmentChunkRow.office == dev.office, AttachmentChunkRow.sha256 == sha256)
            .order_by(AttachmentChunkRow.offset)
        ):
            digest.update(chunk)
        if digest.hexdigest() != sha256:
            s.query(AttachmentChunkRow).filter(
                AttachmentChunkRow.office == dev.office, AttachmentChunkRow.sha256 == sha256
            ).delete()
            row.received = 0
            raise ValueError("content does not match its SHA-256")
        row.complete = True
    return _att_state(row)


# --- statistics -----------------------------------------------------------------------------


@dataclass
class Stats:
    offices: dict[str, dict[str, int]]
    events: int
    cases: int
    conflicts: int
    notifications: dict[str, int]
    feed_high: int

    def to_json(self) -> dict[str, Any]:
        return {
            "offices": self.offices,
            "events": self.events,
            "cases": self.cases,
            "conflicts": self.conflicts,
            "notifications": self.notifications,
            "feed_high": self.feed_high,
        }


def stats(s: Session) -> Stats:
    offices: dict[str, dict[str, int]] = defaultdict(
        lambda: {"events": 0, "cases": 0, "conflicts": 0}
    )
    for office, n in s.execute(
        select(CountyEventRow.office, func.count()).group_by(CountyEventRow.office)
    ):
        offices[office]["events"] = int(n)
    for office, n in s.execute(
        select(CountyCaseRow.office, func.count()).group_by(CountyCaseRow.office)
    ):
        offices[office]["cases"] = int(n)
    for office, n in s.execute(
        select(ConflictRow.office, func.count()).group_by(ConflictRow.office)
    ):
        offices[office]["conflicts"] = int(n)
    notes = {
        str(k): int(v)
        for k, v in s.execute(
            select(NotificationRow.status, func.count()).group_by(NotificationRow.status)
        )
    }
    return Stats(
        offices=dict(sorted(offices.items())),
        events=sum(o["events"] for o in offices.values()),
        cases=sum(o["cases"] for o in offices.values()),
        conflicts=sum(o["conflicts"] for o in offices.values()),
        notifications=notes,
        feed_high=int(s.scalar(select(func.max(FeedRow.seq))) or 0),
    )
