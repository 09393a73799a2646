"""Document-free look-ups (免書證免謄本) at the counter: with the citizen's consent, the clerk
asks the county for a document instead of the citizen bringing it (docs/lookups.md).

:func:`run_lookup` checks the case (open, the kind is one of its service's look-ups, the
citizen consented to that kind: on the case already, or given now with ``record_consent``),
asks the county (``POST /v1/lookups``), verifies the result's Ed25519 signature with the
county receipt keys sync brought (``sync_reference`` ``county_keys``) and that it answers this
case, kind and subject, then in one transaction stores the result as a sealed attachment of
the case (uploaded by the resumable engine) and appends ``case.lookup_done`` (after the
``case.consent_recorded`` the clerk gave with it) through the one ingest path. The savings
report then counts the case for that document (docs/reports.md).

Offline, refused, or a result that does not verify: a DomainError in zh-TW and English, and
nothing is stored (not even the consent given with the request).
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from hashlib import sha256
from typing import TYPE_CHECKING, Any

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.catalogue import DOCUMENT_FREE_KINDS, DOCUMENT_FREE_KINDS_EN
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_id
from eservice_desktop.domain.operators import Action
from eservice_desktop.services import case_attachments, cases
from eservice_desktop.services.core import App, DbStep, run_here
from eservice_desktop.services.operators import require

if TYPE_CHECKING:
    from eservice_desktop.county_link.client import CountyClient
    from eservice_desktop.county_link.protocol import LookupRequest

log = logging.getLogger("eservice.lookups")

OFFLINE_ZH = "無法連線縣府，請民眾提供書證或稍後再試（本次查詢未保存任何資料）"
OFFLINE_EN = (
    "The county cannot be reached: ask the citizen for the document or try later "
    "(nothing was stored)"
)


@dataclass(frozen=True)
class LookupKind:
    """A document kind the case's service may look up, and whether the citizen consented."""

    kind: str
    name_zh: str
    name_en: str
    consented: bool
    done: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "consented": self.consented,
            "done": self.done,
        }


@dataclass(frozen=True)
class LookupResult:
    case_number: str
    kind: str
    result_id: str
    issued_at: str
    subject: str
    fields: dict[str, Any]
    sha256: str
    attachment: str
    consent_recorded: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "case_number": self.case_number,
            "kind": self.kind,
            "result_id": self.result_id,
            "issued_at": self.issued_at,
            "subject": self.subject,
            "fields": self.fields,
            "sha256": self.sha256,
            "attachment": self.attachment,
            "consent_recorded": self.consent_recorded,
        }


def _err(code: str, zh: str, en: str, **extra: Any) -> DomainError:
    return DomainError(code, zh, en, field="kind", extra=extra)


def kinds_of(app: App, case_number: str) -> list[LookupKind]:
    """The document kinds the case's service looks up, in the catalogue's order of names."""
    require(app, Action.VIEW_CASE)
    state = cases.load_case(app, case_number)
    return _kinds(app, state)


def _kinds(app: App, state: CaseState) -> list[LookupKind]:
    service = app.catalogue.service(state.service_code)
    return [
        LookupKind(
            kind=k,
            name_zh=DOCUMENT_FREE_KINDS.get(k, k),
            name_en=DOCUMENT_FREE_KINDS_EN.get(k, k),
            consented=k in state.consent_kinds,
            done=k in state.lookup_kinds,
        )
        for k in sorted(service.document_free_lookups)
    ]


def _check_case(app: App, state: CaseState, kind: str, record_consent: bool) -> None:
    allowed = sorted(app.catalogue.service(state.service_code).document_free_lookups)
    if kind not in allowed:
        raise _err(
            "lookup.kind",
            f"此申辦項目不能查調「{kind}」；可查調：{'、'.join(allowed) or '（無）'}",
            f"This service does not look up “{kind}”; it looks up: "
            f"{', '.join(allowed) or '(none)'}",
            allowed=",".join(allowed),
        )
    if not state.is_open:
        raise _err(
            "lookup.case_not_open",
            "案件已結案或已撤回，不能再查調書證",
            "The case is no longer open; no look-up can be made",
        )
    if kind not in state.consent_kinds and not record_consent:
        raise _err(
            "lookup.no_consent",
            "民眾未同意查調此項書證；請先徵得同意並記錄"
            "（勾選「民眾當場同意」，或指令加 --consent）",
            "The citizen has not consented to this look-up; ask and record the consent (tick "
            "“Citizen consents now”, or --consent on the command line)",
        )


def _ask_county(client: CountyClient, req: LookupRequest) -> dict[str, Any]:
    from eservice_desktop.county_link.client import AuthError, LookupRefused, RateLimited, SyncError

    try:
        try:
            return client.lookup(req)
        finally:
            client.close()
    except LookupRefused as e:
        log.info("look-up %s refused by the county: %s", req.kind, e.code)
        raise _err(e.code, e.message_zh, e.message_en) from None
    except RateLimited as e:
        raise _err(
            "lookup.busy",
            f"縣府查詢次數已達上限，請 {e.retry_after} 秒後再試",
            f"Too many look-ups; try again in {e.retry_after} s",
        ) from None
    except AuthError as e:
        raise _err(
            "lookup.not_enrolled",
            f"{e.message('zh_TW')}；請民眾提供書證，並請資訊人員處理",
            f"{e.message('en')}; ask the citizen for the document and call IT",
        ) from None
    except (SyncError, OSError) as e:
        log.info("look-up %s: county unreachable (%s)", req.kind, type(e).__name__)
        raise _err("lookup.offline", OFFLINE_ZH, OFFLINE_EN) from None


