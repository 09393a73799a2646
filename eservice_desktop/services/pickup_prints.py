"""What the pickup desk prints: the pickup slip of a handed-over case and the picture of a
case's pickup MMS. The one place the desk and the CLI get them (re-exported by
``services.pickup``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import (
    PICKED_UP,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import access
from eservice_desktop.services.cases import resolve_case_id
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.services.pickup_demo import issue_demo
from eservice_desktop.services.pickup_views import (
    PickupCaseView,
    case_view,
    office_name,
    ready_token,
    roc_datetime,
)
from eservice_desktop.storage import repo
from eservice_desktop.storage.models_pickup import PickupConsumedRow


def stored_token(app: App, case_number: str) -> str | None:
    require(app, Action.HANDOVER)
    with app.reading() as s:
        return ready_token(s, resolve_case_id(s, case_number))


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
        "documents": [
            (str(d["name"]), int(d["copies"]), str(d.get("unit", "份"))) for d in view.documents
        ],
        "picked_up_at": roc_datetime(picked),
        "desk": f"第 {rec['device']} 號櫃檯",
        "clerk": rec["clerk"],
        "collector": collector,
        "via": {"qr": "多媒體簡訊條碼", "short": "領件號碼", pt.VIA_ID_CARD: "身分證件"}.get(
            rec["via"], rec["via"]
        ),
    }


def slip_pdf(app: App, case_number: str) -> bytes:
    """The pickup slip of a handed-over case as PDF: the one place the desk and the CLI get it."""
    require(app, Action.PRINT)
    from eservice_desktop.printing.pickup_slip import render_pickup_slip

    return render_pickup_slip(**slip_fields(pickup_record(app, case_number)))


def mms_png(app: App, case_number: str, payload: str | None = None) -> bytes:
    """The picture of a case's pickup MMS (QR code, pickup number, short code, validity, the
    case number), from the code given or the one stored for the case (a demo code is issued
    in demo mode). A code given for another case is refused (``pickup.other_case``): the
    picture asked for this case drew the other one's code, and nothing on it said so.

    The picture releases the documents at any desk without an ID card: it goes to the access
    log as a print of the case (``pickup MMS`` and its pickup number, never the code), where a
    clerk could draw a citizen's live code and leave no trace of it."""
    require(app, Action.PRINT)
    from eservice_desktop.printing.mms import render_mms_png

    with app.reading() as s:
        case_id = resolve_case_id(s, case_number)
        state = repo.load_state(s, case_id)
        token = payload or ready_token(s, case_id)
    if not token and app.settings.demo:
        token = str(issue_demo(app, case_number)["payload"])
    if not token:
        raise DomainError(
            "pickup.no_code",
            "此案件沒有領件條碼（縣府尚未通知領件）",
            "This case has no pickup code yet",
        )
    claims = pt.parse_claims(pt.token_bytes(token))
    if state is not None and claims.case_number != state.case_number:
        raise DomainError(
            "pickup.other_case",
            f"此領件條碼屬於案件 {claims.case_number}，不是案件 {state.case_number}",
            f"This pickup code is case {claims.case_number}'s, not case {state.case_number}'s",
            "payload",
        )
    png = render_mms_png(
        office_name=app.catalogue.office(claims.office).name,
        pickup_number=claims.pickup_number,
        payload=token,
        expires_at=claims.expires_at,
        short_code=pt.short_code(token),
        case_number=claims.case_number,
    )
    access.record(
        app,
        access.PRINT,
        case_id=case_id,
        case_number=claims.case_number,
        detail=f"pickup MMS {claims.pickup_number}",
    )
    return png


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
        "office_name": office_name(app, state.picked_up_office),
        "picked_up_at": state.picked_up_at,
        "device": state.picked_up_device,
        "clerk": consumed.clerk if consumed else "",
        "by": dict(state.picked_up_by),
        "via": consumed.via if consumed else "",
    }
