"""Intake (收件): validate an application against the catalogue and store it as a new case.

Validation collects every field error at once (the form shows each next to its field) and
nothing is stored unless all pass. The case number comes from this device's own counter inside
the same transaction as the received event, so a number is never skipped or reused. The fee is
assessed in that same transaction (catalogue items × copies, less an exemption or reduction
with its reason), so a case with a fee owes it from the moment it exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values
from eservice_desktop.domain.case import APPROVE_FEE_REDUCTION, APPROVE_STALE_SYNC_INTAKE
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.catalogue import Service
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.domain.uuid7 import new_id
from eservice_desktop.services import fees
from eservice_desktop.services import intake_checks as checks
from eservice_desktop.services.approvals import Approval, Granted, append_approval_after, grant
from eservice_desktop.services.cases import CaseView, append, view_of
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow

if TYPE_CHECKING:
    from eservice_desktop.services.identity import ProofResult


class IntakeErrors(DomainError):
    """Several field errors at once; ``errors`` maps field -> DomainError."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.code, first.message_zh, first.message_en, first.field)
        self.errors = errors


@dataclass
class IntakeRequest:
    service_code: str
    applicant_id: str
    applicant_name: str
    phone: str = ""
    email: str = ""
    copies: int = 1
    fields: dict[str, Any] = field(default_factory=dict)
    consent: list[str] = field(default_factory=list)
    pickup_method: str = "counter"
    pickup_office: str = ""
    received_at: datetime | None = None
    #: The catalogue's required documents (應備文件) the clerk ticked as presented.
    documents: list[str] = field(default_factory=list)
    #: A MOICA proof made while the case was still an intake form: recorded with the case.
    identity_proof: ProofResult | None = None
    #: Fee exemption (免徵) or reduction (減免, NTD) granted at intake, with its reason.
    fee_exempt: bool = False
    fee_reduction: int = 0
    fee_reason: str = ""
    #: A supervisor's approval (``services.approvals``) of the exceptions of this intake: a fee
    #: reduction or exemption, and an intake while the office's sync is long overdue.
    approval: Approval | None = None
    #: The case id the counter's form chose (its draft keeps it), "" for a new one: the form's
    #: draft restored after a crash between the intake's commit and the draft's removal read
    #: 未送出, and sending it again took the citizen's case in twice (:func:`sent_before`).
    intake_key: str = ""


#: The intake warning when the office has not synced for ``sync_stale_warn_h`` hours.
SYNC_STALE = "sync.stale"


@dataclass(frozen=True)
class SyncFreshness:
    """How long ago this device last completed a sync round, against the two limits."""

    enrolled: bool
    last_success: datetime | None
    hours: float | None
    warn: bool
    needs_approval: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "enrolled": self.enrolled,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "hours": None if self.hours is None else round(self.hours, 1),
            "warn": self.warn,
            "needs_approval": self.needs_approval,
        }


def sync_freshness(app: App) -> SyncFreshness:
    """The age of the last successful sync round (``sync_state.last_success``; since the
    enrolment when no round has succeeded yet). A device never enrolled does not sync: no
    warning. Zero turns a limit off."""
    from eservice_desktop.services.sync.state import get_state

    with app.reading() as s:
        enrolled = get_state(s, "enrolled")
        last = get_state(s, "last_success")
    if not enrolled:
        return SyncFreshness(False, None, None, False, False)
    since_text = last or str(json.loads(enrolled).get("at") or "")
    since = datetime.fromisoformat(since_text) if since_text else None
    if since is None:
        return SyncFreshness(True, None, None, False, False)
    hours = max((app.now() - since).total_seconds() / 3600, 0.0)
    warn_h = app.settings.sync_stale_warn_h
    approve_h = app.settings.sync_stale_approval_h
    needs = approve_h > 0 and hours >= approve_h
    warn = needs or (warn_h > 0 and hours >= warn_h)
    return SyncFreshness(True, since if last else None, hours, warn, needs)


@dataclass(frozen=True)
class IntakeResult:
    """The new case and what the clerk should know about the intake (``warnings``:
    ``sync.stale`` when the office has not synced for a long time)."""

    view: CaseView
    warnings: tuple[str, ...] = ()
    sync: SyncFreshness | None = None


def validate(app: App, req: IntakeRequest) -> tuple[Service, dict[str, Any]]:
    """Returns the service and the normalised applicant; raises IntakeErrors listing all fields.

    Each step adds its fields' errors in the form's order, so the first error (the one
    ``IntakeErrors`` itself carries) is the topmost wrong field.
    """
    code = req.service_code.strip()
    if app.catalogue.has_service(code) and not app.catalogue.takes_in(
        app.office, app.catalogue.service(code)
    ):
        # the office-kind rule of the catalogue comes first, with a message naming who takes
        # the service in; the operator's roles and scope are checked by require() below
        raise IntakeErrors(
            {"service": checks.not_here(app.catalogue, app.office, app.catalogue.service(code))}
        )
    require(app, Action.INTAKE, code)
    errors: dict[str, DomainError] = {}
    service: Service | None = None
    try:
        service = app.catalogue.service(code)
    except DomainError as e:
        errors["service"] = DomainError(e.code, e.message_zh, e.message_en, "service")
    applicant, applicant_errors = values.check_applicant(
        req.applicant_id,
        req.applicant_name,
        req.phone,
        req.email,
        blank_name=DomainError(
            "field.required", "請輸入申請人姓名", "Enter the applicant's name", "applicant_name"
        ),
    )
    errors.update(applicant_errors)
    errors.update(checks.received_at_errors(req, app.now()))
    if isinstance(req.copies, bool) or not isinstance(req.copies, int) or not 1 <= req.copies <= 99:
        errors["copies"] = DomainError(
            "copies.range", "份數須介於 1 到 99", "Copies must be between 1 and 99", "copies"
        )
    if service is not None:
        errors.update(checks.service_errors(service, req, applicant))
    if service is not None and "copies" not in errors:
        errors.update(checks.fee_errors(service, req))
    errors.update(checks.pickup_office_errors(app.catalogue, req, app.settings.office_code))
    if errors:
        raise IntakeErrors(errors)
    assert service is not None
    return service, applicant


