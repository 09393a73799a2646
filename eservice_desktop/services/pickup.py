"""The MMS pickup desk: verify a scanned code offline and hand the documents over once.

Every check runs against this office's own database and the county keys already synced, so the
desk keeps working with the network down. The handover writes the ``case.picked_up`` event and
the ``pickup_consumed`` row in ONE transaction (SQLite ``BEGIN IMMEDIATE`` queues the second
desk; the UNIQUE constraints stop it if anything else slipped through), so a code hands the
documents over exactly once however many desks scan it.

Refusals come back as a :class:`PickupResult` with ``ok=False``, a stable ``reason`` code and a
zh-TW/English message that says what happened and what to do, never as an exception: the desk
shows them, it does not crash on them.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import literal_column, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eservice_desktop.county_link import pickup_crypto
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import (
    APPROVE_HANDOVER_WITH_BALANCE,
    PICKED_UP,
    READY,
    CaseState,
    fees_due_error,
)
from eservice_desktop.domain.case import FEES_DUE as _FEES_DUE
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import classify_applicant_id, mask_id, mask_name
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.services import access
from eservice_desktop.services.approvals import Approval, append_approved, grant
from eservice_desktop.services.cases import append, record, resolve_case_id
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.pickup_keys import (
    county_keys,
)
from eservice_desktop.services.projections import token_digest
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import PICKUP_NUMBER_SQL, READY_STATUS, CaseRow, EventRow
from eservice_desktop.storage.models_pickup import CountyKeyRow, PickupConsumedRow

log = logging.getLogger("eservice.pickup")

TAIPEI = ZoneInfo("Asia/Taipei")

NOT_SYNCED = "not_synced"
NOT_READY = "not_ready"
ALREADY_PICKED_UP = "already_picked_up"
CASE_MISMATCH = "case_mismatch"
FEES_DUE = _FEES_DUE
UNKNOWN_SHORT_CODE = "unknown_short_code"
SHORT_CODE_LOCKED = "short_code_locked"

#: Wrong short codes a desk accepts within SHORT_CODE_WINDOW before it asks for the QR code.
SHORT_CODE_TRIES = 5
SHORT_CODE_WINDOW = timedelta(minutes=1)

#: How long a demo code stays valid.
DEMO_VALID_DAYS = 30


@dataclass(frozen=True)
class PickupCaseView:
    """What the desk shows of a case: enough to hand over, no full ID number."""

    case_id: str
    case_number: str
    service_code: str
    service_name: str
    applicant_name: str
    applicant_id_masked: str
    status: str
    status_label: str
    pickup_office: str
    pickup_number: str
    ready_at: str | None
    documents: list[dict[str, Any]]
    fees_due: int
    paid: int
    balance: int
    picked_up_at: str | None = None
    #: Conflicts the county reported by sync and nobody resolved yet (shown as a warning).
    open_conflicts: int = 0


@dataclass(frozen=True)
class PickupResult:
    """Outcome of a scan or a handover; ``reason`` is ``ok`` when nothing was refused."""

    ok: bool
    reason: str
    message_zh: str
    message_en: str
    case_number: str | None = None
    case: PickupCaseView | None = None
    details: dict[str, str] = field(default_factory=dict)
    handed_over: bool = False
    event_id: str | None = None
    via: str = ""

    def message(self, lang: str) -> str:
        return self.message_zh if lang.lower().startswith("zh") else self.message_en

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- views


def _office_name(app: App, code: str) -> str:
    try:
        return app.catalogue.office(code).name
    except DomainError:
        return code


def roc_date(t: datetime) -> str:
    return format_roc(t.astimezone(TAIPEI).date(), "long")


def roc_datetime(t: datetime) -> str:
    local = t.astimezone(TAIPEI)
    return f"{format_roc(local.date(), 'long')} {local:%H:%M}"


def _documents(app: App, state: CaseState) -> list[dict[str, Any]]:
    try:
        service = app.catalogue.service(state.service_code)
    except DomainError:
        return [{"name": state.service_code, "copies": state.copies}]
    if service.fee_items:
        return [{"name": item.name, "copies": state.copies} for item in service.fee_items]
    return [{"name": service.name, "copies": state.copies}]


def case_view(app: App, state: CaseState) -> PickupCaseView:
    service_name = app.catalogue.service_name(state.service_code)
    return PickupCaseView(
        case_id=state.case_id,
        case_number=state.case_number,
        service_code=state.service_code,
        service_name=service_name,
        applicant_name=state.applicant_name,
        applicant_id_masked=mask_id(state.applicant_id),
        status=state.status,
        status_label=state.status_label(app.settings.lang),
        pickup_office=state.pickup_office,
        pickup_number=state.pickup_number,
        ready_at=state.ready_at.isoformat() if state.ready_at else None,
        documents=_documents(app, state),
        fees_due=state.fees_due,
        paid=state.paid,
        balance=state.balance,
        picked_up_at=state.picked_up_at.isoformat() if state.picked_up_at else None,
        open_conflicts=len(state.open_conflicts),
    )


@dataclass(frozen=True)
class ReadyRow:
    case_number: str
    pickup_number: str
    service_name: str
    applicant_name_masked: str
    applicant_id_masked: str
    balance: int
    updated_at: str
    service_code: str = ""


def ready_cases(app: App, limit: int = 500) -> list[ReadyRow]:
    """Cases waiting for pickup at this office, oldest first (straight from the projection)."""
    require(app, Action.VIEW_CASE)
    stmt = (
        select(CaseRow)
        .where(CaseRow.pickup_office == app.settings.office_code, CaseRow.status == READY)
        .order_by(CaseRow.updated_at, CaseRow.case_number)
        .limit(limit)
    )
    out: list[ReadyRow] = []
    with app.reading() as s:
        for r in s.scalars(stmt):
            service_name = app.catalogue.service_name(r.service_code)
            out.append(
                ReadyRow(
                    case_number=r.case_number,
                    pickup_number=str((r.state or {}).get("pickup_number", "")),
                    service_name=service_name,
                    applicant_name_masked=mask_name(r.applicant_name),
                    applicant_id_masked=mask_id(r.applicant_id),
                    balance=r.fees_due - r.paid,
                    updated_at=r.updated_at.isoformat() if r.updated_at else "",
                    service_code=r.service_code,
                )
            )
    return out


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class _Checked:
    token: str
    claims: pt.PickupClaims
    state: CaseState
    via: str


def _refuse(
    reason: str, zh: str, en: str, details: dict[str, str] | None = None
) -> pt.PickupRefused:
    return pt.PickupRefused(reason, zh, en, details)


def _ready_token(session: Session, case_id: str) -> str | None:
    """The code the county delivered with the case's latest ready-for-pickup event, if any."""
    token = None
    for e in repo.events_for(session, case_id):
        if e.type == ev.READY_FOR_PICKUP:
            token = e.payload.get("token")
    return str(token) if token else None


