"""Every refusal a scanned or typed pickup code can earn, in the order a clerk needs them.

A code is checked offline against this office's database and the county keys already synced:
its signature and validity, that the case is here, is this case, is ready, is to be collected at
this office and still carries this code. ``services.pickup`` runs :func:`check_code` for a scan
(``verify``) and again inside the handover's transaction; it re-exports the reason codes.
Also who collects: :func:`collector_entry` refuses a proxy's details the desk did not mark as
a proxy's, :func:`validate_collector` checks a proxy's name and ID, and
:func:`check_collector_for` wants a named collector for a business applicant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.orm import Session

from eservice_desktop.county_link import pickup_crypto
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain import values
from eservice_desktop.domain.case import (
    CANCELLED,
    PICKED_UP,
    READY,
    REJECTED,
    CaseState,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import classify_applicant_id
from eservice_desktop.domain.name_forms import composed
from eservice_desktop.domain.name_slips import check_not_a_number
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.pickup_verify import verify_token
from eservice_desktop.domain.text_values import check_shown
from eservice_desktop.services.core import App
from eservice_desktop.services.pickup_keys import (
    county_keys,
)
from eservice_desktop.services.pickup_short_code import token_for_short_code
from eservice_desktop.services.pickup_views import (
    office_name,
    office_named_en,
    ready_token,
    roc_date,
    roc_datetime,
)
from eservice_desktop.storage import repo

NOT_SYNCED = "not_synced"


NOT_READY = "not_ready"


ALREADY_PICKED_UP = "already_picked_up"


CASE_MISMATCH = "case_mismatch"


@dataclass(frozen=True)
class Checked:
    """A code that passed every check: the signed code, its claims, the case, how it came."""

    token: str
    claims: pt.PickupClaims
    state: CaseState
    via: str


def _refuse(
    reason: str, zh: str, en: str, details: dict[str, str] | None = None
) -> pt.PickupRefused:
    return pt.PickupRefused(reason, zh, en, details)


def check_code(app: App, session: Session, payload: str) -> Checked:
    """Every refusal a code can earn, in the order a clerk needs them. Raises PickupRefused."""
    token, claims, via = _read_code(app, session, payload)
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
    _check_case(app, state, claims, via)
    _check_current(session, state, token, via)
    return Checked(token, claims, state, via)


def _read_code(app: App, session: Session, payload: str) -> tuple[str, pt.PickupClaims, str]:
    """The signed code (typed short codes looked up first), its verified claims and how it
    came (``qr`` or ``short``)."""
    via = "qr"
    typo = pt.short_code_malformed(payload)
    if typo is not None:
        raise typo
    short = pt.parse_short_code(payload)
    if short is not None:
        payload = token_for_short_code(app, session, short[0], short[1])
        via = "short"
    try:
        claims = verify_token(
            payload,
            county_keys(session),
            pickup_crypto.verify_ed25519,
            now=app.now(),
            office=app.settings.office_code,
            office_name=lambda code: office_name(app, code),
            office_name_en=lambda code: office_named_en(app, code),
            accept_demo=app.settings.demo,
            format_date=roc_date,
        )
    except pt.PickupRefused as e:
        raise _what_became(app, session, e, payload, via) from None
    return payload, claims, via


#: Refusals of a genuine code said before its case is read (``verify_token``).
_BEFORE_CASE = (pt.WRONG_OFFICE, pt.EXPIRED)


def _what_became(
    app: App, session: Session, refused: pt.PickupRefused, token: str, via: str
) -> pt.PickupRefused:
    """A code for another office, or past its date, whose case this desk knows became
    something else: collected (when, where, which desk), withdrawn or rejected, or ready
    with a newer code. Said so, the reason as before (the contract), the details adding the
    case's: the desk sent the citizen to the other office for documents handed over there,
    or to a clerk for a new notice of a case collected, ended, or already sent a newer one."""
    if refused.reason not in _BEFORE_CASE:
        return refused
    claims = pt.parse_claims(pt.token_bytes(token))  # signed: these come after the signature
    state = repo.load_state(session, claims.case_id)
    if state is None or state.case_number != claims.case_number:
        return refused
    extra: dict[str, str] = {}
    if state.lifecycle == PICKED_UP:
        said, extra["picked_up_office"] = already_refusal(app, state), state.picked_up_office
    elif state.lifecycle in (CANCELLED, REJECTED):
        said = ended_refusal(state)
    elif state.lifecycle == READY and not _is_current(session, state, token):
        said = _replaced(state, claims, via)
    else:
        return refused
    details = {**said.details, **refused.details, **extra}
    return _refuse(refused.reason, said.message_zh, said.message_en, details)


def _check_case(app: App, state: CaseState, claims: pt.PickupClaims, via: str) -> None:
    """The case on this desk is the code's, ready, to be collected here, with this code."""
    if state.case_number != claims.case_number:
        raise _refuse(
            CASE_MISMATCH,
            "條碼內容與本機案件資料不符，請勿交付文件，並請洽承辦人員。",
            "The code does not match this desk's record of the case. Do not hand over.",
            {"case_number": claims.case_number},
        )
    if state.lifecycle == PICKED_UP:
        raise already_refusal(app, state)
    if state.lifecycle in (CANCELLED, REJECTED):
        raise ended_refusal(state)
    if state.lifecycle != READY:
        raise _refuse(
            NOT_READY,
            f"案件 {state.case_number} 目前為「{state.status_label('zh_TW')}」，尚未可領件，"
            "請民眾待收到領件通知後再來。",
            f"Case {state.case_number} is '{state.status_label('en')}', not ready for pickup yet.",
            {"case_number": state.case_number, "status": state.status},
        )
    if state.pickup_office and state.pickup_office != app.settings.office_code:
        raise _refuse(
            pt.WRONG_OFFICE,
            f"此案件已改為於「{office_name(app, state.pickup_office)}」領件，請民眾前往該所。",
            f"This case is now to be collected at {office_named_en(app, state.pickup_office)}.",
            {"office": state.pickup_office, "case_number": state.case_number},
        )
    if state.pickup_number and state.pickup_number != claims.pickup_number:
        raise _replaced(state, claims, via)


