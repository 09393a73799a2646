"""Idempotency keys of the channels' applications (docs/channels.md, "Retries"): a web portal
or kiosk sends ``Idempotency-Key: <key>`` with ``POST /v1/channel/applications``, and a retry
of that request (a browser that sent it again, a double click, an answer lost on the way)
gets the first answer again instead of a second case.

- The key's scope is the channel and the applicant's ID: one citizen's key never answers, nor
  blocks, another citizen's application (a key someone else chose, or guessed, names another
  record), and one channel never reads another channel's answers.
- The same key with the same application (the body as the route read it) answers the first
  answer: the same status, the same case number; nothing is written.
- The same key with another application is refused (409, ``idempotency.key_reused``).
- Only a case made is remembered: a refused application (422) stores nothing, so the citizen
  may correct it and send it again under the same key.
- A key is remembered for :data:`KEEP` (24 hours) from the first answer; older ones are
  forgotten (deleted as new ones are written). At 120 requests a minute per channel that is at
  most 172,800 rows a channel, a few hundred bytes each.

Only hashes and the answer are stored: the key's row is named by the SHA-256 of the channel,
the applicant's ID and the key; the application by the SHA-256 of its canonical JSON. The
answer (case id and number, office, times, fee) holds no personal data.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from eservice_desktop.county.tables import CountyBase
from eservice_desktop.domain.errors import DomainError

#: The request header a channel names its key in (IETF draft "The Idempotency-Key HTTP
#: Header Field"; the key may be sent bare or as a quoted string).
HEADER = "Idempotency-Key"
#: How long a key is remembered after its first answer.
KEEP = timedelta(hours=24)
#: What a key may be: 8 to 128 characters of letters, digits and ``- _ . : + / =`` (a UUID,
#: a ULID, base64 of random bytes ...).
KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:+/=-]{8,128}")


class ChannelRequestRow(CountyBase):
    """A channel's application remembered under its idempotency key, with its answer."""

    __tablename__ = "county_channel_requests"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    body_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[int] = mapped_column(Integer, nullable=False)
    answer: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, index=True
    )


@dataclass(frozen=True)
class RequestKey:
    """Where an application's answer is remembered (``key_hash``) and what it was
    (``body_hash``)."""

    channel: str
    key_hash: str
    body_hash: str


class Replayed(Exception):
    """The request was answered before: ``answer`` with ``status``, nothing written."""

    def __init__(self, status: int, answer: dict[str, Any]) -> None:
        super().__init__(status)
        self.status, self.answer = status, answer


class KeyReused(Exception):
    """The key was used for another application (of the same applicant, on this channel)."""


def key_error(values: list[str]) -> DomainError | None:
    """Why the header's values are no key (None when they are one, or when there is none)."""
    if not values:
        return None
    if len(values) > 1:
        return DomainError(
            "idempotency.key",
            f"{HEADER} 標頭只能有一個",
            f"{HEADER} may be sent once",
            HEADER,
        )
    if KEY_PATTERN.fullmatch(_unquoted(values[0])) is None:
        return DomainError(
            "idempotency.key",
            f"{HEADER} 須為 8 到 128 個英數字或 - _ . : + / = 符號（建議使用 UUID）",
            f"{HEADER} must be 8-128 letters, digits or - _ . : + / = (a UUID, say)",
            HEADER,
        )
    return None


def _unquoted(value: str) -> str:
    """The key of ``"abc…"`` (the draft's quoted string form) or of ``abc…``."""
    text = value.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _folded_id(applicant_id: str) -> str:
    """The applicant's ID as the checks read it (full-width folded, capitals), for the scope."""
    return "".join(unicodedata.normalize("NFKC", applicant_id).split()).upper()


def request_key(channel: str, header: str, applicant_id: str, body: dict[str, Any]) -> RequestKey:
    """The key of an application whose header value passed :func:`key_error`."""
    scope = "\0".join((channel, _folded_id(applicant_id), _unquoted(header)))
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return RequestKey(
        channel,
        hashlib.sha256(scope.encode()).hexdigest(),
        hashlib.sha256(canonical.encode()).hexdigest(),
    )


def replay(s: Session, key: RequestKey, now: datetime) -> None:
    """Raises :class:`Replayed` with the first answer when the key answered this application
    within :data:`KEEP`, :class:`KeyReused` when it answered another; returns otherwise."""
    row = s.scalar(
        select(ChannelRequestRow).where(
            ChannelRequestRow.key_hash == key.key_hash, ChannelRequestRow.created_at > now - KEEP
        )
    )
    if row is None:
        return
    if row.body_hash != key.body_hash:
        raise KeyReused(key.channel)
    raise Replayed(row.status, json.loads(row.answer))


def remember(
    s: Session, key: RequestKey, status: int, answer: dict[str, Any], now: datetime
) -> None:
    """Keeps ``answer`` under the key, in the transaction that made the case (called under
    the feed lock, after :func:`replay` found nothing), and forgets the keys past their time."""
    s.execute(delete(ChannelRequestRow).where(ChannelRequestRow.created_at <= now - KEEP))
    s.add(
        ChannelRequestRow(
            key_hash=key.key_hash,
            channel=key.channel,
            body_hash=key.body_hash,
            status=status,
            answer=json.dumps(answer, ensure_ascii=False, sort_keys=True),
            created_at=now,
        )
    )