def _from_short_code(app: App, session: Session, number: str, code: str) -> str:
    """Finds the ready case at this office whose code has this short form."""
    # Spelled as ix_cases_ready_pickup_number is (literal status, same expression), so SQLite
    # reads the few ready cases sharing this pickup number instead of every ready case.
    candidates = session.scalars(
        select(CaseRow.case_id).where(
            CaseRow.pickup_office == app.settings.office_code,
            CaseRow.status == literal_column(f"'{READY_STATUS}'"),
            literal_column(PICKUP_NUMBER_SQL) == number,
        )
    ).all()
    # The latest code each candidate was made ready with, in one read of their events.
    latest: dict[str, str] = {}
    for cid, event_payload in session.execute(
        select(EventRow.case_id, EventRow.payload)
        .where(EventRow.case_id.in_(candidates), EventRow.type == ev.READY_FOR_PICKUP)
        .order_by(EventRow.seq)
    ):
        latest[cid] = event_payload.get("token") or ""
    for cid in candidates:
        token = latest.get(cid)
        if token:
            try:
                if pt.short_code(token) == code:
                    return token
            except DomainError:
                continue
    raise _refuse(
        UNKNOWN_SHORT_CODE,
        f"本所待領件案件中查無領件號碼 {code}，請再核對，或請民眾出示簡訊條碼。",
        f"No case ready here has the short code {code}; check it or scan the MMS code.",
    )


