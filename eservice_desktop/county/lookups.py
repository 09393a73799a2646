"""Document-free look-ups (免書證免謄本) at the county: a reference implementation over the
county's registry (``county_registry``, county/store.py).

An office device asks ``POST /v1/lookups`` for one document of one case (the case number, the
service, the document kind and the subject's ID) with the citizen's consent. The answer is a
signed result (format ``eservice-lookup/1``, docs/lookups.md): issuer, time, office, case
number, document kind, the *masked* subject, the record's fields, the id of the county's
receipt key and an Ed25519 signature the office checks with the receipt keys sync already
brought it. Refused: no consent, a kind the service does not look up, a case of another
office, an unknown subject. Nothing personal goes to the log (kind, device and outcome only);
every look-up is kept in ``county_lookup_log`` by a key of the county's secret (lookup_log.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county import notify, vault
from eservice_desktop.county.store import CountyCaseRow, DeviceRow, RegistryRow, RouteRow
from eservice_desktop.county_link.protocol import LOOKUP_FORMAT, LookupRequest, lookup_signed_bytes
from eservice_desktop.domain import values
from eservice_desktop.domain.case_number import parse_case_number
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_id

log = logging.getLogger("eservice.county.lookups")

#: The largest record (its fields as JSON) a registry file may hold.
MAX_FIELDS_JSON = 16 * 1024


class LookupRefused(Exception):
    """A look-up the county will not answer: HTTP ``status`` with ``code`` and both texts."""

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.status, self.code, self.message_zh, self.message_en = status, code, zh, en


def subject_hash(kind: str, subject_id: str) -> str:
    return hashlib.sha256(f"registry|{kind}|{subject_id.strip().upper()}".encode()).hexdigest()


def _aad(kind: str, digest: str) -> str:
    return f"registry:{kind}:{digest}"


def _check_case(s: Session, office: str, case_number: str) -> str:
    """The case's number as printed; the case must be this office's (its number names the
    office) or routed to it."""
    try:
        number = str(parse_case_number(case_number))
    except DomainError:
        raise LookupRefused(
            400, "lookup.case_number", "案號格式錯誤", "The case number is malformed"
        ) from None
    if number.split("-", maxsplit=1)[0] == office:
        return number
    case_id = s.scalar(select(CountyCaseRow.case_id).where(CountyCaseRow.case_number == number))
    if case_id is not None and s.get(RouteRow, (case_id, office)) is not None:
        return number
    raise LookupRefused(
        409,
        "lookup.other_office",
        "此案件不屬於本所，不能代為查詢",
        "The case is not this office's; the look-up is refused",
    )


def _check_kind(s: Session, service_code: str, kind: str) -> None:
    catalogue = notify.county_catalogue(s)
    if not catalogue.has_service(service_code):
        raise LookupRefused(
            400, "lookup.service", "申辦項目不明", f"Unknown service {service_code}"
        )
    if kind not in catalogue.service(service_code).document_free_lookups:
        raise LookupRefused(
            400,
            "lookup.kind",
            f"此申辦項目不能查調「{kind}」",
            f"The service does not look up the document kind {kind}",
        )


def lookup(
    s: Session, dev: DeviceRow, req: LookupRequest, now: datetime, sign: Any
) -> dict[str, Any]:
    """The signed result; ``sign`` is ``(key_id, private key)`` of the receipt key."""
    if not req.consent:
        raise LookupRefused(
            409,
            "lookup.no_consent",
            "未經民眾同意，不能查調書證",
            "The citizen's consent is required for a look-up",
        )
    number = _check_case(s, dev.office, req.case_number)
    _check_kind(s, req.service_code, req.kind)
    digest = subject_hash(req.kind, req.subject_id)
    row = s.get(RegistryRow, (req.kind, digest))
    if row is None:
        log.info("look-up %s by %s: no record", req.kind, dev.device_key)
        raise LookupRefused(
            404,
            "lookup.not_found",
            "縣府資料庫查無此項資料，請民眾提供書證",
            "The county registry has no such record; ask the citizen for the document",
        )
    fields = json.loads(vault.of(s).open(row.fields, _aad(req.kind, digest)))
    key_id, key = sign
    result: dict[str, Any] = {
        "format": LOOKUP_FORMAT,
        "result_id": str(uuid.uuid4()),
        "issuer": "county",
        "issued_at": now.isoformat(),
        "office": dev.office,
        "device": dev.device,
        "case_number": number,
        "kind": req.kind,
        "subject": mask_id(req.subject_id.upper()),
        "fields": fields,
        "key_id": key_id,
    }
    result["signature"] = base64.b64encode(key.sign(lookup_signed_bytes(result))).decode()
    log.info("look-up %s by %s: answered", req.kind, dev.device_key)
    return result


def _record(raw: Any, i: int, kinds: frozenset[str]) -> tuple[str, str, dict[str, Any]]:
    where = f"records[{i}]"
    if not isinstance(raw, Mapping):
        raise DomainError("registry.record", f"{where} 格式錯誤", f"{where} must be an object")
    kind, subject, fields = raw.get("kind"), raw.get("subject_id"), raw.get("fields")
    if kind not in kinds:
        raise DomainError(
            "registry.kind",
            f"{where} 的書證種類不在目錄的免書證查詢之列",
            f"{where}: the kind is not a look-up of the catalogue",
        )
    if not isinstance(subject, str) or not 8 <= len(subject.strip()) <= 10:
        raise DomainError(
            "registry.subject",
            f"{where} 的 subject_id 須為 8 至 10 碼",
            f"{where}: subject_id must have 8 to 10 characters",
        )
    if not isinstance(fields, Mapping) or not fields:
        raise DomainError(
            "registry.fields", f"{where} 的 fields 須為物件", f"{where}: fields must be an object"
        )
    if len(json.dumps(fields, ensure_ascii=False)) > MAX_FIELDS_JSON:
        raise DomainError("registry.fields", f"{where} 的資料過大", f"{where}: fields too large")
    try:  # what a look-up can answer: 1e999 was signed as Infinity and sent as null, so no
        # office could verify the answer (lookup.signature), and a bidi override or a control
        # character went into the attachment the office keeps and shows
        values.check_json(fields, f"{where}.fields")
    except DomainError as e:
        raise DomainError("registry.fields", e.message_zh, e.message_en) from None
    return str(kind), subject.strip().upper(), dict(fields)


def import_records(s: Session, records: Iterable[Any], now: datetime) -> dict[str, int]:
    """Adds or replaces registry records (``{"kind", "subject_id", "fields"}``); one bad record
    refuses them all. Returns the counts ``added`` and ``replaced``."""
    catalogue = notify.county_catalogue(s)
    kinds = frozenset(k for svc in catalogue.services for k in svc.document_free_lookups)
    checked = [_record(r, i, kinds) for i, r in enumerate(records)]
    box = vault.of(s)
    counts = {"added": 0, "replaced": 0}
    for kind, subject, fields in checked:
        digest = subject_hash(kind, subject)
        sealed = box.seal(json.dumps(fields, ensure_ascii=False).encode(), _aad(kind, digest))
        row = s.get(RegistryRow, (kind, digest))
        if row is None:
            s.add(RegistryRow(kind=kind, subject_hash=digest, fields=sealed, updated_at=now))
            counts["added"] += 1
        else:
            row.fields, row.updated_at = sealed, now
            counts["replaced"] += 1
    s.flush()
    return counts


def read_file(text: str) -> list[Any]:
    """A registry file: JSON, a list of records or ``{"records": [...]}``."""
    try:
        data = json.loads(text)
    except RecursionError:  # [[[[…: a traceback, the file nested deeper than json goes
        raise DomainError(
            "registry.json",
            "登錄資料檔不是 JSON：巢狀層次過深",
            "The registry file is not JSON: nested too deep",
        ) from None
    except ValueError as e:  # json's own words are English: the line, in the reader's words
        line = getattr(e, "lineno", "?")
        raise DomainError(
            "registry.json",
            f"登錄資料檔不是 JSON：第 {line} 行",
            f"The registry file is not JSON: line {line}",
        ) from None
    if isinstance(data, Mapping):
        data = data.get("records")
    if not isinstance(data, list):
        raise DomainError(
            "registry.json",
            "登錄資料檔須為紀錄清單（或含 records 的物件）",
            "The registry file must be a list of records (or an object with records)",
        )
    return data


#: What a demo county holds: the demo applicants of the counter's tests and demo data.
DEMO_RECORDS: tuple[dict[str, Any], ...] = (
    {
        "kind": "household_transcript",
        "subject_id": "A123456789",
        "fields": {
            "name": "王小明",
            "household_head": "王大明",
            "registered_address": "桃園市桃園區縣府路1號",
            "members": 3,
        },
    },
    {
        "kind": "land_transcript",
        "subject_id": "A123456789",
        "fields": {
            "owner": "王小明",
            "parcels": ["桃園區中正段 0123-0000（312.5 m²，持分 1/1）"],
        },
    },
    {
        "kind": "building_transcript",
        "subject_id": "A123456789",
        "fields": {
            "owner": "王小明",
            "buildings": ["桃園區中正段 01234-000 建號（縣府路1號，4 層，168.2 m²）"],
        },
    },
    {
        "kind": "household_transcript",
        "subject_id": "F131104093",
        "fields": {
            "name": "林美玲",
            "household_head": "林美玲",
            "registered_address": "桃園市中壢區中央西路二段30號",
            "members": 2,
        },
    },
    {
        "kind": "business_registration",
        "subject_id": "12345675",
        "fields": {
            "name": "桃園示範商行",
            "status": "核准設立",
            "address": "桃園市桃園區中山路10號",
        },
    },
    {
        "kind": "factory_registration",
        "subject_id": "12345675",
        "fields": {
            "name": "桃園示範工廠",
            "status": "生產中",
            "address": "桃園市觀音區工業三路5號",
        },
    },
)


def seed_demo(s: Session, now: datetime) -> int:
    """A demo county's registry (once: an existing registry is left alone)."""
    if s.scalar(select(RegistryRow.kind).limit(1)) is not None:
        return 0
    return import_records(s, DEMO_RECORDS, now)["added"]