def verify_result(
    result: dict[str, Any], keys: dict[str, str], *, case_number: str, kind: str, subject: str
) -> None:
    """Refuses (``lookup.signature``) a result whose signature does not verify with a county
    key this office trusts, or that answers another case, kind or subject."""
    # the protocol (pydantic) loads with the first look-up, not with the counter window
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from eservice_desktop.county_link.protocol import (
        LOOKUP_FORMAT,
        LOOKUP_SIGNED_FIELDS,
        lookup_signed_bytes,
    )

    bad = _err(
        "lookup.signature",
        "縣府查詢結果的簽章無法驗證，結果不予採用；請民眾提供書證或請資訊人員檢查同步金鑰",
        "The county's look-up result does not verify; it was not used. Ask the citizen for "
        "the document, or IT to check the synced keys",
    )
    if set(result) != {*LOOKUP_SIGNED_FIELDS, "signature"}:
        raise bad  # nothing unsigned is kept with a result
    pub = keys.get(str(result.get("key_id")))
    try:
        if pub is None or not isinstance(result.get("signature"), str):
            raise bad
        Ed25519PublicKey.from_public_bytes(base64.b64decode(pub)).verify(
            base64.b64decode(result["signature"]), lookup_signed_bytes(result)
        )
    except (InvalidSignature, ValueError, TypeError):
        raise bad from None
    expected = {"format": LOOKUP_FORMAT, "case_number": case_number, "kind": kind}
    if any(result.get(k) != v for k, v in expected.items()) or result.get("subject") != subject:
        raise bad
    if not isinstance(result.get("fields"), dict) or not isinstance(result.get("result_id"), str):
        raise bad


def _prepare(
    app: App, case_number: str, kind: str, record_consent: bool
) -> tuple[CaseState, dict[str, str], CountyClient]:
    """The database step before the request: the case and its checks, the trusted county keys
    and a client with the device credential (the keyring)."""
    from eservice_desktop.services import sync
    from eservice_desktop.services.sync.receipts import receipt_keys

    state = cases.load_case(app, case_number)
    require(app, Action.PROCESS, state.service_code)
    _check_case(app, state, kind, record_consent)
    with app.reading() as s:
        keys = receipt_keys(s)
    return state, keys, sync.make_client(app)


def run_lookup(
    app: App,
    case_number: str,
    kind: str,
    *,
    record_consent: bool = False,
    db: DbStep = run_here,
) -> LookupResult:
    """Looks ``kind`` up at the county for the case and keeps the verified result (module
    docstring). ``record_consent``: the citizen consents now, at the counter; the consent is
    recorded on the case with the result (and not at all when the look-up fails). ``db`` runs
    the database steps (the GUI runs this on its I/O pool and passes its writer's
    ``call_db``), so the wait for the county never holds the database."""
    from eservice_desktop.county_link.protocol import LookupRequest

    require(app, Action.PROCESS)
    kind = kind.strip()
    state, keys, client = db(_prepare, app, case_number, kind, record_consent)
    req = LookupRequest(
        case_number=state.case_number,
        service_code=state.service_code,
        kind=kind,
        subject_id=state.applicant_id,
        consent=True,
    )
    result = _ask_county(client, req)
    verify_result(
        result, keys, case_number=state.case_number, kind=kind, subject=mask_id(req.subject_id)
    )
    add_consent = record_consent and kind not in state.consent_kinds
    stored: LookupResult = db(_store, app, state, kind, result, add_consent)
    return stored


def _store(
    app: App, state: CaseState, kind: str, result: dict[str, Any], add_consent: bool
) -> LookupResult:
    data = json.dumps(result, ensure_ascii=False, sort_keys=True, indent=1).encode()
    sha = sha256(data).hexdigest()
    name = f"免書證查詢-{kind}-{result['result_id'][:8]}.json"
    stored = case_attachments.seal_file(app, sha, data)
    try:
        with app.transaction() as s:
            if add_consent:
                consent = sorted(state.consent_kinds | {kind})
                cases.record(app, s, state.case_id, ev.CONSENT_RECORDED, {"kinds": consent})
            case_attachments.register(
                app,
                s,
                state.case_id,
                sha=sha,
                stored=stored,
                data=data,
                media_type=case_attachments.LOOKUP_MEDIA_TYPE,
                name=name,
            )
            cases.record(
                app,
                s,
                state.case_id,
                ev.LOOKUP_DONE,
                {"kind": kind, "result_id": result["result_id"], "sha256": sha},
            )
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    log.info("look-up %s stored on a case", kind)
    return LookupResult(
        case_number=state.case_number,
        kind=kind,
        result_id=str(result["result_id"]),
        issued_at=str(result.get("issued_at", "")),
        subject=str(result.get("subject", "")),
        fields=dict(result["fields"]),
        sha256=sha,
        attachment=name,
        consent_recorded=add_consent,
    )
