"""What the pickup desk shows: a case as the desk sees it (no full ID number), the cases
waiting for pickup here, ROC dates, and the code stored with a ready case.

Re-exported by ``services.pickup``; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import (
    READY,
    CaseState,
)
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_id, mask_name
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.services import access
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow


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

    @property
    def overpaid(self) -> int:
        """Taken beyond the fees (溢繳, ``balance`` below 0), to refund (services.overpaid)."""
        return max(-self.balance, 0)


def office_name(app: App, code: str) -> str:
    try:
        return app.catalogue.office(code).name
    except DomainError:
        return code


def office_named_en(app: App, code: str) -> str:
    """The office as an English desk message names it: its English name and its code (the
    code alone told an English-reading clerk nothing the zh-TW message's name did not)."""
    try:
        name = app.catalogue.office(code).name_en
    except DomainError:
        return code
    return f"{name} ({code})" if name else code


def roc_date(t: datetime) -> str:
    return format_roc(t.astimezone(TAIPEI).date(), "long")


def roc_datetime(t: datetime) -> str:
    local = t.astimezone(TAIPEI)
    return f"{format_roc(local.date(), 'long')} {local:%H:%M}"


def _documents(app: App, state: CaseState) -> list[dict[str, Any]]:
    """What is handed over, counted in the unit the case's copies count (``unit``: 張, 筆,
    建號 …; it was always 份): the fee items that name a document (戶籍謄本), else the service
    itself (a land survey's fees are charges: 土地鑑界 2 筆, not 鑑界施測費 2 份)."""
    try:
        service = app.catalogue.service(state.service_code)
    except DomainError:
        return [{"name": state.service_code, "copies": state.copies, "unit": "份"}]
    things = [item for item in service.fee_items if not item.names_a_charge]
    if things:
        return [{"name": i.name, "copies": state.copies, "unit": i.unit} for i in things]
    unit = service.fee_items[0].unit if service.fee_items else "份"
    return [{"name": service.name, "copies": state.copies, "unit": unit}]


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

    @property
    def overpaid(self) -> int:
        """Taken beyond the fees (溢繳), to refund: the list showed -300 under 應繳."""
        return max(-self.balance, 0)


def ready_total(app: App) -> int:
    """How many cases wait for pickup at this office: the list shows the oldest ``limit`` of
    them, and said nothing of the rest (500 rows on the desk and from ``pickup ready`` over
    8,996 waiting). One count over the ready index's range."""
    require(app, Action.VIEW_CASE)
    stmt = select(func.count()).where(
        CaseRow.pickup_office == app.settings.office_code, CaseRow.status == READY
    )
    with app.reading() as s:
        return int(s.scalar(stmt) or 0)


def ready_list(app: App, limit: int = 500) -> tuple[list[ReadyRow], int]:
    """The oldest ``limit`` cases waiting here and how many wait in all (counted only when the
    list is full): the desk's list and the line above it."""
    require(app, Action.VIEW_CASE)
    rows = ready_cases(app, limit)
    return rows, ready_total(app) if len(rows) == limit else len(rows)


def ready_cases(app: App, limit: int = 500) -> list[ReadyRow]:
    """Cases waiting for pickup at this office, oldest first (straight from the projection).
    Only the columns shown are read (the pickup number out of the state summary in SQL): the
    rows of a long list are not loaded whole, each with its case's JSON summary (make bench,
    bench_memory: 15 MiB for 2,000 ready cases)."""
    require(app, Action.VIEW_CASE)
    stmt = (
        select(
            CaseRow.case_number,
            func.json_extract(CaseRow.state, "$.pickup_number"),
            CaseRow.service_code,
            CaseRow.applicant_name,
            CaseRow.applicant_id,
            CaseRow.fees_due,
            CaseRow.paid,
            CaseRow.updated_at,
        )
        .where(CaseRow.pickup_office == app.settings.office_code, CaseRow.status == READY)
        .order_by(CaseRow.updated_at, CaseRow.case_number)
        .limit(limit)
    )
    out: list[ReadyRow] = []
    with app.reading() as s:
        for number, pickup_number, code, name, pid, fees_due, paid, updated in s.execute(stmt):
            out.append(
                ReadyRow(
                    case_number=number,
                    pickup_number="" if pickup_number is None else str(pickup_number),
                    service_name=app.catalogue.service_name(code),
                    applicant_name_masked=mask_name(name),
                    applicant_id_masked=mask_id(pid),
                    balance=fees_due - paid,
                    # UTC with its offset, as every time the command line prints: SQLite
                    # gives it back naive, and a reader took 08:53 for Taipei time
                    updated_at=repo.aware(updated).isoformat() if updated else "",
                    service_code=code,
                )
            )
    return out


def ready_token(session: Session, case_id: str) -> str | None:
    """The code the county delivered with the case's latest ready-for-pickup event, if any."""
    token = None
    for e in repo.events_for(session, case_id):
        if e.type == ev.READY_FOR_PICKUP:
            token = e.payload.get("token")
    return str(token) if token else None


def also_ready(app: App, s: Session, state: CaseState) -> list[str]:
    """The pickup numbers (case numbers where none) of the applicant's other cases ready at
    this office: a citizen with two cases ready, handed one (by its code or its pickup number),
    left without the other when the handover said nothing of it."""
    ids = s.scalars(
        select(CaseRow.case_id).where(
            CaseRow.applicant_id == state.applicant_id,
            CaseRow.status == READY,
            CaseRow.pickup_office == app.settings.office_code,
            CaseRow.case_id != state.case_id,
        )
    ).all()
    others = [st for st in (repo.load_state(s, cid) for cid in sorted(ids)) if st is not None]
    return [st.pickup_number or st.case_number for st in others]


def also_ready_note(app: App, s: Session, state: CaseState) -> tuple[str, str]:
    """What a handover adds about the applicant's other cases ready here (``also_ready``), in
    both languages; empty when there are none."""
    numbers = also_ready(app, s, state)
    if not numbers:
        return "", ""
    masked, n = mask_id(state.applicant_id), len(numbers)
    more = f"{n} more cases" if n > 1 else "another case"
    label = "pickup numbers" if n > 1 else "pickup number"
    return (
        f"證號 {masked} 在本所尚有 {n} 件待領案件（領件號碼 {'、'.join(numbers)}），請一併交付。",
        f" ID {masked} has {more} ready here ({label} {', '.join(numbers)}): hand"
        f" {'them' if n > 1 else 'it'} over too.",
    )


class _Scanned(Protocol):
    @property
    def ok(self) -> bool: ...

    @property
    def reason(self) -> str: ...

    @property
    def case(self) -> PickupCaseView | None: ...

    @property
    def details(self) -> dict[str, str]: ...


_R = TypeVar("_R", bound=_Scanned)


def record_scan(app: App, result: _R) -> _R:
    """A scanned code that names a case showed the desk that case (the applicant's name, the
    documents, the fees, whether refused or not): a view in the access log, detail ``pickup
    code`` and the answer (``ok``, ``already_picked_up``, a superseded code's refusal...). The
    desk's scans were in no record, so an auditor asked who had presented a citizen's code,
    an old one forwarded to someone else included, and seen the case found nothing.
    A code refused before it names a case (forged or altered, another key's, a guessed short
    code, the short codes locked) is a search that found none, without a case: a forged
    code's claims are not believed (a genuine code for a case not here, expired or for another
    office names its case number). Only what is no code at all (``malformed``) is left out."""
    if result.case is not None:
        access.record(
            app,
            access.VIEW,
            case_id=result.case.case_id,
            case_number=result.case.case_number,
            detail=f"pickup code {result.reason}",
        )
    elif not result.ok and result.reason != pt.MALFORMED:
        number = result.details.get("case_number", "")  # only a signed code's claims say one
        access.record(app, access.SEARCH, case_number=number, detail=f"pickup code {result.reason}")
    return result