def _short_code_failures(app: App) -> list[datetime]:
    recent: list[datetime] = app.extras.setdefault("pickup_short_failures", [])
    cutoff = app.now() - SHORT_CODE_WINDOW
    recent[:] = [t for t in recent if t > cutoff]
    return recent


def _short_code_gate(app: App) -> None:
    """After a few wrong short codes in a minute the desk stops guessing games: only the QR
    code (signed, not guessable) or a supervisor helps now."""
    if len(_short_code_failures(app)) >= SHORT_CODE_TRIES:
        log.warning("pickup short codes locked after %d wrong tries", SHORT_CODE_TRIES)
        raise _refuse(
            SHORT_CODE_LOCKED,
            "領件號碼輸入錯誤次數過多，請掃描民眾簡訊中的條碼，或請主管協助；一分鐘後可再輸入。",
            "Too many wrong pickup numbers: scan the code in the citizen's MMS or ask a"
            " supervisor; short codes work again in a minute.",
        )


def _short_code_failed(app: App) -> None:
    _short_code_failures(app).append(app.now())


def _check(app: App, session: Session, payload: str) -> _Checked:
    """Every refusal a code can earn, in the order a clerk needs them. Raises PickupRefused."""
    via = "qr"
    short = pt.parse_short_code(payload)
    if short is not None:
        _short_code_gate(app)
        try:
            payload = _from_short_code(app, session, short[0], short[1])
        except pt.PickupRefused:
            _short_code_failed(app)
            raise
        via = "short"
    office = app.settings.office_code
    claims = pt.verify_token(
        payload,
        county_keys(session),
        pickup_crypto.verify_ed25519,
        now=app.now(),
        office=office,
        office_name=lambda code: _office_name(app, code),
        accept_demo=app.settings.demo,
        format_date=roc_date,
    )
    state = repo.load_state(session, claims.case_id)
    if state is None:
        raise _refuse(
            NOT_SYNCED,
            f"本機尚無案件 {claims.case_number} 的資料（可能尚未同步）。網路正常時可線上查詢，"
            "或請民眾稍候再試。",
            f"Case {claims.case_number} is not on this desk yet (not synced); look it up online"
            " when the network is up, or try again shortly.",
            {"case_number": claims.case_number},
        )
    if state.case_number != claims.case_number:
        raise _refuse(
            CASE_MISMATCH,
            "條碼內容與本機案件資料不符，請勿交付文件，並請洽承辦人員。",
            "The code does not match this desk's record of the case. Do not hand over.",
            {"case_number": claims.case_number},
        )
    if state.lifecycle == PICKED_UP:
        raise _already(app, state)
    if state.lifecycle != READY:
        raise _refuse(
            NOT_READY,
            f"案件 {state.case_number} 目前為「{state.status_label('zh_TW')}」，尚未可領件，"
            "請民眾待收到領件通知後再來。",
            f"Case {state.case_number} is '{state.status_label('en')}', not ready for pickup yet.",
            {"case_number": state.case_number, "status": state.status},
        )
    if state.pickup_office and state.pickup_office != office:
        raise _refuse(
            pt.WRONG_OFFICE,
            f"此案件已改為於「{_office_name(app, state.pickup_office)}」領件，請民眾前往該所。",
            f"This case is now to be collected at {state.pickup_office}.",
            {"office": state.pickup_office, "case_number": state.case_number},
        )
    if state.pickup_number and state.pickup_number != claims.pickup_number:
        raise _refuse(
            CASE_MISMATCH,
            "此條碼已被新的領件通知取代，請民眾出示最新的簡訊。",
            "This code was replaced by a newer pickup notice; ask for the latest MMS.",
            {"case_number": state.case_number},
        )
    return _Checked(payload, claims, state, via)


