"""The per-device hash chain of case events (tamper evidence).

Every event a device creates stores ``prev``, the hash of the previous event of the same device
(office + device), and ``hash``, the SHA-256 of its canonical encoding with that ``prev``. A row
edited, deleted or moved in a copy of the database breaks the chain at the first changed link;
the county checks the same chain on every push.

The canonical encoding is RFC 8785-like JSON: the fields ``event_id, case_id, type, office,
device, clerk, at`` (UTC, ISO 8601 as :meth:`Event.to_dict` writes it), ``payload`` and
``prev``, keys sorted, no whitespace, UTF-8 without escapes. It equals RFC 8785 for every value
an event may hold (text, integers within +-2^53, booleans, null, lists, objects with ASCII
keys); only the exponent spelling of very large or small floats would differ, and both ends
use this one function. The standard library's C encoder keeps it at one sha256 per event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from eservice_desktop.domain.events import Event

#: The ``prev`` of a device's first event.
GENESIS: Final = "0" * 64

#: What a broken link is called in ``audit verify`` (and the county's conflict reasons).
EDITED: Final = "edited"
DELETED: Final = "deleted"
REORDERED: Final = "reordered"
UNCHAINED: Final = "unchained"
HEAD: Final = "head"


#: The encoder of the canonical document (and of the payload's part of :func:`canonical`)
#: (made once: ``json.dumps`` with arguments builds a new encoder for every call).
_PAYLOAD = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
#: How ``json.dumps(..., ensure_ascii=False)`` writes a string.
_TEXT: Callable[[str], str] = json.encoder.encode_basestring
#: The C encoder behind :data:`_PAYLOAD`, made once (``JSONEncoder.encode`` makes one per
#: call, a quarter of an event's encoding); without the circular-reference bookkeeping, which
#: a payload cannot need (it was parsed from JSON or passed ``values.check_json``'s bounded
#: walk): a circular one still fails, with RecursionError. None without the C accelerator.
_C_PAYLOAD = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, _PAYLOAD.default, _TEXT, None, ":", ",", True, False, False
    )
    if json.encoder.c_make_encoder is not None  # type: ignore[attr-defined]
    else None
)


def payload_json(payload: Any) -> str:
    """The payload's part of the canonical encoding: ``_PAYLOAD.encode(payload)``."""
    if _C_PAYLOAD is not None and type(payload) is dict:
        return "".join(_C_PAYLOAD(payload, 0))
    return _PAYLOAD.encode(payload)


def canonical(event: Event, prev: str) -> bytes:
    """The bytes the hash is taken over (see the module docstring).

    Written field by field in the sorted key order (one hash per stored event): the same
    bytes as :func:`_canonical_document` gives, which it falls back to for an envelope field
    that is not text or a time that is not a plain ``datetime``."""
    return _canonical(event, prev, payload_json(event.payload))


def _canonical(event: Event, prev: str, encoded: str) -> bytes:
    """:func:`canonical` with the payload's part already ``encoded``."""
    text = _canonical_text(event, prev, encoded)
    return _canonical_document(event, prev) if text is None else text.encode()


def _canonical_text(event: Event, prev: str, encoded: str) -> str | None:
    """:func:`_canonical` as text; None for an envelope field that is not text or a time that
    is not a plain ``datetime`` (:func:`_canonical_document` is hashed then).

    Every stored event passes here: the types are compared in one chain (all ``str``, the
    time a ``datetime``), and the time's ISO text, which holds nothing JSON escapes, is
    written without the string encoder."""
    at, type_ = event.at, event.type
    case_id, clerk, device = event.case_id, event.clerk, event.device
    event_id, office = event.event_id, event.office
    texts = str is type(type_) is type(case_id) is type(clerk) is type(device)
    if not (texts and str is type(event_id) is type(office) is type(prev) and type(at) is datetime):
        return None
    t = _TEXT
    return (
        f'{{"at":"{(at if at.tzinfo is UTC else at.astimezone(UTC)).isoformat()}",'
        f'"case_id":{t(case_id)},"clerk":{t(clerk)},"device":{t(device)},'
        f'"event_id":{t(event_id)},"office":{t(office)},'
        f'"payload":{encoded},"prev":{t(prev)},"type":{t(type_)}}}'
    )


def _canonical_document(event: Event, prev: str) -> bytes:
    """The canonical encoding as its definition reads: one document, keys sorted."""
    doc: dict[str, Any] = {
        "event_id": event.event_id,
        "case_id": event.case_id,
        "type": event.type,
        "office": event.office,
        "device": event.device,
        "clerk": event.clerk,
        "at": event.at.astimezone(UTC).isoformat(),
        "payload": event.payload,
        "prev": prev,
    }
    return _PAYLOAD.encode(doc).encode("utf-8")


def event_hash(event: Event, prev: str) -> str:
    return hashlib.sha256(canonical(event, prev)).hexdigest()


def link(event: Event, prev: str) -> Event:
    """The event with its place in the chain after ``prev`` filled in."""
    return link_encoded(event, prev)[0]


def link_encoded(event: Event, prev: str, encoded: str | None = None) -> tuple[Event, str]:
    """:func:`link`, and the payload as the JSON text the hash was taken over (keys sorted,
    no whitespace, UTF-8 text unescaped): a JSON document equal to the payload, which a bulk
    append stores as the row's payload instead of encoding the payload a second time.
    ``encoded``: that text, when the caller holds it already (``payload_json`` of this very
    payload, unchanged since)."""
    digest, encoded, _ = digest_text(event, prev, encoded)
    return event.chained(prev, digest), encoded