def _replaced(state: CaseState, claims: pt.PickupClaims, via: str) -> pt.PickupRefused:
    """A code a newer notice replaced; a short code read out from it says so as a short code
    (it was "no such short code", counted as a wrong guess). Neither names the new pickup
    number: the old message may be on a phone that is someone else's now."""
    if via == "short":  # as the newer notice says it: 原領件號碼 0427 已失效
        n = claims.pickup_number
        return _refuse(
            CASE_MISMATCH,
            f"領件號碼 {n} 的簡訊是舊的領件通知，已被新的領件通知取代而失效，請民眾出示最新"
            "收到的簡訊（其條碼或領件碼）。",
            f"The message with pickup number {n} is an earlier pickup notice, replaced by a"
            " newer one and no longer valid; ask for the latest message (its code or short"
            " code).",
            {"case_number": state.case_number},
        )
    return _refuse(
        CASE_MISMATCH,
        "此條碼已被新的領件通知取代，請民眾出示最新的簡訊。",
        "This code was replaced by a newer pickup notice; ask for the latest MMS.",
        {"case_number": state.case_number},
    )


def _check_current(session: Session, state: CaseState, token: str, via: str) -> None:
    """The code is the one the case was last made ready with. Its pickup number alone did not
    tell: the county draws a new code's number at random, avoiding only the number of the code
    it replaces, so a code replaced twice (forwarded to a relative, then a new phone) was taken
    again when the third drew the first one's number. A case made ready without a code (by an
    office) has only its pickup number to go by."""
    if not _is_current(session, state, token):
        raise _replaced(state, pt.parse_claims(pt.token_bytes(token)), via)


def _is_current(session: Session, state: CaseState, token: str) -> bool:
    current = ready_token(session, state.case_id)
    try:
        return current is None or pt.token_bytes(current) == pt.token_bytes(token)
    except pt.PickupRefused:  # a stored code no desk can read: no code to be replaced by
        return True


def ended_refusal(state: CaseState) -> pt.PickupRefused:
    """A code of a case withdrawn or rejected (``not_ready``, as any case not ready): the desk
    said 請民眾待收到領件通知後再來, and the citizen waited for a notice that never comes. It
    says the case ended, so the clerk tells the citizen nothing will be handed over."""
    zh, en = state.status_label("zh_TW"), state.status_label("en")
    return _refuse(
        NOT_READY,
        f"案件 {state.case_number} 已{zh}，本案已結束，沒有文件可交付，此領件碼不再有效；"
        f"請告知民眾本案已{zh}，如有疑問請洽承辦人員。",
        f"Case {state.case_number} was {en.lower()}: the case has ended, there is nothing to "
        "hand over and this code is no longer valid. Tell the citizen the case has ended.",
        {"case_number": state.case_number, "status": state.status},
    )


