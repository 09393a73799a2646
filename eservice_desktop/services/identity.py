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

import itertools
import logging
import secrets
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from eservice_desktop.config import Settings
from eservice_desktop.devices import crl as crlmod
from eservice_desktop.devices import moica, pcsc, pki
from eservice_desktop.devices.apdu import ApduError
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import APPROVE_IDENTITY_REVOCATION_UNKNOWN, CaseState
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.services.approvals import Approval, Granted, append_approved, grant
from eservice_desktop.services.cases import record, resolve_case_id
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import repo
from eservice_desktop.storage.models_identity import CrlCacheRow, IdentityNonceRow

log = logging.getLogger("eservice.identity")

NONCE_BYTES = 32
NONCE_LIFETIME = timedelta(seconds=120)
NONCE_KEEP = timedelta(days=1)


# --------------------------------------------------------------------------- NHI card

ReaderState = pcsc.ReaderState
ReaderStatus = pcsc.ReaderStatus


Listener = Callable[[pcsc.ReaderStatus], None]


class CardWatch:
    """One reader monitor per process, shared by every window or panel that subscribes.

    Listeners are called on the monitor thread; one that raises RuntimeError (a Qt object
    already deleted) is dropped. A new subscriber first receives the current status of every
    reader, so a panel opened while a card is in the reader shows it.
    """

    _shared: CardWatch | None = None
    _shared_lock = threading.Lock()

    def __init__(self) -> None:
        self._listeners: dict[int, Listener] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._monitor: pcsc.PcscMonitor | None = None

    @classmethod
    def shared(cls) -> CardWatch:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = CardWatch()
            return cls._shared

    def subscribe(self, listener: Listener) -> int:
        token = next(self._ids)
        with self._lock:
            self._listeners[token] = listener
            if self._monitor is None:
                self._monitor = pcsc.PcscMonitor(self._dispatch).start()
                current: list[pcsc.ReaderStatus] = []
            else:
                current = list(self._monitor.statuses())
        for st in current:
            self._call(token, listener, st)
        return token

    def unsubscribe(self, token: int) -> None:
        with self._lock:
            self._listeners.pop(token, None)

    def statuses(self) -> list[pcsc.ReaderStatus]:
        with self._lock:
            return list(self._monitor.statuses()) if self._monitor else []

    def _call(self, token: int, listener: Listener, st: pcsc.ReaderStatus) -> None:
        try:
            listener(st)
        except RuntimeError:
            self.unsubscribe(token)

    def _dispatch(self, st: pcsc.ReaderStatus) -> None:
        with self._lock:
            listeners = list(self._listeners.items())
        for token, listener in listeners:
            self._call(token, listener, st)


def card_status(read_cards: bool = True) -> list[pcsc.ReaderStatus]:
    """Every reader and what is in it (NHI data read when ``read_cards``)."""
    try:
        return pcsc.snapshot(read_cards=read_cards)
    except ApduError as e:
        raise DomainError(
            "card.service",
            "讀卡機服務無法使用（智慧卡服務未啟動？）",
            "The smart-card service is unavailable (is the PC/SC service running?)",
        ) from e


def read_nhi() -> pcsc.ReaderStatus:
    """The first reader holding a readable NHI card."""
    statuses = card_status()
    for st in statuses:
        if st.record is not None:
            return st
    if not statuses:
        raise DomainError("card.no_reader", "未偵測到讀卡機", "No card reader found")
    if any(st.card == "nhi" for st in statuses):
        raise DomainError(
            "card.unreadable", "健保卡資料無法讀取，請重新插卡", "The NHI card could not be read"
        )
    raise DomainError("card.no_nhi", "讀卡機中沒有健保卡", "No NHI card in any reader")


# --------------------------------------------------------------------------- CRL / ARL


def _trust_store(app: App) -> pki.TrustStore:
    try:
        return pki.TrustStore.load(app.settings.trust_anchor_dir)
    except pki.TrustError as e:
        raise DomainError(
            "pki.trust_config",
            "信任錨設定有誤，請洽資訊人員：" + str(e),
            "The trust anchor configuration is unusable; call IT: " + str(e),
        ) from e


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else repo._aware(value)


def _info(row: CrlCacheRow) -> crlmod.CrlInfo:
    this_update = _aware(row.this_update)
    assert this_update is not None
    return crlmod.CrlInfo(
        kind=row.kind,
        issuer=row.issuer,
        issuer_fingerprint=row.issuer_fingerprint,
        crl_number=row.crl_number,
        this_update=this_update,
        next_update=_aware(row.next_update),
        sha256=row.sha256,
        revoked_count=row.revoked_count,
        url=row.url,
    )