def digest_encoded(event: Event, prev: str) -> tuple[str, str]:
    """:func:`link_encoded`'s hash (``event_hash(event, prev)``) and payload text, without the
    linked copy of the event: for a check of a link the event already carries (the county's
    push compares the hash and stores the text; the copy is a third of a link's cost)."""
    digest, encoded, _ = digest_text(event, prev)
    return digest, encoded


def digest_text(event: Event, prev: str, encoded: str | None = None) -> tuple[str, str, str | None]:
    """:func:`digest_encoded`, and the canonical text the hash was taken over (None where it
    was the document form's bytes): the event's fields as JSON text, which the county's feed
    carries, with the hash after them, instead of writing them once more. ``encoded``: as
    :func:`link_encoded`'s."""
    if encoded is None:
        encoded = payload_json(event.payload)
    text = _canonical_text(event, prev, encoded)
    data = _canonical_document(event, prev) if text is None else text.encode()
    return hashlib.sha256(data).hexdigest(), encoded, text


def holds_own_hash(e: Event) -> bool:
    """Whether an event that carries a link is the event its hash was taken over (one without
    a link holds trivially): what ``audit verify`` asks of every event pulled from another
    device, so the pull asks it first and sets aside an event that fails, which stored would
    make this office's own audit report its database as edited."""
    return not e.hash or not e.prev or event_hash(e, e.prev) == e.hash


@dataclass(frozen=True)
class Break:
    """The first broken link of one device's chain."""

    office: str
    device: str
    case_id: str
    event_id: str
    what: str

    def to_json(self) -> dict[str, str]:
        return {
            "office": self.office,
            "device": self.device,
            "case_id": self.case_id,
            "event_id": self.event_id,
            "what": self.what,
        }


def first_break(
    chain: Sequence[Event], *, strict: bool = True, links_only: Set[str] = frozenset()
) -> Break | None:
    """Walks one device's events in their stored order.

    ``strict`` (this device's own chain): every link must follow the previous event; events
    without a hash may only come before the first chained one (rows older than the chain),
    whose ``prev`` is the genesis value unless such older rows precede it. Not strict (events
    pulled from another device, a sparse part of its chain): each event's own hash only.
    ``links_only``: ids of events whose content was rewritten on purpose (retention), whose
    links are checked but not their content."""
    walk = ChainWalk(strict=strict)
    for e in chain:
        if walk.feed(e, links_only=e.event_id in links_only):
            break
    if walk.broken is None or walk.gap is None:
        return walk.broken
    i = walk.count - 1
    earlier = {c.hash for c in chain[:i] if c.hash and c.prev}
    later = any(c.hash == walk.gap for c in chain[i + 1 :])
    return walk.moved(walk.gap in earlier or later)


class ChainWalk:
    """One device's chain walked an event at a time, in stored order (:func:`first_break`'s
    rules): ``audit verify`` streams a database's events through one walk per device, holding
    the link each expects next instead of every event (a year's million events held at once
    took 4 GB).

    A link that does not follow is a deleted event or a reordered one: which, only the chain
    as a whole tells (the missing hash elsewhere in it: moved). The walk stops there with
    ``gap`` set to that ``prev``, and the caller, who can look, names it by :meth:`moved`."""

    def __init__(self, *, strict: bool = True) -> None:
        self.strict = strict
        self.expected: str | None = None
        self.legacy = False
        self.count = 0
        #: The last event with a hash (where the chain's head must point).
        self.last_linked: Event | None = None
        self.broken: Break | None = None
        #: The ``prev`` of the event that broke a link, until :meth:`moved` names the break.
        self.gap: str | None = None

    def feed(self, e: Event, *, links_only: bool = False) -> bool:
        """Walks one more event; True when the chain breaks at it (nothing is walked after)."""
        if self.broken is not None:
            return True
        self.count += 1
        if e.hash:
            self.last_linked = e
        if not e.hash or not e.prev:
            if self.strict and self.expected is not None:
                self.broken = _break(e, UNCHAINED)
                return True
            self.legacy = True
            return False
        if self.strict:
            want = (
                self.expected if self.expected is not None else (None if self.legacy else GENESIS)
            )
            if want is not None and e.prev != want:
                self.broken, self.gap = _break(e, DELETED), e.prev
                return True
        if not links_only and event_hash(e, e.prev) != e.hash:
            self.broken = _break(e, EDITED)
            return True
        self.expected = e.hash
        return False

    def moved(self, found_elsewhere: bool) -> Break:
        """The break at the gap: reordered when the missing link is elsewhere in the chain."""
        assert self.broken is not None
        if found_elsewhere:
            self.broken = Break(**{**self.broken.to_json(), "what": REORDERED})
        self.gap = None
        return self.broken


def _break(e: Event, what: str) -> Break:
    return Break(e.office, e.device, e.case_id, e.event_id, what)


def by_device(events: Iterable[Event]) -> dict[tuple[str, str], list[Event]]:
    out: dict[tuple[str, str], list[Event]] = {}
    for e in events:
        out.setdefault((e.office, e.device), []).append(e)
    return out
