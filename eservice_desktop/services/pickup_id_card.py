"""Pickup with the ID card (持身分證領件): the other way the seed gives a citizen notified that
the documents are ready (憑系統發送之多媒體簡訊或持身分證至選定戶/地政事務所櫃台).

A web case whose service or office has no MMS pickup gets an SMS that says only "bring your ID
card, pickup number 6249": there is no code to scan. The clerk takes the ID card, types its
number (and the SMS's pickup number when the citizen has it), checks the card's photo against
the person and hands over. The case is found among the cases ready at THIS office for that
applicant ID; the handover is the token path's (``services.pickup.hand_over_checked``): the
same ``case.picked_up`` event (``via`` = ``id_card``), the same refusals (fees due, a business
applicant's collector, already picked up), in one write transaction that finds the case again.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import (
    APPROVE_HANDOVER_WITH_BALANCE,
    PICKED_UP,
    READY,
    CaseState,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import classify_applicant_id, mask_id
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.text_values import printable
from eservice_desktop.services import access
from eservice_desktop.services.approvals import Approval, grant
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.pickup import (
    FEES_DUE,
    PickupResult,
    fees_due_result,
    hand_over_checked,
    refused_result,
)
from eservice_desktop.services.pickup_checks import already_refusal, validate_collector
from eservice_desktop.services.pickup_views import (
    case_view,
    office_name,
    office_named_en,
    ready_token,
)
from eservice_desktop.services.projections import token_digest
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow

log = logging.getLogger("eservice.pickup")

ID_CARD = pt.VIA_ID_CARD
#: No case of this applicant is ready at this office (with that pickup number).
NO_READY_CASE = "no_ready_case"
#: Several are: the pickup number of the SMS (or the case number) says which one.
SEVERAL_READY = "several_ready"

_PICKUP_NUMBER = re.compile(r"[0-9]{4}")


def id_card_pickup(
    app: App,
    applicant_id: str,
    pickup_number: str = "",
    *,
    case_number: str = "",
    hand_over: bool = False,
    collected_by: Mapping[str, Any] | None = None,
    approval: Approval | None = None,
) -> PickupResult:
    """The case ready at this office for the holder of ``applicant_id``'s ID card (format and
    check digit checked; a UBN's documents go to its collector), narrowed by the SMS's
    ``pickup_number`` and by ``case_number`` (the case on the desk's screen) when given.

    ``hand_over=False`` looks it up (the access log records it) and answers as
    ``pickup.verify`` does: the case view (ID masked), ``fees_due`` with the amount, or a
    refusal (``no_ready_case``, ``several_ready`` with the pickup numbers, ``already_picked_up``,
    ``wrong_office``). ``hand_over=True`` finds it again in the write transaction and hands it
    over as ``pickup.handover`` does (``collected_by``, ``approval``). Bad input raises
    DomainError (``id.format``, ``id.checksum``, ``pickup.pickup_number``), nothing read."""
    require(app, Action.HANDOVER)
    _kind, _type, holder = classify_applicant_id(applicant_id, field="applicant_id")
    number = _pickup_number(pickup_number)
    wanted = case_number.strip()
    if not hand_over:
        return _look_up(app, holder, number, wanted)
    by = validate_collector(collected_by)
    granted = grant(app, approval, APPROVE_HANDOVER_WITH_BALANCE) if approval is not None else None
    try:
        with app.transaction() as s:
            try:
                state = _find(app, s, holder, number, wanted)
            except pt.PickupRefused as e:
                _record_own_look_up(app, s, holder, wanted, None)
                return refused_result(app, s, e, ID_CARD)
            _record_own_look_up(app, s, holder, wanted, state)
            token = ready_token(s, state.case_id)
            extra = {"token_sha256": token_digest(token)} if token else {}
            done = hand_over_checked(
                app, s, state, by=by, granted=granted, via=ID_CARD, extra=extra
            )
    except IntegrityError:  # another desk handed the case over between our check and insert
        with app.reading() as s:
            try:
                _find(app, s, holder, number, wanted)
            except pt.PickupRefused as e:
                return refused_result(app, s, e, ID_CARD)
        raise
    if done.handed_over:
        log.info("pickup handed over (via %s)", ID_CARD)
    return done


def _pickup_number(text: str) -> str:
    """The SMS's 領件號碼 (4 digits, full-width ones too), "" when none was given."""
    value = "".join(unicodedata.normalize("NFKC", text).split())
    if value and not _PICKUP_NUMBER.fullmatch(value):
        shown = printable(text, 20)
        raise DomainError(
            "pickup.pickup_number",
            f"領件號碼須為簡訊中的 4 位數字（例如 6249）：{shown}",
            f"The pickup number is the 4 digits in the SMS (e.g. 6249): {shown}",
            "pickup_number",
        )
    return value


def _look_up(app: App, holder: str, number: str, wanted: str) -> PickupResult:
    masked = mask_id(holder)
    refused: PickupResult | None = None
    with app.reading() as s:
        try:
            state = _find(app, s, holder, number, wanted)
        except pt.PickupRefused as e:
            refused = refused_result(app, s, e, ID_CARD)
    if refused is not None:
        access.record(app, access.SEARCH, detail=f"pickup by ID card {masked} → 0")
        return refused
    access.record(
        app,
        access.SEARCH,
        case_id=state.case_id,
        case_number=state.case_number,
        detail=f"pickup by ID card {masked} → 1",
    )
    view = case_view(app, state)
    if view.balance > 0:
        return fees_due_result(app, state, ID_CARD)
    return PickupResult(
        ok=True,
        reason="ok",
        message_zh=f"證號 {masked} 在本所待領案件 {view.case_number}："
        "請核對身分證照片與本人後交付文件。",
        message_en=f"Case {view.case_number} is ready here for ID {masked}: check the ID card's"
        " photo against the person, then hand over.",
        case_number=view.case_number,
        case=view,
        via=ID_CARD,
    )


def _record_own_look_up(
    app: App, s: Session, holder: str, wanted: str, state: CaseState | None
) -> None:
    """A handover given no case number (``pickup handover --applicant-id``) looked the
    applicant's cases up by the ID itself and shows the case it hands over (the applicant's
    name, the documents): that look-up is in the access log as the desk's own look-up is, in
    the handover's transaction. A handover of the case on the desk's screen was looked up (and
    recorded) when it came up."""
    if wanted:
        return
    detail = f"pickup by ID card {mask_id(holder)} → {0 if state is None else 1}"
    if state is None:
        access.append(app, s, access.SEARCH, detail=detail)
        return
    access.append(
        app,
        s,
        access.SEARCH,
        case_id=state.case_id,
        case_number=state.case_number,
        detail=detail,
    )


def _find(app: App, s: Session, holder: str, number: str, wanted: str) -> CaseState:
    """The one case of ``holder`` ready at this office that matches; raises PickupRefused."""
    office = app.settings.office_code
    rows = s.execute(
        select(CaseRow.case_id, CaseRow.status, CaseRow.pickup_office).where(
            CaseRow.applicant_id == holder
        )
    ).all()
    here = {cid for cid, status, at in rows if status == READY and at == office}
    ready = [st for st in (repo.load_state(s, cid) for cid in sorted(here)) if st is not None]
    chosen = [st for st in ready if _matches(st, number, wanted)]
    if len(chosen) == 1:
        return chosen[0]
    if chosen:
        raise _several(holder, chosen)
    others = [repo.load_state(s, cid) for cid, _status, _at in rows if cid not in here]
    raise _none(
        app, holder, number, wanted, ready=ready, others=[o for o in others if o is not None]
    )


def _matches(state: CaseState, number: str, wanted: str) -> bool:
    return (not number or state.pickup_number == number) and (
        not wanted or state.case_number == wanted
    )


def _numbers(states: list[CaseState]) -> str:
    """The cases' pickup numbers (their case numbers where none), as a refusal names them."""
    return "、".join(st.pickup_number or st.case_number for st in states)


def _several(holder: str, chosen: list[CaseState]) -> pt.PickupRefused:
    numbers = _numbers(chosen)
    return pt.PickupRefused(
        SEVERAL_READY,
        f"證號 {mask_id(holder)} 在本所有 {len(chosen)} 件待領案件（領件號碼 {numbers}）："
        "請輸入簡訊中的領件號碼，逐件交付。",
        f"ID {mask_id(holder)} has {len(chosen)} cases ready here (pickup numbers"
        f" {numbers.replace('、', ', ')}): enter the SMS's pickup number and hand each over.",
        {"count": str(len(chosen)), "pickup_numbers": numbers.replace("、", ",")},
    )


def _none(
    app: App,
    holder: str,
    number: str,
    wanted: str,
    *,
    ready: list[CaseState],
    others: list[CaseState],
) -> pt.PickupRefused:
    """Why nothing matched, most useful first: that case was collected already (a number
    given), it is to be collected at another office, the pickup number is not the one of the
    case ready here, or nothing is ready here for this ID at all."""
    masked = mask_id(holder)
    named = [o for o in others if (number or wanted) and _matches(o, number, wanted)]
    picked = [o for o in named if o.lifecycle == PICKED_UP]
    if picked:
        return already_refusal(app, picked[-1])
    elsewhere = [o for o in others if o.lifecycle == READY and _matches(o, number, wanted)]
    if elsewhere:
        st = elsewhere[0]
        return pt.PickupRefused(
            pt.WRONG_OFFICE,
            f"證號 {masked} 的案件 {st.case_number} 選擇於「{office_name(app, st.pickup_office)}」"
            "領件，請民眾前往該所。",
            f"Case {st.case_number} of ID {masked} is to be collected at"
            f" {office_named_en(app, st.pickup_office)}.",
            {"office": st.pickup_office, "case_number": st.case_number},
        )
    if ready:
        numbers = _numbers(ready)
        return pt.PickupRefused(
            NO_READY_CASE,
            f"證號 {masked} 在本所的待領案件領件號碼為 {numbers}，不是 {number or wanted}："
            "請核對民眾最新的簡訊。",
            f"The case(s) ready here for ID {masked} have pickup number(s)"
            f" {numbers.replace('、', ', ')}, not {number or wanted}: check the citizen's"
            " latest SMS.",
            {"pickup_numbers": numbers.replace("、", ",")},
        )
    zh, en = _collected_lately(app, others)
    return pt.PickupRefused(
        NO_READY_CASE,
        f"本所查無證號 {masked} 待領件的案件：請核對證號；案件可能尚未同步到本所、尚未通知領件，"
        f"或已領取。{zh}",
        f"No case is ready for pickup here for ID {masked}: check the number; the case may not"
        f" be synced here yet, not be ready yet, or be collected already.{en}",
        {},
    )


#: How far back a collection is named when nothing is ready for the ID: a pickup notice's code
#: is good 30 days, so a citizen coming with one comes within them.
COLLECTED_LATELY = timedelta(days=31)


def _collected_lately(app: App, others: list[CaseState]) -> tuple[str, str]:
    """The ID's latest case collected in ``COLLECTED_LATELY``, said as already_picked_up says
    it (when, where, which desk): a citizen whose documents a proxy had collected (her MMS
    forwarded) was told only that nothing was ready, "or collected already", and the clerk
    searched the queue for the case the desk had read. The holder of the ID card is its
    applicant (the clerk compares the photo)."""
    since = app.now() - COLLECTED_LATELY
    done = [
        o for o in others if o.lifecycle == PICKED_UP and o.picked_up_at and o.picked_up_at >= since
    ]
    if not done:
        return "", ""
    said = already_refusal(app, max(done, key=lambda o: o.picked_up_at or since))
    return f"最近一件：{said.message_zh}", f" The latest: {said.message_en}"


__all__ = ["FEES_DUE", "ID_CARD", "NO_READY_CASE", "SEVERAL_READY", "id_card_pickup"]