def _already(app: App, state: CaseState) -> pt.PickupRefused:
    at = state.picked_up_at
    where = _office_name(app, state.picked_up_office) if state.picked_up_office else ""
    when_zh = roc_datetime(at) if at else "（時間不明）"
    when_en = at.astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M") if at else "(unknown time)"
    return _refuse(
        ALREADY_PICKED_UP,
        f"案件 {state.case_number} 的文件已於 {when_zh} 在{where}第 {state.picked_up_device} 號"
        "櫃檯領取，不可重複交付。如有疑義請洽主管。",
        f"Case {state.case_number} was already collected on {when_en} at {state.picked_up_office}"
        f" desk {state.picked_up_device}. Do not hand over again.",
        {
            "case_number": state.case_number,
            "picked_up_at": at.isoformat() if at else "",
            "office": state.picked_up_office,
            "device": state.picked_up_device,
        },
    )


def _refused(app: App, session: Session | None, e: pt.PickupRefused) -> PickupResult:
    number = e.details.get("case_number")
    view = None
    if number and session is not None:
        case_id = repo.case_id_by_number(session, number)
        st = repo.load_state(session, case_id) if case_id else None
        view = case_view(app, st) if st else None
    return PickupResult(
        ok=False,
        reason=e.reason,
        message_zh=e.message_zh,
        message_en=e.message_en,
        case_number=number,
        case=view,
        details=dict(e.details),
    )


def verify(app: App, payload: str) -> PickupResult:
    """Scan → everything the desk must know before handing over; writes nothing."""
    require(app, Action.HANDOVER)
    with app.reading() as s:
        try:
            c = _check(app, s, payload)
        except pt.PickupRefused as e:
            return _refused(app, s, e)
        view = case_view(app, c.state)
    if view.balance > 0:
        return _fees_due(app, c.state, c.via)
    return PickupResult(
        ok=True,
        reason="ok",
        message_zh=f"條碼有效：案件 {view.case_number}，請核對後交付文件。",
        message_en=f"Valid code for case {view.case_number}; check and hand over.",
        case_number=view.case_number,
        case=view,
        via=c.via,
    )


def _fees_due(app: App, state: CaseState, via: str) -> PickupResult:
    """Nothing leaves the office unpaid: the amount and the way to pay (F6 opens the payment page
    for the case on the desk)."""
    e = fees_due_error(state.balance, ev.PICKED_UP)
    return PickupResult(
        ok=False,
        reason=FEES_DUE,
        message_zh=e.message_zh,
        message_en=e.message_en,
        case_number=state.case_number,
        case=case_view(app, state),
        details={"case_number": state.case_number, "amount": str(state.balance)},
        via=via,
    )


def validate_collector(collected_by: Mapping[str, Any] | None) -> dict[str, Any]:
    """``None`` = the applicant in person; otherwise a person with a name and a valid ID."""
    if not collected_by:
        return {"self": True}
    name = str(collected_by.get("name", "")).strip()
    if not name:
        raise DomainError(
            "pickup.collector_name", "請填寫代領人姓名", "Enter the collector's name", "name"
        )
    kind, id_type, value = classify_applicant_id(str(collected_by.get("id", "")), field="id")
    if kind != "person":
        raise DomainError(
            "pickup.collector_id",
            "代領人須以身分證字號或居留證號登錄",
            "The collector must be a person (national ID or resident number)",
            "id",
        )
    out: dict[str, Any] = {"self": False, "name": name, "id_type": id_type, "id": value}
    relation = str(collected_by.get("relation", "")).strip()
    if relation:
        out["relation"] = relation
    return out