def already_refusal(app: App, state: CaseState) -> pt.PickupRefused:
    at = state.picked_up_at
    where = office_name(app, state.picked_up_office) if state.picked_up_office else ""
    where_en = office_named_en(app, state.picked_up_office) if state.picked_up_office else ""
    when_zh = roc_datetime(at) if at else "（時間不明）"
    when_en = at.astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M") if at else "(unknown time)"
    return _refuse(
        ALREADY_PICKED_UP,
        f"案件 {state.case_number} 的文件已於 {when_zh} 在{where}第 {state.picked_up_device} 號"
        "櫃檯領取，不可重複交付。如有疑義請洽主管。",
        f"Case {state.case_number} was already collected on {when_en} at {where_en}"
        f" desk {state.picked_up_device}. Do not hand over again.",
        {
            "case_number": state.case_number,
            "picked_up_at": at.isoformat() if at else "",
            "office": state.picked_up_office,
            "device": state.picked_up_device,
        },
    )


def collector_entry(
    name: str, id_number: str, relation: str, *, proxy: bool | None = None
) -> dict[str, str] | None:
    """What the collector fields say: None for the applicant in person, else the proxy's entry
    for :func:`handover` (checked there). ``proxy`` is the desk's 由他人代領 box; None (the
    command line) means "a proxy when any field is given", so a relation alone is a proxy
    without a name, refused, not a handover to the applicant. A proxy's details typed with
    the box left unticked are refused, never recorded as the applicant in person."""
    given = any(str(v).strip() for v in (name, id_number, relation))
    if proxy is None:
        proxy = given
    if proxy:
        return {"name": name, "id": id_number, "relation": relation}
    if given:
        raise DomainError(
            "pickup.proxy_unticked",
            "已填寫代領人資料，但未勾選「由他人代領」：請勾選，或清除代領人欄位",
            "A collector's details are filled in but 'Collected on behalf of the applicant' "
            "is not ticked: tick it, or clear those fields",
            "proxy",
        )
    return None


def check_collector_for(state: CaseState, by: dict[str, object]) -> None:
    """A business (UBN) cannot come in person: its documents go to a person, recorded as the
    collector (its representative or agent), never as "the applicant in person". A proxy
    (代領人) is someone else: one given the applicant's own ID number is the applicant, and was
    recorded, and printed on the pickup slip, as another person (代領人 何大同（父） C11944****)
    holding the applicant's ID."""
    if not by.get("self") and str(by.get("id", "")).upper() == state.applicant_id.upper():
        raise DomainError(
            "pickup.collector_is_applicant",
            "代領人的身分證字號與申請人相同：申請人本人領件請取消勾選「由他人代領」；"
            "他人代領請填寫代領人自己的身分證字號",
            "The collector's ID number is the applicant's own: for the applicant in person, "
            "untick 'collected on behalf'; for someone else, enter that person's own ID number",
            "id",
        )
    if by.get("self") and state.applicant_kind == "business":
        raise DomainError(
            "pickup.collector_required",
            f"案件 {state.case_number} 的申請人為法人（統一編號），文件須由代表人或受託人領取："
            "請勾選「由他人代領」並填寫領件人姓名與身分證字號",
            f"The applicant of case {state.case_number} is a business (UBN): its documents go"
            " to a person; tick 'collected on behalf' and enter that person's name and ID",
            "proxy",
        )


#: The collector's fields as the pickup desk names them in a refusal.
COLLECTOR_NAME: Final[values.Label] = ("代領人姓名", "Collector's name")
COLLECTOR_RELATION: Final[values.Label] = ("與申請人關係", "Relation to the applicant")


def validate_collector(collected_by: Mapping[str, Any] | None) -> dict[str, Any]:
    """``None`` = the applicant in person; otherwise a person with a name (the rule of an
    applicant's name), a valid ID and an optional short relation."""
    if not collected_by:
        return {"self": True}
    name = composed(str(collected_by.get("name", "")).strip())
    if not name:
        raise DomainError(
            "pickup.collector_name", "請填寫代領人姓名", "Enter the collector's name", "name"
        )
    # shown as it is, as an applicant's name: an emoji printed on the pickup slip
    check_shown(values.check_name(name, "name", label=COLLECTOR_NAME), COLLECTOR_NAME, "name")
    check_not_a_number(name, COLLECTOR_NAME, "name")  # the ID typed one field too high
    typed_id = str(collected_by.get("id", ""))
    if not typed_id.strip():  # not "unrecognised ID ... or a UBN": a UBN is never a collector
        raise DomainError(
            "id.format",
            "請填寫代領人身分證字號（或居留證號）",
            "Enter the collector's national ID (or resident certificate number)",
            "id",
        )
    kind, id_type, value = classify_applicant_id(typed_id, field="id")
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
        out["relation"] = values.check_text(
            relation, "relation", max_len=values.NAME_MAX, label=COLLECTOR_RELATION
        )
    return out
