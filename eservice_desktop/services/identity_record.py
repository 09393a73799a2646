"""A MOICA proof's outcome and its record on a case: the applicant it is checked against, a
supervisor's override, the result, and the ``case.identity_verified`` event it becomes (on a
case on screen, or inside the intake transaction of a new case).

Apart from ``services.identity`` (the proof itself: nonce, card, checks; it re-exports these)
so that what is recorded, and when a proof may be recorded on a case, reads in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from eservice_desktop.devices import pki
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.approvals import Approval, Granted, append_approved
from eservice_desktop.services.cases import record, resolve_case_id
from eservice_desktop.services.core import App
from eservice_desktop.services.identity_checks import (
    norm,
)
from eservice_desktop.storage import repo


@dataclass(frozen=True)
class Applicant:
    name: str
    national_id: str


@dataclass(frozen=True)
class Override:
    """A supervisor accepting a card whose revocation status is unknown: the supervisor's
    account and password, entered on this counter, and the reason (``services.approvals``)."""

    supervisor: str
    reason: str
    password: str = field(default="", repr=False)

    def as_approval(self) -> Approval:
        return Approval(self.supervisor, self.password, self.reason)


@dataclass
class ProofResult:
    verdict: str  # verified | verified_with_override | revocation_unknown | refused
    report: pki.ValidationReport
    certificate: dict[str, Any] = field(default_factory=dict)
    holder: dict[str, Any] = field(default_factory=dict)
    revocation: dict[str, Any] = field(default_factory=dict)
    override: dict[str, str] | None = None
    event_id: str | None = None
    reasons: list[str] = field(default_factory=list)
    #: The supervisor's verified approval of an unknown revocation status, recorded as a
    #: ``case.approval_granted`` just before the ``case.identity_verified`` it approves.
    granted: Granted | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.verdict in ("verified", "verified_with_override")

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "checks": self.report.to_json(),
            "certificate": self.certificate,
            "holder": self.holder,
            "revocation": self.revocation,
            "override": self.override,
            "event_id": self.event_id,
        }


def proof_payload(result: ProofResult, holder_checked: bool) -> dict[str, Any]:
    """The ``identity_verified`` event payload of a passed proof."""
    return {
        "method": "moica",
        "verdict": result.verdict,
        "cert_serial": result.certificate["serial"],
        "cert_issuer": result.certificate["issuer"],
        "policies": result.certificate["policies"],
        "checks_passed": result.report.passed,
        "checks_unknown": result.report.unknown,
        "revocation": {
            k: result.revocation[k]
            for k in ("status", "source", "crl_number", "this_update", "age_s")
        },
        "holder_matched": bool(result.holder.get("matches")) if holder_checked else None,
        "override": result.override,
    }


def holder_matches(result: ProofResult, applicant: Applicant) -> bool:
    """The certificate holder is this applicant (name, and the ID's last 4 characters)."""
    name_ok = norm(str(result.holder.get("name", ""))) == norm(applicant.name)
    last4 = str(result.holder.get("id_last4", ""))
    return name_ok and bool(last4) and norm(applicant.national_id)[-4:] == last4


def same_applicant(a: Applicant, b: Applicant) -> bool:
    """The same person by name and ID number (spaces, width and case aside)."""
    return norm(a.name) == norm(b.name) and norm(a.national_id) == norm(b.national_id)


def applicant_not_of_case(case_number: str) -> DomainError:
    """An applicant given beside a case that is not the case's own (nothing is asked of the
    card: the proof could only be recorded on the case)."""
    return DomainError(
        "identity.applicant_not_case",
        f"所填申請人不是案件 {case_number} 的申請人：驗證結果只會與該案件的申請人比對，"
        "請勿另填申請人，或改填該案件的申請人",
        f"The applicant given is not the applicant of case {case_number}: a proof on a case "
        "is checked against that case's own applicant; leave the applicant out or give "
        "that case's applicant",
        "applicant",
    )


def proof_not_for_applicant() -> DomainError:
    return DomainError(
        "identity.not_this_applicant",
        "自然人憑證的持卡人與申請人不符：驗證結果不能記錄於此案件，請重新驗證",
        "The certificate holder is not this applicant: the verification cannot be recorded "
        "on this case; verify again",
        "identity",
    )


def record_with_intake(
    app: App, session: Session, state: CaseState, at: datetime, result: ProofResult
) -> CaseState:
    """Records a proof made on the intake form in the intake transaction of its new case,
    provided its holder is the case's applicant."""
    applicant = Applicant(state.applicant_name, state.applicant_id)
    if not result.ok or not holder_matches(result, applicant):
        raise proof_not_for_applicant()
    event = app.actor.event(state.case_id, ev.IDENTITY_VERIFIED, at, proof_payload(result, True))
    return append_approved(app, session, state, event, result.granted)


def _record(app: App, case_number: str, result: ProofResult, applicant: Applicant | None) -> str:
    payload = proof_payload(result, applicant is not None)
    with app.transaction() as s:
        case_id = resolve_case_id(s, case_number)
        state = record(app, s, case_id, ev.IDENTITY_VERIFIED, payload, granted=result.granted)
        del state
        last = repo.events_for(s, case_id)[-1]
    return last.event_id