def handover(
    app: App,
    payload: str,
    collected_by: Mapping[str, Any] | None = None,
    *,
    approval: Approval | None = None,
) -> PickupResult:
    """Verifies again inside the write transaction and records the pickup once.

    ``collected_by`` is None for the applicant in person, or ``{"name", "id", "relation"?}`` for
    someone collecting on their behalf (ID validated). Raises DomainError only for a bad
    collector entry or a refused ``approval``; every refusal of the code itself is a result.
    With fees still due the result is ``fees_due`` unless a supervisor approved handing over
    anyway (``approval``, recorded just before the handover; ignored when nothing is due)."""
    require(app, Action.HANDOVER)
    by = validate_collector(collected_by)
    granted = None
    if approval is not None:
        granted = grant(app, approval, APPROVE_HANDOVER_WITH_BALANCE)
    try:
        with app.transaction() as s:
            try:
                c = _check(app, s, payload)
            except pt.PickupRefused as e:
                return _refused(app, s, e)
            if c.state.balance <= 0:
                granted = None
            elif granted is None:
                return _fees_due(app, c.state, c.via)
            else:
                granted = replace(granted, target=c.state.case_number)
            event = app.actor.event(
                c.state.case_id,
                ev.PICKED_UP,
                app.now(),
                {
                    "by": by,
                    "via": c.via,
                    "kid": c.claims.kid,
                    "token_sha256": token_digest(c.token),
                },
            )
            # the ingest writes the pickup_consumed row (unique per code and per case)
            new = append_approved(app, s, c.state, event, granted)
            event_id = event.event_id
            view = case_view(app, new)
    except IntegrityError:
        # Another desk consumed the code between our check and our insert.
        with app.reading() as s:
            try:
                _check(app, s, payload)
            except pt.PickupRefused as e:
                return _refused(app, s, e)
        raise
    log.info("pickup handed over (via %s)", c.via)
    return PickupResult(
        ok=True,
        reason="ok",
        message_zh=f"已完成交付：案件 {view.case_number}。",
        message_en=f"Handed over: case {view.case_number}.",
        case_number=view.case_number,
        case=view,
        handed_over=True,
        event_id=event_id,
        via=c.via,
    )


def pickup_record(app: App, case_number: str) -> dict[str, Any]:
    """What the pickup slip prints about a handed-over case."""
    require(app, Action.VIEW_CASE)
    with app.reading() as s:
        case_id = resolve_case_id(s, case_number)
        state = repo.load_state(s, case_id)
        consumed = s.scalar(select(PickupConsumedRow).where(PickupConsumedRow.case_id == case_id))
    assert state is not None
    if state.lifecycle != PICKED_UP or state.picked_up_at is None:
        raise DomainError("pickup.not_picked_up", "本案尚未領件", "Not picked up yet")
    access.record(
        app, access.PRINT, case_id=case_id, case_number=state.case_number, detail="pickup slip"
    )
    return {
        "case": case_view(app, state),
        "office_name": _office_name(app, state.picked_up_office),
        "picked_up_at": state.picked_up_at,
        "device": state.picked_up_device,
        "clerk": consumed.clerk if consumed else "",
        "by": dict(state.picked_up_by),
        "via": consumed.via if consumed else "",
    }


# --------------------------------------------------------------------------- issuing (demo)


def _require_demo(app: App) -> None:
    if not app.settings.demo:
        raise DomainError(
            "pickup.demo_only",
            "僅示範模式可在本機簽發領件條碼（正式條碼由縣府簽發）",
            "Codes can be issued here only in demo mode; real codes come from the county",
        )