def cached_lists(app: App) -> list[tuple[crlmod.CrlInfo, datetime]]:
    with app.reading() as s:
        rows = list(s.scalars(select(CrlCacheRow).order_by(CrlCacheRow.issuer)))
    out: list[tuple[crlmod.CrlInfo, datetime]] = []
    for r in rows:
        fetched = _aware(r.fetched_at)
        assert fetched is not None
        out.append((_info(r), fetched))
    return out


@dataclass(frozen=True)
class CrlUpdate:
    source: str
    accepted: bool
    code: str = ""  # why not accepted
    info: crlmod.CrlInfo | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "accepted": self.accepted,
            "code": self.code,
            "info": self.info.to_json() if self.info else None,
        }


def accept_crl(app: App, data: bytes, source: str = "") -> CrlUpdate:
    """Verifies one downloaded (or imported) list and makes it current for its issuer."""
    store = _trust_store(app)
    previous = {info.issuer: info for info, _ in cached_lists(app)}
    try:
        info, der, serials = crlmod.verify(data, store, source, previous)
    except crlmod.CrlRejected as e:
        log.warning("CRL from %s rejected: %s", source or "file", e.code)
        return CrlUpdate(source, False, e.code)
    crlmod.store_files(app.settings.data_dir, info, der, serials)
    with app.transaction() as s:
        row = s.get(CrlCacheRow, info.issuer)
        if row is None:
            row = CrlCacheRow(issuer=info.issuer)
            s.add(row)
        row.kind = info.kind
        row.issuer_fingerprint = info.issuer_fingerprint
        row.crl_number = info.crl_number
        row.this_update = info.this_update
        row.next_update = info.next_update
        row.sha256 = info.sha256
        row.revoked_count = info.revoked_count
        row.url = source
        row.fetched_at = app.now()
    crlmod.prune(app.settings.data_dir, {i.sha256 for i, _ in cached_lists(app)})
    return CrlUpdate(source, True, "", info)


def update_crls(
    app: App, fetch: Callable[[str], bytes] = crlmod.download, files: list[Path] | None = None
) -> list[CrlUpdate]:
    """Downloads every configured list (settings.crl_urls) and/or imports files."""
    results: list[CrlUpdate] = []
    for url in app.settings.crl_urls.split():
        try:
            data = fetch(url)
        except Exception as e:  # network errors of any kind: report, keep the cached list
            log.warning("CRL download failed from %s: %s", url, type(e).__name__)
            results.append(CrlUpdate(url, False, "download"))
            continue
        results.append(accept_crl(app, data, url))
    for path in files or []:
        results.append(accept_crl(app, path.read_bytes(), str(path)))
    return results


def crl_update_due(app: App) -> bool:
    """The schedule: due when a list is missing, older than the interval, or expiring."""
    if not app.settings.crl_urls.split():
        return False
    lists = cached_lists(app)
    if not lists:
        return True
    now = app.now()
    interval = timedelta(hours=app.settings.crl_update_interval_h)
    for info, fetched in lists:
        if now - fetched >= interval:
            return True
        if info.next_update is not None and info.next_update - now < interval:
            return True
    return False


def crl_status(app: App) -> list[dict[str, Any]]:
    now = app.now()
    out = []
    for info, fetched in cached_lists(app):
        d = info.to_json()
        d["fetched_at"] = fetched.isoformat()
        d["fresh"] = info.fresh_at(now)
        d["age_s"] = int((now - info.this_update).total_seconds())
        out.append(d)
    return out


# --------------------------------------------------------------------------- MOICA proof


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


@dataclass(frozen=True)
class Challenge:
    nonce: bytes
    expires_at: datetime


class PinError(DomainError):
    """Wrong or blocked PIN; carries what the card says about the tries left."""

    def __init__(self, code: str, zh: str, en: str, tries: moica.PinTries | None) -> None:
        super().__init__(code, zh, en, field="pin")
        self.tries = tries


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
        expires = _aware(row.expires_at)
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


