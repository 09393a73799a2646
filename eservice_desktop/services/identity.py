"""Identity at the counter: NHI card data, and the MOICA proof of identity (seed appendix 25).

Two very different things live here on purpose, so that nobody confuses them:
- the NHI card is *read*: its data fills the intake form as "read from NHI card" and is never
  proof of identity;
- the MOICA card *proves*: a fresh single-use nonce is signed by the card's key after the holder
  types the PIN, the signature is verified with the certificate, the certificate is validated
  (anchors, policy, chain, key usage, time, revocation), and the holder is matched to the case's
  applicant. Only then is ``case.identity_verified`` recorded, with what was checked and how
  fresh the revocation data was, never the PIN or anything of the key.

Revocation unknown (lists past nextUpdate, or none) is reported as such; the office policy then
refuses, or accepts a supervisor's recorded override.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from sqlalchemy import delete, update

from eservice_desktop.devices import moica, pki
from eservice_desktop.domain import values
from eservice_desktop.domain.case import APPROVE_IDENTITY_REVOCATION_UNKNOWN
from eservice_desktop.domain.operators import Action
from eservice_desktop.services.approvals import Granted, grant
from eservice_desktop.services.cases import resolve_case_id
from eservice_desktop.services.core import App
from eservice_desktop.services.identity_card import (
    PinError,
    card_error,
    locked_error,
    moica_presence,
)
from eservice_desktop.services.identity_checks import (
    check_holder,
    check_time,
    ee_revocation,
    policy_of,
    revocation_facts,
    verify_signature,
)
from eservice_desktop.services.identity_crl import (
    CrlUpdate,
    accept_crl,
    cached_arls,
    cached_lists,
    crl_status,
    crl_update_due,
    download_lists,
    trust_store,
    update_crls,
)
from eservice_desktop.services.identity_nhi import (
    CardWatch,
    Listener,
    ReaderState,
    ReaderStatus,
    card_status,
    read_nhi,
)
from eservice_desktop.services.identity_record import (
    Applicant,
    Override,
    ProofResult,
    _record,
    applicant_not_of_case,
    holder_matches,
    proof_not_for_applicant,
    proof_payload,
    record_with_intake,
    same_applicant,
)
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo
from eservice_desktop.storage.models_identity import IdentityNonceRow

#: The NHI card, the revocation lists, the proof's checks, the card's errors and the proof's
#: record live in identity_nhi, identity_crl, identity_checks, identity_card and
#: identity_record; all importable from here.
__all__ = [
    "NONCE_BYTES",
    "NONCE_KEEP",
    "NONCE_LIFETIME",
    "Applicant",
    "CardWatch",
    "Challenge",
    "CrlUpdate",
    "Listener",
    "Override",
    "PinError",
    "ProofResult",
    "ReaderState",
    "ReaderStatus",
    "accept_crl",
    "applicant_of_case",
    "cached_arls",
    "cached_lists",
    "card_status",
    "crl_status",
    "crl_update_due",
    "download_lists",
    "finish_proof",
    "holder_matches",
    "locked_error",
    "moica_presence",
    "proof_not_for_applicant",
    "proof_payload",
    "read_nhi",
    "record_with_intake",
    "start_proof",
    "token_status",
    "update_crls",
    "verify_moica",
]

log = logging.getLogger("eservice.identity")

NONCE_BYTES = 32
NONCE_LIFETIME = timedelta(seconds=120)
NONCE_KEEP = timedelta(days=1)


# --------------------------------------------------------------------------- MOICA proof


@dataclass(frozen=True)
class Challenge:
    nonce: bytes
    expires_at: datetime


def start_proof(app: App, case_id: str | None = None) -> Challenge:
    """Issues a fresh 32-byte nonce, recorded so it can be used once, within its lifetime."""
    require(app, Action.VERIFY_IDENTITY)
    nonce = secrets.token_bytes(NONCE_BYTES)
    now = app.now()
    with app.transaction() as s:
        # Spent and expired nonces are kept a day (for a replay to be recognised as one),
        # then dropped so the table stays small.
        s.execute(delete(IdentityNonceRow).where(IdentityNonceRow.expires_at < now - NONCE_KEEP))
        s.add(
            IdentityNonceRow(
                nonce=nonce.hex(),
                issued_at=now,
                expires_at=now + NONCE_LIFETIME,
                used_at=None,
                case_id=case_id,
            )
        )
    return Challenge(nonce, now + NONCE_LIFETIME)


def _consume_nonce(app: App, nonce: bytes) -> str:
    """Marks the nonce used; returns "" or why it cannot be used (unknown, replayed, expired)."""
    now = app.now()
    with app.transaction() as s:
        row = s.get(IdentityNonceRow, nonce.hex())
        if row is None:
            return "unknown nonce"
        if row.used_at is not None:
            return "nonce already used (replay)"
        expires = repo.aware(row.expires_at)
        assert expires is not None
        result = s.execute(
            update(IdentityNonceRow)
            .where(IdentityNonceRow.nonce == nonce.hex(), IdentityNonceRow.used_at.is_(None))
            .values(used_at=now)
        )
        if getattr(result, "rowcount", 1) != 1:
            return "nonce already used (replay)"
        if now > expires:
            return "nonce expired"
    return ""


def _validate(
    app: App, cert: x509.Certificate, nonce: bytes, signature: bytes, now: datetime
) -> tuple[pki.ValidationReport, pki.Revocation]:
    """Every check of the proof into one report: nonce, signature, clock, path, revocation."""
    store = trust_store(app.settings)
    policy = policy_of(app.settings)
    report = pki.ValidationReport()
    problem = _consume_nonce(app, nonce)
    report.set("nonce", "failed" if problem else "passed", problem)
    sig_ok = verify_signature(cert, nonce, signature)
    report.set("signature", "passed" if sig_ok else "failed", "" if sig_ok else "bad signature")
    check_time(app, policy, report, now)
    arls = cached_arls(app)
    pki.validate_path(cert, store=store, policy=policy, moment=now, arls=arls, report=report)
    rev = ee_revocation(app, cert, store, now)
    rev_status = {"good": "passed", "revoked": "failed", "unknown": "unknown"}[rev.status]
    report.set("revocation_ee", rev_status, rev.detail or rev.status)
    return report, rev


def _approved(app: App, override: Override | None, case_number: str | None) -> Granted | None:
    """The supervisor's override, verified (self-approval, reason, password, supervisor role,
    the scope against the case's service) before anything of the proof is done: the nonce, the
    PIN on the citizen's card, a record. A wrong approver was found only once the card had
    signed and the nonce was spent."""
    if override is None:
        return None
    service = ""
    if case_number:
        with app.reading() as s:
            state = repo.load_state(s, resolve_case_id(s, case_number))
            service = state.service_code if state is not None else ""
    approval = override.as_approval()
    return grant(app, approval, APPROVE_IDENTITY_REVOCATION_UNKNOWN, service_code=service)


def _decide(app: App, result: ProofResult, approved: Granted | None) -> bool:
    """Sets the verdict from the report; False when the proof stops here (refused, or waiting
    for a supervisor because revocation is unknown)."""
    report = result.report
    if report.failed:
        result.verdict = "refused"
        result.reasons = report.failed
        return False
    unchecked = [c.name for c in report.checks.values() if c.status == "not_checked"]
    unchecked = [name for name in unchecked if name != "holder"]
    if unchecked:  # a check that never ran is no pass, whatever else is unknown
        result.verdict = "refused"
        result.reasons = unchecked
        return False
    if not report.unknown:
        return True
    result.reasons = report.unknown
    if policy_of(app.settings).revocation_unknown != "override":
        result.verdict = "refused"
        return False
    if approved is None:
        result.verdict = "revocation_unknown"
        return False
    granted = approved.for_action(APPROVE_IDENTITY_REVOCATION_UNKNOWN, result.certificate["serial"])
    result.verdict = "verified_with_override"
    result.granted = granted
    result.override = {
        "supervisor": granted.approved_by,
        "requested_by": granted.requested_by,
        "reason": granted.reason,
    }
    return True


def finish_proof(
    app: App,
    *,
    nonce: bytes,
    signature: bytes,
    cert: x509.Certificate,
    applicant: Applicant | None,
    case_number: str | None = None,
    override: Override | None = None,
) -> ProofResult:
    """Verifies a signed challenge and the certificate; records the event when it passes."""
    require(app, Action.VERIFY_IDENTITY)
    approved = _approved(app, override, case_number)
    return _finish(app, nonce, signature, cert, applicant, case_number, approved)


def _finish(  # noqa: PLR0917 - the proof and what it is for, as finish_proof takes them
    app: App,
    nonce: bytes,
    signature: bytes,
    cert: x509.Certificate,
    applicant: Applicant | None,
    case_number: str | None,
    approved: Granted | None,
) -> ProofResult:
    now = app.now()
    report, rev = _validate(app, cert, nonce, signature, now)
    result = ProofResult(
        verdict="verified",
        report=report,
        certificate={
            "serial": f"{cert.serial_number:X}",
            "issuer": cert.issuer.rfc4514_string(),
            "subject": cert.subject.rfc4514_string(),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "policies": report.policies,
        },
        holder=check_holder(cert, applicant, report),
        revocation=revocation_facts(rev, now),
    )
    if _decide(app, result, approved) and case_number:
        result.event_id = _record(app, case_number, result, applicant)
    return result


def applicant_of_case(app: App, case_number: str) -> Applicant:
    require(app, Action.VIEW_CASE)
    from eservice_desktop.services.cases import load_case

    state = load_case(app, case_number)
    return Applicant(state.applicant_name, state.applicant_id)


def token_status(app: App) -> moica.TokenStatus:
    """What the card says before the PIN is asked; an unusable trust configuration is said
    first (the holder typed the PIN, then heard 信任錨設定有誤)."""
    trust_store(app.settings)
    try:
        return moica.status(app.settings.pkcs11_module, app.settings.pkcs11_token_label)
    except moica.CardError as e:
        raise card_error(e) from e


def verify_moica(
    app: App,
    pin: str,
    applicant: Applicant | None = None,
    case_number: str | None = None,
    override: Override | None = None,
) -> ProofResult:
    """The whole proof: challenge, one PIN attempt on the card, verification, record."""
    require(app, Action.VERIFY_IDENTITY)
    if case_number:
        # The holder is always compared with the case's own applicant: a proof checked against
        # someone else must never be recorded on this case (refused before the PIN is used).
        of_case = applicant_of_case(app, case_number)
        if applicant is not None and not same_applicant(applicant, of_case):
            raise applicant_not_of_case(case_number)
        applicant = of_case
    case_id = None
    if case_number:
        with app.reading() as s:
            case_id = resolve_case_id(s, case_number)
    trust_store(app.settings)  # IT's to fix: said before the holder types the PIN
    # An empty or malformed PIN never reaches the card: it would count it as a wrong one.
    values.check_pin(pin)
    approved = _approved(app, override, case_number)  # before the nonce and the card
    challenge = start_proof(app, case_id)
    try:
        signature, cert = moica.sign(
            app.settings.pkcs11_module, app.settings.pkcs11_token_label, pin, challenge.nonce
        )
    except moica.CardError as e:
        raise card_error(e) from e
    finally:
        del pin
    return _finish(app, challenge.nonce, signature, cert, applicant, case_number, approved)