def ensure_demo_key(app: App) -> pt.CountyKey:
    """The demo county key (private half in DATA_DIR/demo-county-key.pem), public half imported
    as a demo key. Only ever called for demo data."""
    private = pickup_crypto.demo_key(app.settings.data_dir)
    public = pickup_crypto.public_bytes(private)
    key = pt.CountyKey(
        kid=pt.key_id(public),
        public_key=public,
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
        demo=True,
    )
    with app.transaction() as s:
        if s.get(CountyKeyRow, key.kid) is None:
            s.add(
                CountyKeyRow(
                    kid=key.kid,
                    alg="Ed25519",
                    public_key=public,
                    not_before=key.not_before,
                    demo=True,
                    imported_at=app.now(),
                )
            )
    return key


def _sign_for(app: App, state: CaseState, pickup_number: str, office: str) -> str:
    key = ensure_demo_key(app)
    private = pickup_crypto.demo_key(app.settings.data_dir)
    now = app.now().replace(microsecond=0)
    claims = pt.PickupClaims(
        kid=key.kid,
        case_id=state.case_id,
        case_number=state.case_number,
        office=office,
        pickup_number=pickup_number,
        issued_at=now,
        expires_at=now + timedelta(days=DEMO_VALID_DAYS),
    )
    return pt.encode_token(claims, private.sign)


def issue_demo(app: App, case_number: str, rng: random.Random | None = None) -> dict[str, Any]:
    """Demo county: signs a code for a ready case (or makes a closed case ready with one)."""
    _require_demo(app)
    return _issue(app, case_number, rng or random.Random())


def _issue(app: App, case_number: str, rng: random.Random) -> dict[str, Any]:
    with app.reading() as s:
        case_id = resolve_case_id(s, case_number)
        state = repo.load_state(s, case_id)
        stored = _ready_token(s, case_id)
    assert state is not None
    if state.lifecycle == READY and stored:
        token = stored
    elif state.lifecycle == READY:
        token = _sign_for(app, state, state.pickup_number or "0000", state.pickup_office)
    else:
        number = f"{rng.randint(0, 9999):04d}"
        office = app.settings.office_code
        token = _sign_for(app, state, number, office)
        with app.transaction() as s:
            record(
                app,
                s,
                case_id,
                ev.READY_FOR_PICKUP,
                {"office": office, "pickup_number": number, "token": token},
            )
    claims = pt.parse_claims(pt.token_bytes(token))
    return {
        "case_number": state.case_number,
        "payload": token,
        "short_code": pt.short_code(token),
        "office": claims.office,
        "office_name": _office_name(app, claims.office),
        "pickup_number": claims.pickup_number,
        "issued_at": claims.issued_at.isoformat(),
        "expires_at": claims.expires_at.isoformat(),
        "kid": claims.kid,
        "demo": True,
    }


def seed_pickup_demo(app: App, count: int, seed: int | None = None) -> int:
    """Makes up to ``count`` closed cases of this office ready for pickup here with demo codes."""
    if count <= 0:
        return 0
    rng = random.Random(seed)
    with app.reading() as s:
        numbers = s.scalars(
            select(CaseRow.case_number)
            .where(CaseRow.status == "closed", CaseRow.office == app.settings.office_code)
            .order_by(CaseRow.closed_at.desc())
            .limit(count)
        ).all()
    for number in numbers:
        _issue(app, number, rng)
    return len(numbers)


def stored_token(app: App, case_number: str) -> str | None:
    require(app, Action.HANDOVER)
    with app.reading() as s:
        return _ready_token(s, resolve_case_id(s, case_number))