def _verify_signature(cert: x509.Certificate, nonce: bytes, signature: bytes) -> bool:
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, nonce, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, nonce, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _ee_revocation(
    app: App, cert: x509.Certificate, store: pki.TrustStore, now: datetime
) -> pki.Revocation:
    issuer = store.issuer_of(cert)
    issuer_dn = cert.issuer.rfc4514_string()
    for info, _ in cached_lists(app):
        if info.kind != "crl" or info.issuer != issuer_dn:
            continue
        if issuer is None or info.issuer_fingerprint != pki.fingerprint(issuer):
            continue
        base = pki.Revocation(
            status="unknown",
            source=info.url or "cache",
            crl_number=info.crl_number,
            this_update=info.this_update,
            next_update=info.next_update,
        )
        if not info.fresh_at(now):
            base.detail = "CRL past nextUpdate" if info.next_update else "CRL without nextUpdate"
            return base
        try:
            revoked = crlmod.is_revoked(app.settings.data_dir, info, cert.serial_number)
        except FileNotFoundError:
            # Another process replaced this list between our read of the index row and now.
            base.detail = "CRL was being replaced; verify again"
            return base
        base.status = "revoked" if revoked else "good"
        return base
    return pki.Revocation(status="unknown", detail="no CRL for this issuer")


def _policy(app: App) -> pki.PkiPolicy:
    st = app.settings
    return pki.PkiPolicy.from_settings(
        st.pki_policy_oids, st.pki_mode, st.revocation_unknown_policy
    )


def _check_time(
    app: App, policy: pki.PkiPolicy, report: pki.ValidationReport, now: datetime
) -> None:
    """The PC clock against the newest signed time this office holds (its newest CRL)."""
    newest = max((info.this_update for info, _ in cached_lists(app)), default=None)
    if newest is None:
        report.set("trusted_time", "unknown", "no signed time reference (no CRL cached)")
    elif now < newest - policy.clock_tolerance:
        report.set("trusted_time", "failed", "the PC clock is earlier than the newest CRL")
    else:
        report.set("trusted_time", "passed")


def _check_holder(
    cert: x509.Certificate, applicant: Applicant | None, report: pki.ValidationReport
) -> dict[str, Any]:
    """The card holder's name and ID tail against the applicant's, when there is one."""
    holder_name = pki.holder_name(cert)
    last4 = pki.id_last4(cert)
    holder: dict[str, Any] = {"name": holder_name, "id_last4": last4 or ""}
    if applicant is None:
        report.set("holder", "not_checked", "no applicant to compare with")
        return holder
    name_ok = _norm(holder_name) == _norm(applicant.name)
    id_ok = last4 is not None and _norm(applicant.national_id)[-4:] == last4
    holder["matches"] = name_ok and id_ok
    if name_ok and id_ok:
        report.set("holder", "passed")
    else:
        what = [w for w, ok in (("name", name_ok), ("ID last 4", id_ok)) if not ok]
        report.set("holder", "failed", "mismatch: " + ", ".join(what))
    return holder


def _revocation_facts(rev: pki.Revocation, now: datetime) -> dict[str, Any]:
    return {
        "status": rev.status,
        "source": rev.source,
        "crl_number": rev.crl_number,
        "this_update": rev.this_update.isoformat() if rev.this_update else None,
        "next_update": rev.next_update.isoformat() if rev.next_update else None,
        "age_s": int((now - rev.this_update).total_seconds()) if rev.this_update else None,
        "detail": rev.detail,
    }


def _validate(
    app: App, cert: x509.Certificate, nonce: bytes, signature: bytes, now: datetime
) -> tuple[pki.ValidationReport, pki.Revocation]:
    """Every check of the proof into one report: nonce, signature, clock, path, revocation."""
    store = _trust_store(app)
    policy = _policy(app)
    report = pki.ValidationReport()
    problem = _consume_nonce(app, nonce)
    report.set("nonce", "failed" if problem else "passed", problem)
    sig_ok = _verify_signature(cert, nonce, signature)
    report.set("signature", "passed" if sig_ok else "failed", "" if sig_ok else "bad signature")
    _check_time(app, policy, report, now)
    arls = [
        crlmod.read_der(app.settings.data_dir, info.sha256)
        for info, _ in cached_lists(app)
        if info.kind == "arl"
    ]
    pki.validate_path(cert, store=store, policy=policy, moment=now, arls=arls, report=report)
    rev = _ee_revocation(app, cert, store, now)
    rev_status = {"good": "passed", "revoked": "failed", "unknown": "unknown"}[rev.status]
    report.set("revocation_ee", rev_status, rev.detail or rev.status)
    return report, rev


