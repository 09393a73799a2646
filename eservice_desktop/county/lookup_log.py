"""Who read a citizen's record: every document-free look-up an office asked the county
(county/lookups.py), answered or refused, kept in ``county_lookup_log``.

A look-up reads a person's household or land record from the county's registry. The office
records it on the case (``case.lookup_done``, with its clerk), but the county, which holds the
registry, kept only a log line of the kind, device and outcome: asked by a citizen (or an
auditor) who had read their record, it could not say. Each look-up is now kept with its time,
office, device, case number, document kind, outcome and whose record it was: the ID itself is
stored nowhere at the county, and the log is read by the ID (:func:`who_read`), keyed the same
way for each kind the log holds.

Whose record is an HMAC-SHA256, under a key derived from the county's vault
(:data:`KEY_PURPOSE`), of the registry's hash of the kind and the ID
(``lookups.subject_hash``). That hash alone was the log's key until 0010: an ID is one letter
and nine digits, so anyone holding the database (a copy, a backup, a stolen disk) reversed
every row by trying them all in minutes and read who was looked up, when and by which office.
Keyed by the county's secret, which the database does not hold, a row names no one without
it; keyed over the registry's hash, a row an older build wrote is keyed in place at the first
start with the secret (:func:`key_old_rows`), its ID unknown to the county.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county import vault
from eservice_desktop.county.lookups import subject_hash
from eservice_desktop.county.store import DeviceRow, LookupLogRow, aware
from eservice_desktop.county_link.protocol import LookupRequest
from eservice_desktop.domain.text_values import printable

#: The outcome of a look-up the county answered (a refusal's is its code).
ANSWERED = "answered"
#: The longest case number a request holds (``LookupRequest``) and the log's column keeps.
CASE_NUMBER_MAX = 24
#: What the vault's key of the log is derived for (``Vault.derive``).
KEY_PURPOSE = "eservice-county-lookup-log/1"


def subject_key(s: Session, kind: str, subject_id: str) -> str:
    """Whose record a row is: the county's keyed hash of the kind and the ID."""
    return _keyed(vault.of(s).derive(KEY_PURPOSE), subject_hash(kind, subject_id))


def _keyed(key: bytes, registry_hash: str) -> str:
    return hmac.new(key, registry_hash.encode(), hashlib.sha256).hexdigest()


def key_old_rows(s: Session) -> int:
    """Keys the rows an older build wrote under the registry's unkeyed hash (once, at the
    first start with the secret; the caller then rewrites the database file so no freed page
    keeps the old hash): how many there were."""
    key = vault.of(s).derive(KEY_PURPOSE)
    n = 0
    for row in s.scalars(select(LookupLogRow).where(LookupLogRow.subject_keyed.is_(False))):
        row.subject_hash, row.subject_keyed = _keyed(key, row.subject_hash), True
        n += 1
    return n


def record(
    s: Session,
    dev: DeviceRow,
    req: LookupRequest,
    outcome: str,
    *,
    now: datetime,
    result_id: str = "",
) -> None:
    """Keeps one look-up (``outcome``: :data:`ANSWERED` or the refusal's code). The case
    number is the device's text (refused as no case number, ``lookup.case_number``, it is kept
    too): a control character in it is kept as its code point, ``U+001B``; kept as sent, a
    terminal's escape (clear the screen, a colour) or a line end reached the auditor's
    terminal when ``lookups --subject`` listed it."""
    s.add(
        LookupLogRow(
            at=now,
            office=dev.office,
            device=dev.device,
            case_number=printable(req.case_number, CASE_NUMBER_MAX)[:CASE_NUMBER_MAX],
            kind=req.kind,
            subject_hash=subject_key(s, req.kind, req.subject_id),
            subject_keyed=True,
            outcome=outcome,
            result_id=result_id,
        )
    )


@dataclass(frozen=True)
class LookupSeen:
    """One look-up of the person asked about, as :func:`who_read` lists it."""

    at: str  # ISO 8601, UTC
    office: str
    device: str
    case_number: str
    kind: str
    outcome: str
    result_id: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def who_read(
    s: Session, subject_id: str, start: datetime | None = None, end: datetime | None = None
) -> list[LookupSeen]:
    """Every look-up of ``subject_id``'s records (``start`` included, ``end`` excluded), oldest
    first: the ID keyed for each document kind the log holds (the session must carry the
    vault, ``cli_common.open_sessions`` with the secret). The bounds are compared as
    UTC, as the times are stored: SQLite keeps a time as its wall-clock text without its zone,
    and a Taipei midnight compared as written moved each day's edge eight hours late (a
    look-up at 03:00 was left out of its own day and listed in the day before)."""
    kinds = s.scalars(select(LookupLogRow.kind).distinct()).all()
    hashes = [subject_key(s, kind, subject_id) for kind in kinds]
    if not hashes:
        return []
    query = select(LookupLogRow).where(LookupLogRow.subject_hash.in_(hashes))
    if start is not None:
        query = query.where(LookupLogRow.at >= as_utc(start))
    if end is not None:
        query = query.where(LookupLogRow.at < as_utc(end))
    return [
        LookupSeen(
            at=aware(r.at).isoformat(),
            office=r.office,
            device=r.device,
            case_number=r.case_number,
            kind=r.kind,
            outcome=r.outcome,
            result_id=r.result_id,
        )
        for r in s.scalars(query.order_by(LookupLogRow.at, LookupLogRow.id))
    ]


def as_utc(at: datetime) -> datetime:
    """``at`` in UTC; the first moment there is for a time before it (Taipei's 0001-01-01
    00:00 is a year 0 in UTC, which Python has not)."""
    try:
        return at.astimezone(UTC)
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)