def sent_before(session: Session, case_id: str) -> None:
    """Refuses (``intake.already_sent``) a form's intake whose case is already stored."""
    number = session.scalar(select(CaseRow.case_number).where(CaseRow.case_id == case_id))
    if number is not None:
        raise DomainError(
            "intake.already_sent",
            f"這份收件已於先前送出，案號 {number}；未重複收件（請按 Alt+L 清除表單）",
            f"This intake was already sent as case {number}; it was not taken in again "
            "(Alt+L clears the form)",
            "form",
        )


def allocate_case_number(app: App, session: Session, at: datetime) -> str:
    year = to_roc(at.astimezone(TAIPEI).date())[0]
    s = app.settings
    seq = repo.next_counter(session, f"case:{s.office_code}:{s.device_id}:{year}")
    return str(CaseNumber(s.office_code, s.device_id, year, seq))


def intake(app: App, req: IntakeRequest) -> CaseView:
    """Stores a new case (see :func:`intake_with_warnings` for the warnings as well)."""
    require(app, Action.INTAKE)
    return intake_with_warnings(app, req).view


def _intake_approvals(
    app: App, req: IntakeRequest, service: Service, freshness: SyncFreshness
) -> tuple[Granted | None, Granted | None]:
    """The supervisor's approvals this intake needs (one password entry covers both): a fee
    reduction or exemption, and an intake after ``sync_stale_approval_h`` without sync."""
    reduces = bool(service.fee_items) and fees.needs_approval(
        app, service.code, req.copies, exempt=req.fee_exempt, reduction=req.fee_reduction
    )
    first = None
    if freshness.needs_approval:
        hours = int(freshness.hours or 0)
        first = grant(
            app,
            req.approval,
            APPROVE_STALE_SYNC_INTAKE,
            reason=f"已 {hours} 小時未與縣府同步 / no sync for {hours} h",
        )
    if not reduces:
        return first, None
    if first is not None:
        return first, first.for_action(APPROVE_FEE_REDUCTION)
    return None, grant(app, req.approval, APPROVE_FEE_REDUCTION, reason=req.fee_reason)


def intake_with_warnings(app: App, req: IntakeRequest) -> IntakeResult:
    """Validates and stores a new case; the result carries the warnings (``sync.stale``).

    Exceptions need ``req.approval`` (a supervisor's, ``services.approvals``): a fee reduction
    or exemption, and an intake when the office has not synced for ``sync_stale_approval_h``
    hours (``auth.approval_required`` otherwise)."""
    require(app, Action.INTAKE)
    service, applicant = validate(app, req)  # the office's services, then the scope
    freshness = sync_freshness(app)
    stale_granted, fee_granted = _intake_approvals(app, req, service, freshness)
    received = (req.received_at or app.now()).astimezone(UTC)
    with app.transaction() as s:
        case_id = req.intake_key or new_id()
        sent_before(s, case_id)
        number = allocate_case_number(app, s, received)
        payload = {
            "case_number": number,
            "service_code": service.code,
            "time_limit_working_days": service.time_limit_working_days,
            "applicant": {k: applicant[k] for k in ("kind", "id_type", "id", "name")},
            "phone": applicant["phone"],
            "email": applicant["email"],
            "copies": req.copies,
            "fields": {k: v for k, v in req.fields.items() if v not in (None, "")},
            "consent": sorted(req.consent),
            "channel": "counter",
            "pickup": {
                "method": req.pickup_method,
                "office": req.pickup_office or app.settings.office_code,
            },
            "documents": {
                "required": list(service.required_documents),
                "presented": [d for d in service.required_documents if d in req.documents],
            },
        }
        event = app.actor.event(case_id, ev.RECEIVED, received, payload)
        state = append(app, s, event, None)
        if stale_granted is not None:
            state = append_approval_after(
                app, s, state, event, replace(stale_granted, target=number)
            )
        if req.identity_proof is not None:
            from eservice_desktop.services import identity

            state = identity.record_with_intake(app, s, state, received, req.identity_proof)
        if service.fee_items:
            state = fees.assess_in(
                app,
                s,
                state,
                exempt=req.fee_exempt,
                reduction=req.fee_reduction,
                reason=req.fee_reason,
                at=received,
                granted=None if fee_granted is None else replace(fee_granted, target=number),
            )
    warnings = (SYNC_STALE,) if freshness.warn else ()
    return IntakeResult(view_of(app, state), warnings, freshness)