def _decide(app: App, result: ProofResult, override: Override | None) -> bool:
    """Sets the verdict from the report; False when the proof stops here (refused, or waiting
    for a supervisor because revocation is unknown)."""
    report = result.report
    if report.failed:
        result.verdict = "refused"
        result.reasons = report.failed
        return False
    if not report.unknown:
        return True
    result.reasons = report.unknown
    if _policy(app).revocation_unknown != "override":
        result.verdict = "refused"
        return False
    if override is None:
        result.verdict = "revocation_unknown"
        return False
    granted = grant(
        app,
        override.as_approval(),
        APPROVE_IDENTITY_REVOCATION_UNKNOWN,
        target=result.certificate["serial"],
    )
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
        holder=_check_holder(cert, applicant, report),
        revocation=_revocation_facts(rev, now),
    )
    if _decide(app, result, override) and case_number:
        result.event_id = _record(app, case_number, result, applicant)
    return result


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
    name_ok = _norm(str(result.holder.get("name", ""))) == _norm(applicant.name)
    last4 = str(result.holder.get("id_last4", ""))
    return name_ok and bool(last4) and _norm(applicant.national_id)[-4:] == last4


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


def applicant_of_case(app: App, case_number: str) -> Applicant:
    require(app, Action.VIEW_CASE)
    from eservice_desktop.services.cases import load_case

    state = load_case(app, case_number)
    return Applicant(state.applicant_name, state.applicant_id)


def token_status(app: App) -> moica.TokenStatus:
    try:
        return moica.status(app.settings.pkcs11_module, app.settings.pkcs11_token_label)
    except moica.CardError as e:
        raise _card_error(e) from e


def moica_presence(settings: Settings) -> dict[str, Any]:
    """What ``card status`` says of the citizen certificate token: its label, or why not."""
    try:
        info = moica.status(settings.pkcs11_module, settings.pkcs11_token_label).to_json()
    except moica.CardError as e:
        return {"present": False, "code": e.code}
    info["present"] = True
    return info


def locked_error() -> DomainError:
    """What the clerk reads when the card is already locked (shown before asking a PIN)."""
    return _card_error(moica.CardError("pin.locked", "locked", moica.PinTries("locked", 0)))


def _card_error(e: moica.CardError) -> DomainError:
    if e.code == "pin.wrong":
        left = e.tries.left if e.tries else None
        zh = "PIN 碼錯誤" + (f"，尚餘 {left} 次機會" if left is not None else "，剩餘次數已減少")
        en = "Wrong PIN" + (f"; {left} tries left" if left is not None else "; fewer tries left")
        if e.tries and e.tries.state == "final":
            zh, en = (
                "PIN 碼錯誤，僅剩最後 1 次機會，再錯將鎖卡",
                "Wrong PIN; ONE try left before lock",
            )
        return PinError("pin.wrong", zh, en, e.tries)
    if e.code == "pin.locked":
        return PinError("pin.locked", moica.BLOCKED_GUIDANCE_ZH, moica.BLOCKED_GUIDANCE_EN, e.tries)
    messages = {
        "pkcs11.not_configured": (
            "尚未設定自然人憑證模組（PKCS#11），請洽資訊人員",
            "No PKCS#11 module configured; call IT",
        ),
        "pkcs11.load": (
            "無法載入自然人憑證模組，請洽資訊人員",
            "Cannot load the PKCS#11 module; call IT",
        ),
        "card.absent": ("請插入自然人憑證", "Insert the citizen certificate card"),
        "card.many": ("偵測到多張憑證卡，請只留一張", "More than one card present; leave only one"),
        "pin.format": ("PIN 碼長度或字元不正確", "The PIN has the wrong length or characters"),
    }
    zh, en = messages.get(e.code, ("自然人憑證操作失敗", "The citizen certificate card failed"))
    return DomainError(e.code, zh, en, "pin" if e.code.startswith("pin") else None)


def verify_moica(
    app: App,
    pin: str,
    applicant: Applicant | None = None,
    case_number: str | None = None,
    override: Override | None = None,
) -> ProofResult:
    """The whole proof: challenge, one PIN attempt on the card, verification, record."""
    require(app, Action.VERIFY_IDENTITY)
    if case_number and applicant is None:
        applicant = applicant_of_case(app, case_number)
    case_id = None
    if case_number:
        with app.reading() as s:
            case_id = resolve_case_id(s, case_number)
    challenge = start_proof(app, case_id)
    try:
        signature, cert = moica.sign(
            app.settings.pkcs11_module, app.settings.pkcs11_token_label, pin, challenge.nonce
        )
    except moica.CardError as e:
        raise _card_error(e) from e
    finally:
        del pin
    return finish_proof(
        app,
        nonce=challenge.nonce,
        signature=signature,
        cert=cert,
        applicant=applicant,
        case_number=case_number,
        override=override,
    )