def slip_fields(rec: Mapping[str, Any]) -> dict[str, Any]:
    """Plain values for printing/pickup_slip.render_pickup_slip (IDs already masked)."""
    view: PickupCaseView = rec["case"]
    by = rec["by"]
    if by.get("self", True):
        collector = "申請人本人"
    else:
        relation = f"（{by['relation']}）" if by.get("relation") else ""
        collector = f"代領人 {by.get('name', '')}{relation} {mask_id(str(by.get('id', '')))}"
    picked: datetime = rec["picked_up_at"]
    return {
        "office_name": rec["office_name"],
        "case_number": view.case_number,
        "service_name": view.service_name,
        "applicant_name": view.applicant_name,
        "applicant_id_masked": view.applicant_id_masked,
        "documents": [(str(d["name"]), int(d["copies"])) for d in view.documents],
        "picked_up_at": roc_datetime(picked),
        "desk": f"第 {rec['device']} 號櫃檯",
        "clerk": rec["clerk"],
        "collector": collector,
        "via": {"qr": "多媒體簡訊條碼", "short": "領件號碼"}.get(rec["via"], rec["via"]),
    }


def slip_pdf(app: App, case_number: str) -> bytes:
    """The pickup slip of a handed-over case as PDF: the one place the desk and the CLI get it."""
    require(app, Action.PRINT)
    from eservice_desktop.printing.pickup_slip import render_pickup_slip

    return render_pickup_slip(**slip_fields(pickup_record(app, case_number)))


def mms_png(app: App, case_number: str, payload: str | None = None) -> bytes:
    """The picture of a case's pickup MMS (QR code, pickup number, short code, validity), from
    the code given or the one stored for the case (a demo code is issued in demo mode)."""
    require(app, Action.PRINT)
    from eservice_desktop.printing.mms import render_mms_png

    if payload:
        token: str | None = payload
    else:
        with app.reading() as s:
            token = _ready_token(s, resolve_case_id(s, case_number))
    if not token and app.settings.demo:
        token = str(issue_demo(app, case_number)["payload"])
    if not token:
        raise DomainError(
            "pickup.no_code",
            "此案件沒有領件條碼（縣府尚未通知領件）",
            "This case has no pickup code yet",
        )
    claims = pt.parse_claims(pt.token_bytes(token))
    return render_mms_png(
        office_name=app.catalogue.office(claims.office).name,
        pickup_number=claims.pickup_number,
        payload=token,
        expires_at=claims.expires_at,
        short_code=pt.short_code(token),
    )


OFFLINE = "offline"
NOT_AT_COUNTY = "not_at_county"


def fetch_online(app: App, payload: str) -> PickupResult:
    """For ``not_synced``: asks the county for the case (when the network is there), stores its
    events like a sync pull would, then verifies again. Only a code that passed every offline
    check except the local case is looked up, so a forged code never causes a request."""
    require(app, Action.HANDOVER)
    first = verify(app, payload)
    if first.reason != NOT_SYNCED:
        return first
    claims = pt.parse_claims(pt.token_bytes(payload))
    from eservice_desktop.county_link.client import SyncError
    from eservice_desktop.services import sync

    try:
        client = sync.make_client(app)
        try:
            data = client.case(claims.case_id)
        finally:
            client.close()
    except (SyncError, OSError) as e:
        log.info("online pickup look-up failed: %s", type(e).__name__)
        return PickupResult(
            ok=False,
            reason=OFFLINE,
            message_zh="目前無法連線縣府查詢此案件，請稍後再試，或請民眾改日再來。",
            message_en="The county cannot be reached to look the case up; try again later.",
            case_number=claims.case_number,
            details={"case_number": claims.case_number},
        )
    if not data or not data.get("events"):
        return PickupResult(
            ok=False,
            reason=NOT_AT_COUNTY,
            message_zh=f"縣府查無案件 {claims.case_number} 分送本所的資料，請洽原收件機關。",
            message_en=f"The county has no record of case {claims.case_number} for this office.",
            case_number=claims.case_number,
            details={"case_number": claims.case_number},
        )
    stored = 0
    with app.transaction() as s:
        state = repo.load_state(s, claims.case_id)
        for raw in data["events"]:
            event = ev.Event.from_dict(raw)
            if event.case_id != claims.case_id or repo.has_event(s, event.event_id):
                continue
            state = append(app, s, event, state, origin="county")
            stored += 1
    log.info("online pickup look-up stored %d events", stored)
    return verify(app, payload)
